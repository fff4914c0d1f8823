#include "checker/lang/parser.hpp"

#include <utility>

#include <cctype>

#include <fmt/format.h>

#include "checker/lang/parser_internal.hpp"
#include "checker/rt/stop.hpp"

namespace preempt::lang::syntax {

namespace detail {

// ---------------------------------------------------------------------------------------------
// Tokens

void Parser::advance() {
  previous_ = current_;
  ++consumed_;
  poll_or_throw();
  for (;;) {
    if (diags_.full()) {
      current_ = Token{TokenKind::Eof, previous_.loc, {}, 0, false};
      return;
    }
    current_ = lexer_.next();
    if (current_.kind != TokenKind::Error) return;
    error_at(current_.loc, lexer_.error_message());
  }
}

bool Parser::match(TokenKind kind) {
  if (!check(kind)) return false;
  advance();
  return true;
}

bool Parser::expect(TokenKind kind) {
  if (match(kind)) return true;
  error_expected(fmt::format("'{}'", token_spelling(kind)), true);
  return false;
}

Name Parser::expect_name(std::string_view what) {
  if (check(TokenKind::Identifier)) {
    Name name{current_.text, current_.loc};
    advance();
    return name;
  }
  error_expected(what);
  return Name{};
}

// A word of the language's own (kobject, module, mutex, ...) is not a reserved word in C: kernel
// structs and fields use them (struct module, struct mutex mutex, hostt->module).
Name Parser::expect_word(std::string_view what) {
  if (at_word()) {
    Name name{current_.text, current_.loc};
    advance();
    return name;
  }
  error_expected(what);
  return Name{};
}

std::string Parser::found() const {
  if (check(TokenKind::Eof)) return "end of file";
  if (check(TokenKind::EndOfLine)) return "the end of the line";
  if (check(TokenKind::String)) return "a string literal";
  return fmt::format("'{}'", printable(current_.text));
}

SourceLoc Parser::end_of_previous() const {
  return SourceLoc{previous_.loc.line, previous_.loc.col + static_cast<uint32_t>(previous_.text.size())};
}

// ---------------------------------------------------------------------------------------------
// Errors and recovery

void Parser::error_at(SourceLoc loc, std::string message) {
  if (panic_) return;
  panic_ = true;
  diags_.error(loc, std::move(message));
}

// "expected X, found Y", at Y. For a missing token (missing_token) on a line after the last
// token, the error points just after the last token instead: that is where it belongs.
void Parser::error_expected(std::string_view what, bool missing_token) {
  SourceLoc at = current_.loc;
  if (missing_token && consumed_ > 1 && current_.loc.line > previous_.loc.line) {
    at = SourceLoc{previous_.loc.line,
                   previous_.loc.col + static_cast<uint32_t>(previous_.text.size())};
  }
  error_at(at, fmt::format("expected {}, found {}", what, found()));
}

// Top level: skip to just after a ';' or a { ... } group, or to a token that starts a
// declaration.
void Parser::sync_declaration() {
  panic_ = false;
  while (!check(TokenKind::Eof)) {
    if (previous_.kind == TokenKind::Semicolon || previous_.kind == TokenKind::RBrace) return;
    if (is_one_of(current_.kind, kDeclarationStarts) || check(TokenKind::KwInt)) return;
    if (check(TokenKind::Identifier) && (is_int_type_word(current_.text) || object_type_word(current_.text))) return;
    if (check(TokenKind::LBrace)) return skip_nested_statement();
    advance();
  }
}

// In a block: skip to just after a ';' or a { ... } group, or to a '}' or a token that starts
// a statement. A group is skipped whole, so that its '}' does not close the enclosing block.
void Parser::sync_statement() {
  panic_ = false;
  while (!check(TokenKind::Eof)) {
    if (previous_.kind == TokenKind::Semicolon) return;
    if (check(TokenKind::RBrace) || is_one_of(current_.kind, kStatementStarts) ||
        is_one_of(current_.kind, kDeclarationStarts)) {
      return;
    }
    if (check(TokenKind::LBrace)) return skip_nested_statement();
    advance();
  }
}

// Skips one statement without recursing: up to a ';' outside braces, or past the '}' that
// closes the first '{', or to a '}' that closes an enclosing block.
void Parser::skip_nested_statement() {
  uint64_t braces = 0;
  while (!check(TokenKind::Eof)) {
    if (check(TokenKind::LBrace)) {
      ++braces;
    } else if (check(TokenKind::RBrace)) {
      if (braces == 0) return;
      if (--braces == 0) {
        advance();
        return;
      }
    } else if (check(TokenKind::Semicolon) && braces == 0) {
      advance();
      return;
    }
    advance();
  }
}

}  // namespace detail

Tree parse(std::string_view text, Diagnostics& diags) {
  detail::Parser parser(text, diags);
  return parser.parse_program();
}

}  // namespace preempt::lang::syntax
