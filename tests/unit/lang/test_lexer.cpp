// Lexer: tokens, positions, literals, comments, and every lexical error with its exact text.
#include <string>
#include <vector>

#include <fmt/format.h>
#include "tests/catch.hpp"

#include "checker/lang/lexer.hpp"

using preempt::lang::decode_string_literal;
using preempt::lang::Lexer;
using preempt::lang::SourceLoc;
using preempt::lang::Token;
using preempt::lang::token_spelling;
using preempt::lang::TokenKind;
using preempt::lang::utf8_sequence;

namespace {

// All tokens up to and including Eof.
std::vector<Token> lex(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  do {
    tokens.push_back(lexer.next());
  } while (tokens.back().kind != TokenKind::Eof);
  return tokens;
}

// "kind@line:col" for every token but Eof; Error tokens show their message.
std::string describe(std::string_view text) {
  Lexer lexer(text);
  std::string out;
  for (Token t = lexer.next(); t.kind != TokenKind::Eof; t = lexer.next()) {
    if (!out.empty()) out += ' ';
    if (t.kind == TokenKind::Error) {
      out += fmt::format("error({})", lexer.error_message());
    } else if (t.kind == TokenKind::Identifier || t.kind == TokenKind::Integer) {
      out += std::string(t.text);
    } else {
      out += std::string(token_spelling(t.kind));
    }
    out += fmt::format("@{}:{}", t.loc.line, t.loc.col);
  }
  return out;
}

// The message of the first Error token, or "" if there is none.
std::string first_lex_error(std::string_view text) {
  Lexer lexer(text);
  for (Token t = lexer.next(); t.kind != TokenKind::Eof; t = lexer.next()) {
    if (t.kind == TokenKind::Error) {
      return fmt::format("{}:{}: {}", t.loc.line, t.loc.col, lexer.error_message());
    }
  }
  return "";
}

}  // namespace

TEST_CASE("lexer: punctuation, keywords and identifiers with positions", "[lexer]") {
  CHECK(describe("thread t { x += 1; }") ==
        "thread@1:1 t@1:8 {@1:10 x@1:12 +=@1:14 1@1:17 ;@1:18 }@1:20");
  CHECK(describe("a<<=b>>c&&d||!e~f^g|h&i%j") ==
        "a@1:1 <<@1:2 =@1:4 b@1:5 >>@1:6 c@1:8 &&@1:9 d@1:11 ||@1:12 !@1:14 e@1:15 ~@1:16 "
        "f@1:17 ^@1:18 g@1:19 |@1:20 h@1:21 &@1:22 i@1:23 %@1:24 j@1:25");
  CHECK(describe("x++ y-- <= >= == != -= [ ] , ( )") ==
        "x@1:1 ++@1:2 y@1:5 --@1:6 <=@1:9 >=@1:12 ==@1:15 !=@1:18 -=@1:21 [@1:24 ]@1:26 ,@1:28 "
        "(@1:30 )@1:32");
}

TEST_CASE("lexer: keywords are reserved, contextual words are identifiers", "[lexer]") {
  std::vector<Token> t = lex("do_exit schedule self await exit release safe violation executions");
  CHECK(t[0].kind == TokenKind::KwDoExit);
  CHECK(t[1].kind == TokenKind::KwSchedule);
  CHECK(t[2].kind == TokenKind::KwSelf);
  CHECK(t[3].kind == TokenKind::KwAwait);
  for (size_t i = 4; i < 9; ++i) CHECK(t[i].kind == TokenKind::Identifier);
  CHECK(t[9].kind == TokenKind::Eof);
  CHECK(lex("_under_score9")[0].kind == TokenKind::Identifier);
  CHECK(lex("threads")[0].kind == TokenKind::Identifier);
}

TEST_CASE("lexer: lines and columns across newlines, tabs and CRLF", "[lexer]") {
  CHECK(describe("a\n  b\n\tc") == "a@1:1 b@2:3 c@3:2");
  CHECK(describe("a\r\nb\r\n") == "a@1:1 b@2:1");
  std::vector<Token> t = lex("x\n");
  CHECK(t.back().kind == TokenKind::Eof);
  CHECK(t.back().loc == SourceLoc{2, 1});
  CHECK(lex("")[0].loc == SourceLoc{1, 1});
}

TEST_CASE("lexer: comments are skipped, any bytes but NUL inside", "[lexer]") {
  CHECK(describe("a // b c\nd") == "a@1:1 d@2:1");
  CHECK(describe("a /* b\n c */ d") == "a@1:1 d@2:7");
  CHECK(describe("a /* /* */ b") == "a@1:1 b@1:12");  // not nested
  CHECK(describe("a // \xFF\xFE latin-1 \xE9\n/* \xC3\xA9 \x80 */ b") == "a@1:1 b@2:12");
  CHECK(describe("a //") == "a@1:1");
  CHECK(describe("/**/x") == "x@1:5");
}

TEST_CASE("lexer: decimal and hex literals", "[lexer]") {
  std::vector<Token> t =
      lex("0 7 1234567890 0x0 0xff 0XAbC 18446744073709551615 0xFFFFFFFFFFFFFFFF");
  CHECK(t[0].value == 0);
  CHECK(t[1].value == 7);
  CHECK(t[2].value == 1234567890);
  CHECK(t[3].value == 0);
  CHECK(t[4].value == 255);
  CHECK(t[5].value == 0xABC);
  CHECK(t[6].value == UINT64_MAX);
  CHECK_FALSE(t[6].overflow);
  CHECK(t[7].value == UINT64_MAX);
  for (size_t i = 0; i < 8; ++i) CHECK(t[i].kind == TokenKind::Integer);
}

TEST_CASE("lexer: literal overflow is flagged, not wrapped", "[lexer]") {
  std::vector<Token> t = lex("18446744073709551616 0x10000000000000000 99999999999999999999999999");
  for (size_t i = 0; i < 3; ++i) {
    CHECK(t[i].kind == TokenKind::Integer);
    CHECK(t[i].overflow);
  }
}

TEST_CASE("lexer: malformed literals", "[lexer]") {
  CHECK(first_lex_error("x = 0x;") == "1:5: hex literal '0x' has no digits");
  CHECK(first_lex_error("x = 12ab;") == "1:5: invalid integer literal '12ab'");
  CHECK(first_lex_error("x = 0xfg;") == "1:5: invalid integer literal '0xfg'");
  CHECK(first_lex_error("x = 007;") ==
        "1:5: integer literal '007' has a leading zero (octal literals are not supported)");
  // After an error token the lexer goes on with the next token.
  CHECK(describe("12ab ;") == "error(invalid integer literal '12ab')@1:1 ;@1:6");
}

TEST_CASE("lexer: strings and their escapes", "[lexer]") {
  std::vector<Token> t = lex(R"("a \"b\" \\ \n\t" x)");
  REQUIRE(t[0].kind == TokenKind::String);
  CHECK(decode_string_literal(t[0].text) == "a \"b\" \\ \n\t");
  CHECK(t[1].loc == SourceLoc{1, 19});
  CHECK(decode_string_literal(lex("\"\"")[0].text).empty());
  CHECK(
      decode_string_literal(lex("\"d\xC3\xA9j\xC3\xA0 \xE2\x82\xAC \xF0\x9F\x98\x80\"")[0].text) ==
      "d\xC3\xA9j\xC3\xA0 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST_CASE("lexer: string errors", "[lexer]") {
  CHECK(first_lex_error("x \"abc") == "1:3: unterminated string literal");
  CHECK(first_lex_error("x \"abc\ny\"") == "1:3: unterminated string literal");
  CHECK(first_lex_error("\"a\\qb\"") == "1:3: unknown escape sequence '\\q' in string literal");
  CHECK(first_lex_error("\"a\xFF\"") == "1:3: invalid UTF-8 byte '\\xFF' in string literal");
  CHECK(first_lex_error("\"a\x01\"") == "1:3: unexpected character '\\x01' in string literal");
  CHECK(first_lex_error(std::string_view("\"a\0\"", 4)) ==
        "1:3: unexpected character '\\x00' in string literal");
  // The whole bad string is one error token; scanning resumes after it.
  CHECK(describe("\"a\\q\" z") ==
        "error(unknown escape sequence '\\q' in string literal)@1:3 z@1:7");
}

TEST_CASE("lexer: unterminated comment points at its start", "[lexer]") {
  CHECK(first_lex_error("a\n  /* never closed\n more") ==
        "2:3: unterminated comment: '/*' has no matching '*/'");
  CHECK(describe("a /* x") == "a@1:1 error(unterminated comment: '/*' has no matching '*/')@1:3");
}

TEST_CASE("lexer: NUL bytes are rejected in code and in comments", "[lexer]") {
  using namespace std::string_literals;
  CHECK(first_lex_error("a \0 b"s) == "1:3: unexpected character '\\x00' (NUL byte)");
  CHECK(describe("a \0 b"s) == "a@1:1 error(unexpected character '\\x00' (NUL byte))@1:3 b@1:5");
  CHECK(describe("a // x\0y z\nb"s) ==
        "a@1:1 error(unexpected character '\\x00' (NUL byte))@1:7 b@2:1");
  CHECK(describe("a /* x\n\0 */ b"s) ==
        "a@1:1 error(unexpected character '\\x00' (NUL byte))@2:1 b@2:6");
}

TEST_CASE("lexer: stray characters and non-ASCII outside comments and strings", "[lexer]") {
  CHECK(first_lex_error("a @ b") == "1:3: unexpected character '@'");
  CHECK(first_lex_error("a $") == "1:3: unexpected character '$'");
  CHECK(first_lex_error("a\x7f") == "1:2: unexpected character '\\x7F'");
  CHECK(first_lex_error("a\x1b[0m") == "1:2: unexpected character '\\x1B'");
  CHECK(first_lex_error("int \xC3\xA9t\xC3\xA9;") ==
        "1:5: unexpected character '\\xC3\\xA9' (U+00E9); only ASCII is allowed outside comments "
        "and strings");
  CHECK(describe("x \xE2\x82\xAC y") ==
        "x@1:1 error(unexpected character '\\xE2\\x82\\xAC' (U+20AC); only ASCII is allowed "
        "outside comments and strings)@1:3 y@1:7");
}

TEST_CASE("lexer: invalid UTF-8 outside comments and strings", "[lexer]") {
  CHECK(first_lex_error("a \xFF") == "1:3: invalid UTF-8 byte '\\xFF'");
  CHECK(first_lex_error("a \x80") == "1:3: invalid UTF-8 byte '\\x80'");      // lone continuation
  CHECK(first_lex_error("a \xC0\x80") == "1:3: invalid UTF-8 byte '\\xC0'");  // overlong NUL
  CHECK(first_lex_error("a \xED\xA0\x80") == "1:3: invalid UTF-8 byte '\\xED'");      // surrogate
  CHECK(first_lex_error("a \xC3") == "1:3: invalid UTF-8 byte '\\xC3'");              // truncated
  CHECK(first_lex_error("a \xF4\x90\x80\x80") == "1:3: invalid UTF-8 byte '\\xF4'");  // > U+10FFFF
  // One error per bad byte; scanning goes on.
  CHECK(describe("\xC3x") == "error(invalid UTF-8 byte '\\xC3')@1:1 x@1:2");
}

TEST_CASE("lexer: utf8_sequence decodes and validates", "[lexer]") {
  uint32_t cp = 0;
  CHECK(utf8_sequence("A", &cp) == 1);
  CHECK(cp == 'A');
  CHECK(utf8_sequence("\xC3\xA9", &cp) == 2);
  CHECK(cp == 0xE9);
  CHECK(utf8_sequence("\xE2\x82\xAC", &cp) == 3);
  CHECK(cp == 0x20AC);
  CHECK(utf8_sequence("\xF0\x9F\x98\x80", &cp) == 4);
  CHECK(cp == 0x1F600);
  CHECK(utf8_sequence("\xF4\x8F\xBF\xBF", &cp) == 4);
  CHECK(cp == 0x10FFFF);
  CHECK(utf8_sequence("", &cp) == 0);
  CHECK(utf8_sequence("\xE0\x80\x80", &cp) == 0);  // overlong
  CHECK(utf8_sequence("\xED\xBF\xBF", &cp) == 0);  // surrogate
  CHECK(utf8_sequence("\xE2\x82", &cp) == 0);      // truncated
  CHECK(utf8_sequence("\xE2\x28\xA1", &cp) == 0);  // bad continuation
  CHECK(utf8_sequence("\xF8\x88\x80\x80\x80", &cp) == 0);
}

TEST_CASE("lexer: a UTF-8 byte order mark at the start is skipped", "[lexer]") {
  CHECK(describe("\xEF\xBB\xBFthread") == "thread@1:4");  // columns count bytes
  CHECK(first_lex_error("a \xEF\xBB\xBF") ==
        "1:3: unexpected character '\\xEF\\xBB\\xBF' (U+FEFF); only ASCII is allowed outside "
        "comments and strings");
}

TEST_CASE("lexer: Eof repeats after the end", "[lexer]") {
  Lexer lexer("x");
  CHECK(lexer.next().kind == TokenKind::Identifier);
  CHECK(lexer.next().kind == TokenKind::Eof);
  CHECK(lexer.next().kind == TokenKind::Eof);
}

TEST_CASE("lexer: 10 MB of input is scanned in one linear pass", "[lexer][big]") {
  std::string text;
  text.reserve(10'500'000);
  while (text.size() < 10'000'000) text += "x = y + 0x1F; /* c */ // d\n";
  Lexer lexer(text);
  size_t tokens = 0;
  for (Token t = lexer.next(); t.kind != TokenKind::Eof; t = lexer.next()) {
    REQUIRE(t.kind != TokenKind::Error);
    ++tokens;
  }
  CHECK(tokens == text.size() / 27 * 6);
}

TEST_CASE("lexer: a 100,000-character token and line", "[lexer][big]") {
  std::string ident(100'000, 'a');
  std::vector<Token> t = lex(ident + " 1");
  CHECK(t[0].text.size() == 100'000);
  CHECK(t[1].loc == SourceLoc{1, 100'002});
  std::string digits(100'000, '9');
  std::vector<Token> n = lex(digits);
  CHECK(n[0].kind == TokenKind::Integer);
  CHECK(n[0].overflow);
}
