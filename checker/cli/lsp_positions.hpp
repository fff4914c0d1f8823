#pragma once
// Positions in a document's text, as the Language Server Protocol counts them and as the front end
// does.
//
// The front end's SourceLoc is a 1-based line and a 1-based byte column. An LSP Position is a
// 0-based line and a 0-based `character`, counted in the position encoding the server announced
// at initialize: UTF-16 code units (the protocol's default: a character above U+FFFF counts 2) or
// UTF-8 bytes when the client offers "utf-8". Bytes that are not valid UTF-8 count as one unit
// each (editors show each as U+FFFD). Lines end at '\n'; a '\r' before it is not part of the line.
#include <cstdint>
#include <string_view>

#include "checker/lang/source.hpp"

namespace preempt::cli::lsp {

enum class Encoding : std::uint8_t { Utf16, Utf8 };

struct Position {
  std::uint32_t line = 0;       // 0-based
  std::uint32_t character = 0;  // 0-based, in the encoding's units
};

// The units of `bytes` (a prefix of a line) in `encoding`.
[[nodiscard]] std::uint32_t units(std::string_view bytes, Encoding encoding);

// A SourceLoc as an LSP position, given `line`, the text of line loc.line; line 0 (no position) is
// the start of the document, a column past the end of its line is the end of the line.
[[nodiscard]] Position to_position(std::string_view line, lang::SourceLoc loc, Encoding encoding);

// An LSP position as a SourceLoc (1-based line, 1-based byte column), given `line`, the text of
// line position.line; a character inside a multi-unit character or past the end of the line is
// clamped to the line.
[[nodiscard]] lang::SourceLoc to_source_loc(std::string_view line, Position position, Encoding encoding);

}  // namespace preempt::cli::lsp
