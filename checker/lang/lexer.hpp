// The scanner: turns the bytes of one scenario file into tokens, on demand (clox style).
//
// Protocol: construct over the file's text (which must outlive the lexer and every token), then
// call next() until it returns TokenKind::Eof; it keeps returning Eof after that. A lexical error
// comes back as a TokenKind::Error token located where the problem is, with its message in
// error_message() until the next call; the lexer has already skipped the offending bytes, so
// the caller reports it and goes on calling next(). The lexer itself never reports anything.
//
// Lexical rules (docs/scenario-language.md, "Lexical structure"): `//` and `/* */` comments
// (not nested; any bytes but NUL inside), identifiers [A-Za-z_][A-Za-z0-9_]*, decimal and 0x hex
// literals (no sign, no leading zero, no suffix), strings in double quotes with the escapes
// \" \\ \n \t (valid UTF-8, one line), the punctuation of token_kinds.def. A UTF-8 byte order
// mark at the very start is skipped. Outside comments and strings only ASCII is allowed.
// `#define` starts a directive that ends at the end of its line (an EndOfLine token); `#include`
// lines are skipped; integer literals may carry C's suffixes (u, l, ul, ull).
// Work is linear in the size of the text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "checker/lang/source.hpp"

namespace preempt::lang {

enum class TokenKind : uint8_t {
#define PREEMPT_TOKEN(Enumerator, spelling) Enumerator,
#include "checker/lang/token_kinds.def"
};

// How a token kind is named in messages: "end of file", "identifier", "(", "while", ...
[[nodiscard]] std::string_view token_spelling(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::Eof;
  SourceLoc loc;          // first byte of the token (for Error: the offending byte)
  std::string_view text;  // the lexeme, a view into the source text (empty for Eof)
  uint64_t value = 0;     // Integer: the value, valid when !overflow
  bool overflow = false;  // Integer: the literal does not fit in 64 bits
};

class Lexer {
 public:
  explicit Lexer(std::string_view text);

  // The next token; Eof at (and after) the end of the text.
  Token next();

  // Why the last token returned was an Error token; valid until the next call of next().
  [[nodiscard]] const std::string& error_message() const { return error_; }

 private:
  Token make(TokenKind kind) const;
  Token make_error(SourceLoc at, std::string message);
  [[nodiscard]] SourceLoc loc_at(size_t offset) const;
  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] unsigned char peek(size_t ahead = 0) const;
  void newline_at(size_t offset);
  bool skip_trivia(Token& error);
  bool skip_block_comment(Token& error);
  Token identifier();
  Token number();
  Token string();
  Token punctuation(unsigned char c);
  Token directive();
  Token stray_character();

  std::string_view text_;
  size_t pos_ = 0;         // next byte to read
  size_t start_ = 0;       // first byte of the token being scanned
  uint32_t line_ = 1;      // line of pos_
  size_t line_start_ = 0;  // offset of the first byte of line_
  std::string error_;      // message of the last Error token
  bool in_directive_ = false;  // inside a #define: its line's end is an EndOfLine token
};

// The value of a String token's lexeme (the quotes removed, the escapes decoded). The lexeme
// must come from a String token (the lexer has validated it).
[[nodiscard]] std::string decode_string_literal(std::string_view lexeme);
// The value of a string literal as the program keeps it (titles, names: text that is only ever
// shown): decoded, with every control character written back as its escape (`\n`, `\t`, `\x1B`),
// so that no title or name can start a new line or drive a terminal in any report.
[[nodiscard]] std::string shown_string_literal(std::string_view lexeme);

}  // namespace preempt::lang
