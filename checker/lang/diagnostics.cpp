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

std::string Diagnostics::render(const Diagnostic& d) {
  std::string_view path = d.file ? std::string_view(d.file->path()) : std::string_view("<input>");
  if (d.loc.line == 0) return fmt::format("{}: error: {}\n", path, d.message);
  std::string out = fmt::format("{}:{}:{}: error: {}\n", path, d.loc.line, d.loc.col, d.message);
  if (d.file && d.loc.line <= d.file->line_count()) {
    ShownLine shown = show_line(d.file->line(d.loc.line), d.loc.col);
    out += shown.text;
    out += '\n';
    out += shown.caret;
    out += '\n';
  }
  return out;
}

std::string Diagnostics::render() const {
  std::string out;
  for (const Diagnostic& d : entries_) out += render(d);
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
