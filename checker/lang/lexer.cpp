#include "checker/lang/lexer.hpp"

#include <array>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "checker/lang/diagnostics.hpp"

namespace preempt::lang {

namespace {

constexpr std::array kSpellings = {
#define PREEMPT_TOKEN(Enumerator, spelling) std::string_view(spelling),
#include "checker/lang/token_kinds.def"
};

const std::unordered_map<std::string_view, TokenKind>& keywords() {
  static const std::unordered_map<std::string_view, TokenKind> table = {
#define PREEMPT_TOKEN(Enumerator, spelling)
#define PREEMPT_KEYWORD(Enumerator, spelling) {spelling, TokenKind::Enumerator},
#include "checker/lang/token_kinds.def"
  };
  return table;
}

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(unsigned char c) { return is_ident_start(c) || is_digit(c); }
int hex_value(unsigned char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// value = value * base + digit, or false on overflow past 2^64-1.
bool accumulate(uint64_t& value, uint64_t base, uint64_t digit) {
  if (value > (UINT64_MAX - digit) / base) return false;
  value = value * base + digit;
  return true;
}

}  // namespace

std::string_view token_spelling(TokenKind kind) { return kSpellings[static_cast<size_t>(kind)]; }

Lexer::Lexer(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // columns still count its bytes
}

unsigned char Lexer::peek(size_t ahead) const {
  return pos_ + ahead < text_.size() ? static_cast<unsigned char>(text_[pos_ + ahead]) : 0;
}

SourceLoc Lexer::loc_at(size_t offset) const {
  return SourceLoc{line_, static_cast<uint32_t>(offset - line_start_ + 1)};
}

void Lexer::newline_at(size_t offset) {
  ++line_;
  line_start_ = offset + 1;
}

Token Lexer::make(TokenKind kind) const {
  Token t;
  t.kind = kind;
  t.text = text_.substr(start_, pos_ - start_);
  // Tokens never span lines, so the start column is relative to the current line.
  t.loc = SourceLoc{line_, static_cast<uint32_t>(start_ - line_start_ + 1)};
  return t;
}

Token Lexer::make_error(SourceLoc at, std::string message) {
  error_ = std::move(message);
  Token t = make(TokenKind::Error);
  t.loc = at;
  return t;
}

Token Lexer::next() {
  Token error;
  const uint32_t line = line_;
  if (!skip_trivia(error)) return error;
  // A #define ends at the end of its line: the parser sees an EndOfLine token there.
  if (in_directive_ && (line_ != line || at_end())) {
    in_directive_ = false;
    start_ = pos_;
    Token t = make(TokenKind::EndOfLine);
    t.text = {};
    return t;
  }
  start_ = pos_;
  if (at_end()) return make(TokenKind::Eof);
  unsigned char c = peek();
  if (is_ident_start(c)) return identifier();
  if (is_digit(c)) return number();
  if (c == '"') return string();
  if (c == '#') return directive();
  return punctuation(c);
}

// directive = "#define" ... | "#include" ... ;  #include lines are skipped (every builtin is always
// there), every other directive is an error.
Token Lexer::directive() {
  ++pos_;
  while (peek() == ' ' || peek() == '\t') ++pos_;
  const size_t word = pos_;
  while (is_ident_char(peek())) ++pos_;
  const std::string_view name = text_.substr(word, pos_ - word);
  if (name == "define") {
    in_directive_ = true;
    return make(TokenKind::KwDefine);
  }
  if (name == "include") {
    const size_t end = text_.find('\n', pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end;
    return next();
  }
  return make_error(loc_at(start_), fmt::format("unsupported preprocessor directive '#{}': only #define (and "
                                               "#include, which is ignored) are supported",
                                               printable(name)));
}

// Skips whitespace and comments. On a lexical error inside them, sets `error` and returns false
// (having skipped past the comment, so scanning can go on).
bool Lexer::skip_trivia(Token& error) {
  while (!at_end()) {
    unsigned char c = peek();
    if (c == '\n') {
      newline_at(pos_);
      ++pos_;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
    } else if (c == '/' && peek(1) == '/') {
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      size_t nul = text_.substr(0, end).find('\0', pos_);
      if (nul != std::string_view::npos) {
        start_ = nul;
        pos_ = nul + 1;
        error = make_error(loc_at(nul), "unexpected character '\\x00' (NUL byte)");
        pos_ = end;
        return false;
      }
      pos_ = end;
    } else if (c == '/' && peek(1) == '*') {
      if (!skip_block_comment(error)) return false;
    } else {
      return true;
    }
  }
  return true;
}

// Skips a /* */ comment starting at pos_; any bytes but NUL may be inside.
bool Lexer::skip_block_comment(Token& error) {
  SourceLoc opened = loc_at(pos_);
  size_t opened_at = pos_;
  pos_ += 2;
  bool nul_seen = false;
  SourceLoc nul_loc;
  while (!at_end()) {
    unsigned char c = peek();
    if (c == '*' && peek(1) == '/') {
      pos_ += 2;
      if (!nul_seen) return true;
      start_ = pos_;
      error = make_error(nul_loc, "unexpected character '\\x00' (NUL byte)");
      return false;
    }
    if (c == '\n') newline_at(pos_);
    if (c == '\0' && !nul_seen) {
      nul_seen = true;
      nul_loc = loc_at(pos_);
    }
    ++pos_;
  }
  start_ = opened_at;
  error = make_error(opened, "unterminated comment: '/*' has no matching '*/'");
  error.text = "/*";
  return false;
}

// identifier = ( letter | "_" ) { letter | digit | "_" } ;
Token Lexer::identifier() {
  while (is_ident_char(peek())) ++pos_;
  Token t = make(TokenKind::Identifier);
  auto it = keywords().find(t.text);
  if (it != keywords().end()) t.kind = it->second;
  return t;
}

// integer = "0" | nonzero_digit { digit } | ( "0x" | "0X" ) hex_digit { hex_digit } ;
Token Lexer::number() {
  bool hex = peek() == '0' && (peek(1) == 'x' || peek(1) == 'X');
  uint64_t base = hex ? 16 : 10;
  auto digit = [&](unsigned char c) { return hex ? hex_value(c) : (is_digit(c) ? c - '0' : -1); };
  pos_ += hex ? 2 : 0;
  size_t digits_start = pos_;
  uint64_t value = 0;
  bool overflow = false;
  for (int d = digit(peek()); d >= 0; d = digit(peek())) {
    if (!overflow && !accumulate(value, base, static_cast<uint64_t>(d))) overflow = true;
    ++pos_;
  }
  size_t digits_end = pos_;
  // C's integer suffixes (u, l, ul, ull, ...) are accepted: every integer is 64 bits here.
  size_t suffix = 0;
  while (suffix < 3 && (peek() == 'u' || peek() == 'U' || peek() == 'l' || peek() == 'L')) {
    ++pos_;
    ++suffix;
  }
  const size_t suffix_end = pos_;
  while (is_ident_char(peek())) ++pos_;  // a suffix such as 12abc makes one bad literal
  Token t = make(TokenKind::Integer);
  if (digits_end == digits_start) {
    return make_error(t.loc, fmt::format("hex literal '{}' has no digits", printable(t.text)));
  }
  if (pos_ != suffix_end) {
    return make_error(t.loc, fmt::format("invalid integer literal '{}'", printable(t.text)));
  }
  if (!hex && digits_end - digits_start > 1 && t.text[0] == '0') {
    return make_error(t.loc, fmt::format("integer literal '{}' has a leading zero (octal literals "
                                         "are not supported)",
                                         printable(t.text)));
  }
  t.value = value;
  t.overflow = overflow;
  return t;
}

// string = '"' { character | "\" ( '"' | "\" | "n" | "t" ) } '"' ;   (one line, valid UTF-8)
Token Lexer::string() {
  SourceLoc opened = loc_at(pos_);
  ++pos_;
  SourceLoc bad_loc;
  std::string bad;  // the first problem inside the string, reported once it is skipped
  auto note = [&](size_t at, std::string message) {
    if (!bad.empty()) return;
    bad_loc = loc_at(at);
    bad = std::move(message);
  };
  while (!at_end() && peek() != '"' && peek() != '\n') {
    unsigned char c = peek();
    uint32_t cp = 0;
    size_t len = 1;
    if (c == '\\') {
      unsigned char e = peek(1);
      if (e == '"' || e == '\\' || e == 'n' || e == 't') {
        len = 2;
      } else if (e != '\n' && e != 0 && pos_ + 1 < text_.size()) {
        note(pos_, fmt::format("unknown escape sequence '\\{}' in string literal",
                               printable(text_.substr(pos_ + 1, 1))));
      }
    } else if (c >= 0x80) {
      int n = utf8_sequence(text_.substr(pos_), &cp);
      if (n == 0) {
        note(pos_, fmt::format("invalid UTF-8 byte '{}' in string literal",
                               printable(text_.substr(pos_, 1))));
      } else {
        len = static_cast<size_t>(n);
      }
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      note(pos_, fmt::format("unexpected character '{}' in string literal",
                             printable(text_.substr(pos_, 1))));
    }
    pos_ += len;
  }
  if (at_end() || peek() == '\n') {
    return make_error(opened, "unterminated string literal");
  }
  ++pos_;
  if (!bad.empty()) return make_error(bad_loc, std::move(bad));
  return make(TokenKind::String);
}

Token Lexer::punctuation(unsigned char c) {
  // Two-byte tokens first, then one-byte tokens.
  struct Two {
    char a, b;
    TokenKind kind;
  };
  static constexpr Two kTwo[] = {
      {'+', '=', TokenKind::PlusAssign}, {'-', '=', TokenKind::MinusAssign},
      {'+', '+', TokenKind::PlusPlus},   {'-', '-', TokenKind::MinusMinus},
      {'<', '=', TokenKind::LessEqual},  {'>', '=', TokenKind::GreaterEqual},
      {'=', '=', TokenKind::EqualEqual}, {'!', '=', TokenKind::BangEqual},
      {'&', '&', TokenKind::AmpAmp},     {'|', '|', TokenKind::PipePipe},
      {'<', '<', TokenKind::LessLess},   {'>', '>', TokenKind::GreaterGreater},
      {'-', '>', TokenKind::Arrow},
  };
  for (const Two& two : kTwo) {
    if (c == static_cast<unsigned char>(two.a) && peek(1) == static_cast<unsigned char>(two.b)) {
      pos_ += 2;
      return make(two.kind);
    }
  }
  struct One {
    char c;
    TokenKind kind;
  };
  static constexpr One kOne[] = {
      {'(', TokenKind::LParen},    {')', TokenKind::RParen},   {'{', TokenKind::LBrace},
      {'}', TokenKind::RBrace},    {'[', TokenKind::LBracket}, {']', TokenKind::RBracket},
      {';', TokenKind::Semicolon}, {',', TokenKind::Comma},    {'=', TokenKind::Assign},
      {'+', TokenKind::Plus},      {'-', TokenKind::Minus},    {'*', TokenKind::Star},
      {'/', TokenKind::Slash},     {'%', TokenKind::Percent},  {'<', TokenKind::Less},
      {'>', TokenKind::Greater},   {'&', TokenKind::Amp},      {'|', TokenKind::Pipe},
      {'^', TokenKind::Caret},     {'!', TokenKind::Bang},     {'~', TokenKind::Tilde},
      {'.', TokenKind::Dot},       {'?', TokenKind::Question}, {':', TokenKind::Colon},
  };
  for (const One& one : kOne) {
    if (c == static_cast<unsigned char>(one.c)) {
      ++pos_;
      return make(one.kind);
    }
  }
  return stray_character();
}

// A byte that starts no token: NUL, a control byte, stray ASCII, non-ASCII or invalid UTF-8.
Token Lexer::stray_character() {
  SourceLoc at = loc_at(pos_);
  unsigned char c = peek();
  uint32_t cp = 0;
  int len = c >= 0x80 ? utf8_sequence(text_.substr(pos_), &cp) : 1;
  if (len == 0) {
    ++pos_;
    return make_error(at,
                      fmt::format("invalid UTF-8 byte '{}'", printable(text_.substr(start_, 1))));
  }
  pos_ += static_cast<size_t>(len);
  std::string shown = printable(text_.substr(start_, static_cast<size_t>(len)));
  if (c == 0) return make_error(at, "unexpected character '\\x00' (NUL byte)");
  if (c >= 0x80) {
    return make_error(at, fmt::format("unexpected character '{}' (U+{:04X}); only ASCII is allowed "
                                      "outside comments and strings",
                                      shown, cp));
  }
  return make_error(at, fmt::format("unexpected character '{}'", shown));
}

std::string decode_string_literal(std::string_view lexeme) {
  std::string out;
  if (lexeme.size() < 2) return out;
  std::string_view body = lexeme.substr(1, lexeme.size() - 2);
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    char e = body[++i];
    out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
  }
  return out;
}

std::string shown_string_literal(std::string_view lexeme) {
  std::string out;
  for (const char ch : decode_string_literal(lexeme)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02X}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace preempt::lang
