// The parser, top level: the program and its declarations.
#include "checker/lang/parser_internal.hpp"

#include <limits>
#include <utility>

#include <fmt/format.h>

namespace preempt::lang::syntax::detail {

namespace {
constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}  // namespace

// ---------------------------------------------------------------------------------------------
// Declarations

// program = { declaration } EOF ;
Tree Parser::parse_program() {
  Tree tree;
  while (!check(TokenKind::Eof)) {
    uint64_t before = consumed_;
    parse_declaration(tree);
    if (consumed_ == before && !check(TokenKind::Eof)) advance();  // it starts no declaration
    if (panic_) sync_declaration();
  }
  tree.eof_loc = current_.loc;
  return tree;
}

// declaration = scenario_decl | module_decl | int_decl | void_decl | object_decl
//             | init_decl | final_decl | thread_decl | expect_decl ;
void Parser::parse_declaration(Tree& tree) {
  TokenKind k = current_.kind;
  if (k == TokenKind::KwScenario) {
    tree.decls.push_back(parse_scenario());
  } else if (k == TokenKind::KwModule) {
    tree.decls.push_back(parse_module());
  } else if (k == TokenKind::KwInt) {
    tree.decls.push_back(parse_int_declaration());
  } else if (k == TokenKind::KwVoid) {
    tree.decls.push_back(parse_void_declaration());
  } else if (is_one_of(k, {TokenKind::KwKobject, TokenKind::KwCompletion, TokenKind::KwMutex,
                           TokenKind::KwSpinlock})) {
    tree.decls.push_back(parse_object());
  } else if (k == TokenKind::KwInit || k == TokenKind::KwFinal) {
    tree.decls.push_back(parse_init_or_final());
  } else if (k == TokenKind::KwThread) {
    tree.decls.push_back(parse_thread());
  } else if (k == TokenKind::KwExpect) {
    tree.decls.push_back(parse_expect());
  } else {
    error_expected("a declaration");
  }
}

// scenario_decl = "scenario" STRING ";" ;
Decl Parser::parse_scenario() {
  Decl decl{.kind = DeclKind::Scenario, .loc = current_.loc};
  advance();
  if (check(TokenKind::String)) {
    decl.text = decode_string_literal(current_.text);
    advance();
  } else {
    error_expected("a string with the scenario's title");
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// module_decl = "module" IDENT [ "exit" IDENT ] ";" ;
Decl Parser::parse_module() {
  Decl decl{.kind = DeclKind::Module, .loc = current_.loc};
  advance();
  decl.name = expect_name("a module name");
  if (check_word("exit")) {
    advance();
    decl.function = expect_name("the name of the module's exit function");
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// int_decl = "int" IDENT ( function_rest | shared_rest ) ;
Decl Parser::parse_int_declaration() {
  Decl decl{.loc = current_.loc};
  advance();
  decl.name = expect_name("a name");
  if (check(TokenKind::LParen)) {
    decl.kind = DeclKind::Function;
    decl.returns_int = true;
    parse_function_rest(decl);
  } else {
    decl.kind = DeclKind::SharedInt;
    parse_shared_rest(decl);
  }
  return decl;
}

// shared_rest = [ "=" constant | "[" array_size "]" ] ";" ;
void Parser::parse_shared_rest(Decl& decl) {
  if (match(TokenKind::Assign)) {
    decl.number = parse_constant().value_or(0);
  } else if (match(TokenKind::LBracket)) {
    decl.array_size = parse_array_size("array size");
    expect(TokenKind::RBracket);
  }
  expect(TokenKind::Semicolon);
}

// constant = [ "-" ] INTEGER ;
std::optional<int64_t> Parser::parse_constant() {
  bool negated = match(TokenKind::Minus);
  if (!check(TokenKind::Integer)) {
    error_expected("an integer constant");
    return std::nullopt;
  }
  std::optional<int64_t> value = literal_value(current_, negated);
  advance();
  if (value && negated) *value = static_cast<int64_t>(0 - static_cast<uint64_t>(*value));
  return value;
}

// The value of an Integer token (its two's complement bits). It must be at most INT64_MAX, or
// 2^63 when a unary minus precedes it (2^63 reads as INT64_MIN, which that minus leaves as is).
std::optional<int64_t> Parser::literal_value(const Token& token, bool negated) {
  uint64_t limit = negated ? kInt64Max + 1 : kInt64Max;
  if (token.overflow || token.value > limit) {
    error_at(token.loc, fmt::format("integer literal {} is out of range (the largest is {})",
                                    printable(token.text), kInt64Max));
    return std::nullopt;
  }
  return static_cast<int64_t>(token.value);
}

// void_decl = "void" IDENT function_rest ;
Decl Parser::parse_void_declaration() {
  Decl decl{.kind = DeclKind::Function, .loc = current_.loc};
  advance();
  decl.name = expect_name("a function name");
  if (check(TokenKind::LParen)) {
    parse_function_rest(decl);
  } else {
    error_expected("'(' (only functions can be void)");
  }
  return decl;
}

// function_rest = "(" [ param { "," param } ] ")" [ "in" IDENT ] block ;
// param         = "int" IDENT ;
void Parser::parse_function_rest(Decl& decl) {
  expect(TokenKind::LParen);
  if (!check(TokenKind::RParen)) {
    do {
      if (!expect(TokenKind::KwInt)) return;
      decl.params.push_back(expect_name("a parameter name"));
    } while (match(TokenKind::Comma) && !panic_);
  }
  if (!expect(TokenKind::RParen)) return;
  decl.module = parse_in_module();
  decl.body = parse_block();
  decl.end_loc = previous_.loc;
}

// object_decl = ( "kobject" | "completion" | "mutex" | "spinlock" ) IDENT
//               [ "[" array_size "]" ] [ "release" IDENT ] ";" ;
//   (a kobject must have a release function; the others must not)
Decl Parser::parse_object() {
  Decl decl{.kind = DeclKind::Object, .loc = current_.loc};
  decl.object = check(TokenKind::KwKobject)      ? ObjectKind::Kobject
                : check(TokenKind::KwCompletion) ? ObjectKind::Completion
                : check(TokenKind::KwMutex)      ? ObjectKind::Mutex
                                                 : ObjectKind::Spinlock;
  advance();
  decl.name = expect_name(fmt::format("a {} name", spelling(decl.object)));
  if (match(TokenKind::LBracket)) {
    decl.array_size = parse_array_size("array size");
    expect(TokenKind::RBracket);
  }
  if (decl.object == ObjectKind::Kobject) {
    if (check_word("release")) {
      advance();
      decl.function = expect_name("the name of the release function");
    } else {
      error_expected(
          fmt::format("'release' and the release function of kobject '{}'", decl.name.text));
    }
  } else if (check_word("release")) {
    error_at(current_.loc,
             fmt::format("only a kobject has a release function, not a {}", spelling(decl.object)));
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// init_decl = "init" block ;   final_decl = "final" block ;
Decl Parser::parse_init_or_final() {
  Decl decl{.kind = check(TokenKind::KwInit) ? DeclKind::Init : DeclKind::Final,
            .loc = current_.loc};
  advance();
  decl.body = parse_block();
  decl.end_loc = previous_.loc;
  return decl;
}

// thread_decl = "thread" IDENT [ "[" array_size "]" ] [ "in" IDENT ] block ;
Decl Parser::parse_thread() {
  Decl decl{.kind = DeclKind::Thread, .loc = current_.loc};
  advance();
  decl.name = expect_name("a thread name");
  if (match(TokenKind::LBracket)) {
    decl.array_size = parse_array_size("number of threads");
    expect(TokenKind::RBracket);
  }
  decl.module = parse_in_module();
  decl.body = parse_block();
  decl.end_loc = previous_.loc;
  return decl;
}

// in_module = [ "in" IDENT ] ;
Name Parser::parse_in_module() {
  if (!match(TokenKind::KwIn)) return Name{};
  return expect_name("a module name after 'in'");
}

// array_size = INTEGER ;   (1 .. kMaxArraySize)
uint32_t Parser::parse_array_size(std::string_view what) {
  if (!check(TokenKind::Integer)) {
    error_expected(fmt::format("the {}", what));
    return 0;
  }
  Token size = current_;
  advance();
  if (size.overflow || size.value < 1 || size.value > kMaxArraySize) {
    error_at(size.loc, fmt::format("the {} must be between 1 and {}, not {}", what, kMaxArraySize,
                                   printable(size.text)));
    return 0;
  }
  return static_cast<uint32_t>(size.value);
}

// expect_decl = "expect" ( "safe" | "violation" violation_kind
//                        | "executions" IDENT INTEGER ) ";" ;
Decl Parser::parse_expect() {
  Decl decl{.loc = current_.loc};
  advance();
  if (check_word("safe")) {
    decl.kind = DeclKind::ExpectSafe;
    advance();
  } else if (check_word("violation")) {
    decl.kind = DeclKind::ExpectViolation;
    advance();
    parse_violation_kind(decl);
  } else if (check_word("executions")) {
    decl.kind = DeclKind::ExpectExecutions;
    advance();
    decl.name = expect_name("a strategy name (such as dfs or dpor)");
    if (check(TokenKind::Integer)) {
      decl.number = literal_value(current_, false).value_or(0);
      advance();
    } else if (!panic_) {
      error_expected("the expected number of executions");
    }
  } else {
    decl.kind = DeclKind::ExpectSafe;
    error_expected("'safe', 'violation' or 'executions'");
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// violation_kind = word { "-" word } ;   (joined with '-': unloaded-code, sleep-in-atomic)
// word           = IDENT | keyword ;
void Parser::parse_violation_kind(Decl& decl) {
  decl.text_loc = current_.loc;
  for (;;) {
    if (!at_word()) {
      error_expected(decl.text.empty() ? "a violation kind" : "the rest of the violation kind");
      return;
    }
    decl.text += current_.text;
    advance();
    if (!match(TokenKind::Minus)) return;
    decl.text += '-';
  }
}

// An identifier or a keyword (a word of a violation kind, such as the "in" of sleep-in-atomic).
bool Parser::at_word() const {
  if (check(TokenKind::Identifier)) return true;
  auto first = static_cast<unsigned char>(current_.text.empty() ? '\0' : current_.text[0]);
  return current_.kind != TokenKind::String && current_.kind != TokenKind::Integer &&
         (std::isalpha(first) || first == '_');
}

}  // namespace preempt::lang::syntax::detail
