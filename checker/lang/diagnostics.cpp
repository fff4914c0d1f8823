#include "checker/lang/diagnostics.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace preempt::lang {

namespace {

// The part of a source line shown under an error, and where the caret goes in it.
struct ShownLine {
  std::string text;
  std::string caret;
};

// Keeps tabs (so the caret line can mirror them), valid UTF-8 and printable ASCII; replaces
// other bytes by '?'. The caret is indented by one character per code point before `col`.
ShownLine show_line(std::string_view line, uint32_t col) {
  size_t caret_at = col == 0 ? 0 : col - 1;
  if (caret_at > line.size()) caret_at = line.size();
  size_t begin = 0;
  size_t end = line.size();
  const size_t half = Diagnostics::kMaxShownLine / 2;
  if (line.size() > Diagnostics::kMaxShownLine) {
    begin = caret_at > half ? caret_at - half : 0;
    end = std::min(line.size(), begin + Diagnostics::kMaxShownLine);
  }
  ShownLine out;
  if (begin > 0) {
    out.text += "...";
    out.caret += "   ";
  }
  size_t i = begin;
  while (i < end) {
    auto c = static_cast<unsigned char>(line[i]);
    size_t len = 1;
    char indent = ' ';
    bool zero_width = false;  // a byte order mark takes no room on screen
    if (c == '\t') {
      out.text += '\t';
      indent = '\t';
    } else if (c >= 0x20 && c < 0x7f) {
      out.text += static_cast<char>(c);
    } else if (uint32_t cp = 0; c >= 0x80 && utf8_sequence(line.substr(i), &cp) > 0) {
      len = static_cast<size_t>(utf8_sequence(line.substr(i), &cp));
      out.text += line.substr(i, len);
      if (cp == 0xFEFF) zero_width = true;
    } else {
      out.text += '?';
    }
    if (i < caret_at && !zero_width) out.caret += indent;
    i += len;
  }
  if (end < line.size()) out.text += "...";
  out.caret += '^';
  return out;
}

}  // namespace

void Diagnostics::error(SourceLoc loc, std::string message) {
  ++reported_;
  if (full_) return;
  if (entries_.size() == kMaxErrors) {
    full_ = true;
    message = fmt::format("too many errors (more than {}); stopping", kMaxErrors);
  }
  entries_.push_back(Diagnostic{file_, loc, std::move(message)});
}

void Diagnostics::warning(SourceLoc loc, std::string message) {
  if (warnings_.size() < kMaxErrors) warnings_.push_back(Diagnostic{file_, loc, std::move(message), true});
}

std::string Diagnostics::render_warnings() const {
  std::vector<const Diagnostic*> order;
  for (const Diagnostic& d : warnings_) order.push_back(&d);
  std::stable_sort(order.begin(), order.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return a->loc.line != b->loc.line ? a->loc.line < b->loc.line : a->loc.col < b->loc.col;
  });
  std::string out;
  for (const Diagnostic* d : order) out += render(*d);
  return out;
}

std::string Diagnostics::render(const Diagnostic& d) {
  std::string_view path = d.file ? std::string_view(d.file->path()) : std::string_view("<input>");
  const char* level = d.warning ? "warning" : "error";
  if (d.loc.line == 0) return fmt::format("{}: {}: {}\n", path, level, d.message);
  std::string out = fmt::format("{}:{}:{}: {}: {}\n", path, d.loc.line, d.loc.col, level, d.message);
  if (d.file && d.loc.line <= d.file->line_count()) {
    ShownLine shown = show_line(d.file->line(d.loc.line), d.loc.col);
    out += shown.text;
    out += '\n';
    out += shown.caret;
    out += '\n';
  }
  return out;
}

// Errors come in the order of the passes that found them (a parse error, then undeclared names,
// ...); the reader wants them in the order of the file. So: files in the order they first appear,
// then by line and column; the "too many errors" entry stays last.
std::string Diagnostics::render() const {
  std::vector<const Diagnostic*> order;
  std::vector<const SourceFile*> files;
  order.reserve(entries_.size());
  for (const Diagnostic& d : entries_) {
    order.push_back(&d);
    if (std::find(files.begin(), files.end(), d.file.get()) == files.end()) files.push_back(d.file.get());
  }
  const std::size_t sorted = full_ ? order.size() - 1 : order.size();
  const auto file_rank = [&](const Diagnostic* d) {
    return std::find(files.begin(), files.end(), d->file.get()) - files.begin();
  };
  std::stable_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(sorted),
                   [&](const Diagnostic* a, const Diagnostic* b) {
                     const auto ra = file_rank(a), rb = file_rank(b);
                     if (ra != rb) return ra < rb;
                     if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line;
                     return a->loc.col < b->loc.col;
                   });
  std::string out;
  for (const Diagnostic* d : order) out += render(*d);
  return out;
}

std::string printable(std::string_view text, size_t max_bytes) {
  std::string out;
  size_t shown = std::min(text.size(), max_bytes);
  for (size_t i = 0; i < shown; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02X}", c);
    }
  }
  if (shown < text.size()) out += "...";
  return out;
}

}  // namespace preempt::lang
