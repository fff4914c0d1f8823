#include "checker/report/text_safety.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace preempt {

namespace {

// The length of the valid UTF-8 sequence at text[i] (1..4), or 0 when the byte there starts none
// (overlong forms, surrogates and code points past U+10FFFF are invalid). Sets *cp.
std::size_t sequence_at(std::string_view text, std::size_t i, std::uint32_t* cp) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  std::size_t len = 0;
  std::uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = c & 0x1Fu;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = c & 0x0Fu;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = c & 0x07u;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto d = static_cast<unsigned char>(text[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (d & 0x3Fu);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

std::string escaped(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = sequence_at(text, i, &cp);
    if (len == 0) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (cp == '\n' || cp == '\t') {
      out += keep_lines ? std::string(1, static_cast<char>(cp)) : std::string(cp == '\n' ? "\\n" : "\\t");
    } else if (cp < 0x20 || cp == 0x7f) {
      out += fmt::format("\\x{:02X}", cp);
    } else if (cp >= 0x80 && cp <= 0x9f) {
      out += fmt::format("\\u{:04X}", cp);
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = sequence_at(text, i, &cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string terminal_safe(std::string_view text) { return escaped(text, true); }

std::string one_line(std::string_view text) { return escaped(text, false); }

}  // namespace preempt
