#include "checker/cli/lsp_positions.hpp"

#include <algorithm>
#include <cstddef>

namespace preempt::cli::lsp {

namespace {

// The bytes of the character at the start of `s` and its units.
struct Step {
  std::size_t bytes;
  std::uint32_t units;
};

Step step(std::string_view s, Encoding encoding) {
  std::uint32_t code_point = 0;
  const int len = lang::utf8_sequence(s, &code_point);
  if (len <= 0) return Step{1, 1};
  if (encoding == Encoding::Utf8) return Step{static_cast<std::size_t>(len), static_cast<std::uint32_t>(len)};
  return Step{static_cast<std::size_t>(len), code_point > 0xFFFF ? 2u : 1u};
}

}  // namespace

std::uint32_t units(std::string_view bytes, Encoding encoding) {
  std::uint32_t count = 0;
  while (!bytes.empty()) {
    const Step s = step(bytes, encoding);
    count += s.units;
    bytes.remove_prefix(std::min(s.bytes, bytes.size()));
  }
  return count;
}

Position to_position(std::string_view line, lang::SourceLoc loc, Encoding encoding) {
  if (loc.line == 0) return Position{};
  const std::size_t column = std::min<std::size_t>(loc.col == 0 ? 0 : loc.col - 1, line.size());
  return Position{loc.line - 1, units(line.substr(0, column), encoding)};
}

lang::SourceLoc to_source_loc(std::string_view line, Position position, Encoding encoding) {
  std::size_t byte = 0;
  std::uint32_t unit = 0;
  while (byte < line.size()) {
    const Step s = step(line.substr(byte), encoding);
    if (unit + s.units > position.character) break;
    unit += s.units;
    byte += s.bytes;
  }
  return lang::SourceLoc{position.line + 1, static_cast<std::uint32_t>(byte + 1)};
}

}  // namespace preempt::cli::lsp
