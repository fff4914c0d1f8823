// Source positions and the text of one scenario file.
//
// SourceLoc is a 1-based line and column; columns count bytes from the start of the line (a tab
// is one column). Line 0 means "no position" (an error about the whole file).
//
// SourceFile owns the path and the text of one file and indexes where each line starts, so that
// diagnostics and traces can print the source line of any position in O(1). It is immutable
// once built and is shared (std::shared_ptr<const SourceFile>) by the Diagnostics that mention it
// and by the Program compiled from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace preempt::lang {

struct SourceLoc {
  uint32_t line = 0;  // 1-based; 0 = no position
  uint32_t col = 0;   // 1-based byte column
  friend bool operator==(const SourceLoc&, const SourceLoc&) = default;
};

class SourceFile {
 public:
  // Copies path and text and indexes the line starts (one linear pass).
  SourceFile(std::string_view path, std::string_view text) : path_(path), text_(text) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  // Number of lines; a file ending in '\n' has an empty last line (where end of file is).
  [[nodiscard]] uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

  // The text of line `line` (1-based) without its '\n' (and without a '\r' before it);
  // empty for a line that does not exist.
  [[nodiscard]] std::string_view line(uint32_t line) const {
    if (line == 0 || line > line_starts_.size()) return {};
    size_t begin = line_starts_[line - 1];
    size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
    std::string_view s(text_.data() + begin, end - begin);
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;  // byte offset of the first byte of each line; [0] == 0
};

// Length of the valid UTF-8 sequence at the start of `s` (1..4), or 0 if it does not start with
// one (overlong forms, surrogates and code points above U+10FFFF are invalid); on success sets
// *code_point.
[[nodiscard]] inline int utf8_sequence(std::string_view s, uint32_t* code_point) {
  if (s.empty()) return 0;
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(0);
  int len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < static_cast<size_t>(len)) return 0;
  for (int i = 1; i < len; ++i) {
    unsigned char b = byte(static_cast<size_t>(i));
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return len;
}

}  // namespace preempt::lang
