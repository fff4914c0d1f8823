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

// declaration = scenario_decl | module_decl | define_decl | enum_decl | struct_decl
//             | object_decl | typed_decl | init_decl | final_decl | thread_decl | expect_decl
//             | option_decl ;
void Parser::parse_declaration(Tree& tree) {
  TokenKind k = current_.kind;
  if (k == TokenKind::KwScenario) {
    tree.decls.push_back(parse_scenario());
  } else if (k == TokenKind::KwModule) {
    tree.decls.push_back(parse_module());
  } else if (k == TokenKind::KwDefine) {
    tree.decls.push_back(parse_define());
  } else if (k == TokenKind::KwEnum) {
    tree.decls.push_back(parse_enum());
  } else if (k == TokenKind::KwStruct) {
    parse_struct_or_typed(tree);
  } else if (is_one_of(k, {TokenKind::KwKobject, TokenKind::KwCompletion, TokenKind::KwMutex,
                           TokenKind::KwSpinlock})) {
    tree.decls.push_back(parse_object());
  } else if (k == TokenKind::KwInit || k == TokenKind::KwFinal) {
    tree.decls.push_back(parse_init_or_final());
  } else if (k == TokenKind::KwThread) {
    tree.decls.push_back(parse_thread());
  } else if (k == TokenKind::Identifier && (current_.text == "module_init" || current_.text == "module_exit")) {
    tree.decls.push_back(parse_module_hook());
  } else if (k == TokenKind::Identifier && current_.text == "service") {
    // service_decl = "service" thread_decl ;  (a daemon loop: blocked at the end is not a deadlock)
    advance();
    if (!check(TokenKind::KwThread)) {
      error_expected("'thread' after 'service'");
      return;
    }
    Decl decl = parse_thread();
    decl.service = true;
    tree.decls.push_back(std::move(decl));
  } else if (k == TokenKind::KwExpect) {
    tree.decls.push_back(parse_expect());
  } else if (k == TokenKind::Identifier && current_.text == "option") {
    tree.decls.push_back(parse_option());
  } else if (at_type()) {
    parse_typed_declaration(tree, parse_type("a type"));
  } else {
    error_expected("a declaration");
  }
}

// scenario_decl = "scenario" STRING ";" ;
Decl Parser::parse_scenario() {
  Decl decl{.kind = DeclKind::Scenario, .loc = current_.loc};
  advance();
  if (check(TokenKind::String)) {
    decl.text = shown_string_literal(current_.text);
    advance();
  } else {
    error_expected("a string with the scenario's title");
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// module_decl = "module" IDENT { ( "init" | "exit" ) IDENT } ";" ;
Decl Parser::parse_module() {
  Decl decl{.kind = DeclKind::Module, .loc = current_.loc};
  advance();
  decl.name = expect_name("a module name");
  while (!panic_ && (check_word("exit") || check(TokenKind::KwInit))) {
    const bool exit = check_word("exit");
    advance();
    (exit ? decl.function : decl.init) =
        expect_name(exit ? "the name of the module's exit function" : "the name of the module's init function");
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// module_hook = ( "module_init" | "module_exit" ) "(" IDENT ")" ";" ;   the kernel's spelling of
// `module NAME init F exit G;`: the module is the one F is declared `in`.
Decl Parser::parse_module_hook() {
  Decl decl{.kind = DeclKind::ModuleHook, .loc = current_.loc};
  const bool exit = current_.text == "module_exit";
  advance();
  expect(TokenKind::LParen);
  (exit ? decl.function : decl.init) =
      expect_name(exit ? "the name of the module's exit function" : "the name of the module's init function");
  expect(TokenKind::RParen);
  expect(TokenKind::Semicolon);
  return decl;
}

// define_decl = "#define" IDENT expression END_OF_LINE ;   (an integer constant)
Decl Parser::parse_define() {
  Decl decl{.kind = DeclKind::Define, .loc = current_.loc};
  advance();
  decl.name = expect_name("a name after #define");
  if (panic_) return decl;
  if (check(TokenKind::LParen) && current_.loc.line == previous_.loc.line &&
      current_.loc.col == previous_.loc.col + previous_.text.size()) {
    error_at(current_.loc, fmt::format("#define {}(...): macros with parameters are not supported, only constants",
                                       decl.name.text));
    return decl;
  }
  if (check(TokenKind::EndOfLine)) {
    // where the value is missing: just after the name, on the define's own line
    const SourceLoc after{previous_.loc.line, previous_.loc.col + static_cast<uint32_t>(previous_.text.size())};
    error_at(after, fmt::format("#define {} has no value: only integer constants can be defined", decl.name.text));
    return decl;
  }
  decl.value = parse_expression();
  if (!check(TokenKind::EndOfLine) && !check(TokenKind::Eof)) {
    error_expected(fmt::format("the end of the line after the value of {}", decl.name.text));
    return decl;
  }
  if (check(TokenKind::EndOfLine)) advance();
  return decl;
}

// enum_decl = "enum" [ IDENT ] "{" enumerator { "," enumerator } [ "," ] "}" ";" ;
// enumerator = IDENT [ "=" expression ] ;
Decl Parser::parse_enum() {
  Decl decl{.kind = DeclKind::Enum, .loc = current_.loc};
  advance();
  if (check(TokenKind::Identifier)) {
    decl.name = Name{current_.text, current_.loc};
    advance();
  }
  if (!check(TokenKind::LBrace)) {
    // `enum NAME x;`: a variable of the enum's type, an int.
    TypeSyntax type;
    type.base = TypeSyntax::Base::Int;
    type.loc = decl.loc;
    Tree tree;
    parse_typed_declaration(tree, type);
    if (tree.decls.empty()) return decl;
    return std::move(tree.decls.front());
  }
  advance();
  while (!check(TokenKind::RBrace) && !panic_) {
    Name name = expect_name("an enumerator name");
    ExprPtr value;
    if (match(TokenKind::Assign)) value = parse_conditional();
    decl.enumerators.emplace_back(name, std::move(value));
    if (!match(TokenKind::Comma)) break;
  }
  expect(TokenKind::RBrace);
  expect(TokenKind::Semicolon);
  return decl;
}

// struct_decl = "struct" IDENT ( ";" | "{" { field } "}" ";" ) ;   else a typed declaration
void Parser::parse_struct_or_typed(Tree& tree) {
  const SourceLoc loc = current_.loc;
  advance();
  const Name name = expect_word("a struct name after 'struct'");
  if (panic_) return;
  if (check(TokenKind::Semicolon) || check(TokenKind::LBrace)) {
    Decl decl{.kind = DeclKind::Struct, .loc = loc, .name = name};
    if (match(TokenKind::Semicolon)) {
      tree.decls.push_back(std::move(decl));
      return;
    }
    tree.decls.push_back(parse_struct_body(std::move(decl)));
    return;
  }
  TypeSyntax type;
  type.base = TypeSyntax::Base::Struct;
  type.loc = loc;
  type.struct_name = name;
  skip_qualifiers();
  while (match(TokenKind::Star)) {
    ++type.pointers;
    skip_qualifiers();
  }
  parse_typed_declaration(tree, std::move(type));
}

// "{" { field } "}" ";"   field = type declarator { "[" size "]" } [ "release" IDENT ]
//                                  { "," declarator ... } ";" ;
Decl Parser::parse_struct_body(Decl decl) {
  decl.complete = true;
  decl.text_loc = current_.loc;
  advance();  // {
  while (!check(TokenKind::RBrace) && !check(TokenKind::Eof)) {
    const uint64_t before = consumed_;
    TypeSyntax base = check(TokenKind::KwKobject) || check(TokenKind::KwCompletion) || check(TokenKind::KwMutex) ||
                              check(TokenKind::KwSpinlock)
                          ? TypeSyntax{}
                          : parse_type("a field type");
    if (base.base == TypeSyntax::Base::None && !panic_) {  // the short words: kobject, mutex, ...
      base.base = TypeSyntax::Base::Object;
      base.loc = current_.loc;
      base.object = check(TokenKind::KwKobject)      ? ObjectKind::Kobject
                    : check(TokenKind::KwCompletion) ? ObjectKind::Completion
                    : check(TokenKind::KwMutex)      ? ObjectKind::Mutex
                                                     : ObjectKind::Spinlock;
      advance();
    }
    bool first = true;
    do {
      if (panic_) break;
      Decl field{.kind = DeclKind::Variable, .loc = current_.loc};
      field.type = base;
      if (!first) {
        field.type.pointers = 0;
        while (match(TokenKind::Star)) ++field.type.pointers;
      }
      first = false;
      field.name = parse_declarator(field.type, "a field name", true);
      parse_array_sizes(field.sizes);
      if (check_word("release")) {
        advance();
        field.function = expect_name("the name of the release function");
      }
      decl.fields.push_back(std::move(field));
    } while (match(TokenKind::Comma));
    if (!panic_) expect(TokenKind::Semicolon);
    if (panic_) {  // one error per bad field: resume at the next one
      while (!check(TokenKind::Semicolon) && !check(TokenKind::RBrace) && !check(TokenKind::Eof)) advance();
      match(TokenKind::Semicolon);
      panic_ = false;
    }
    if (consumed_ == before) advance();
  }
  if (!match(TokenKind::RBrace)) {
    error_expected(fmt::format("'}}' to close struct {}", decl.name.text), true);
    return decl;
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// typed_decl = type declarator ( function_rest | global_rest { "," declarator global_rest } ";" ) ;
void Parser::parse_typed_declaration(Tree& tree, TypeSyntax type) {
  if (panic_) return;
  const SourceLoc loc = type.loc;
  Decl decl{.kind = DeclKind::Variable, .loc = loc};
  decl.type = type;
  if (type.declare_macro) {  // DECLARE_WAIT_QUEUE_HEAD(name);
    expect(TokenKind::LParen);
    decl.name = expect_name("the name of the wait queue head");
    expect(TokenKind::RParen);
    if (panic_) return;
    tree.decls.push_back(std::move(decl));
    expect(TokenKind::Semicolon);
    return;
  }
  decl.name = parse_declarator(decl.type, "a name");
  if (panic_) return;
  if (check(TokenKind::LParen) && !decl.type.function) {
    decl.kind = DeclKind::Function;
    parse_function_rest(decl);
    tree.decls.push_back(std::move(decl));
    return;
  }
  if (decl.type.base == TypeSyntax::Base::Void && decl.type.pointers == 0 && !decl.type.function) {
    error_expected("'(' (only functions can be void)");
    return;
  }
  for (;;) {
    parse_variable_rest(decl);
    tree.decls.push_back(std::move(decl));
    if (panic_ || !match(TokenKind::Comma)) break;
    decl = Decl{.kind = DeclKind::Variable, .loc = current_.loc};
    decl.type = type;
    decl.type.pointers = 0;
    while (match(TokenKind::Star)) ++decl.type.pointers;
    decl.name = parse_declarator(decl.type, "a name");
    if (panic_) return;
  }
  expect(TokenKind::Semicolon);
}

// global_rest = { "[" size "]" } [ "release" IDENT ] [ "in" IDENT ] [ "=" initializer ] ;
void Parser::parse_variable_rest(Decl& decl) {
  parse_array_sizes(decl.sizes);
  if (check_word("release")) {
    advance();
    decl.function = expect_name("the name of the release function");
  }
  decl.module = parse_in_module();
  if (match(TokenKind::Assign)) parse_initializer(decl.initializer);
}

// initializer = expression | "{" [ "." IDENT "=" initializer { "," "." IDENT "=" initializer } [ "," ] ] "}" ;
void Parser::parse_initializer(InitSyntax& init) {
  init.loc = current_.loc;
  if (!match(TokenKind::LBrace)) {
    if (check(TokenKind::Semicolon) || check(TokenKind::Comma)) {
      error_expected("an initial value");
      return;
    }
    init.value = parse_conditional();
    return;
  }
  while (!check(TokenKind::RBrace) && !panic_) {
    if (!check(TokenKind::Dot)) {
      error_expected("a designated field ('.name = value'): positional initialisers are not supported");
      // recover past the whole initialiser and its ';', so that the declaration ends here
      for (int depth = 1; depth > 0 && !check(TokenKind::Eof); advance()) {
        depth += check(TokenKind::LBrace) ? 1 : check(TokenKind::RBrace) ? -1 : 0;
      }
      match(TokenKind::Semicolon);
      return;
    }
    advance();
    Name field = expect_word("a field name");
    if (!expect(TokenKind::Assign)) return;
    InitSyntax value;
    parse_initializer(value);
    init.fields.emplace_back(field, std::move(value));
    if (!match(TokenKind::Comma)) break;
  }
  expect(TokenKind::RBrace);
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

// function_rest = "(" [ params ] ")" [ "in" IDENT ] ( block | ";" ) ;
void Parser::parse_function_rest(Decl& decl) {
  expect(TokenKind::LParen);
  parse_params(decl.params, true);
  if (panic_) return;
  if (!expect(TokenKind::RParen)) return;
  decl.module = parse_in_module();
  if (match(TokenKind::Semicolon)) return;  // a prototype
  decl.body = parse_block();
  decl.end_loc = previous_.loc;
}

// object_decl = ( "kobject" | "completion" | "mutex" | "spinlock" ) IDENT
//               [ "[" array_size "]" ] [ "release" IDENT ] [ "in" IDENT ] ";" ;
//   (a kobject must have a release function; the others must not)
Decl Parser::parse_object() {
  Decl decl{.kind = DeclKind::Variable, .loc = current_.loc, .legacy = true};
  decl.type.base = TypeSyntax::Base::Object;
  decl.type.loc = current_.loc;
  decl.type.object = check(TokenKind::KwKobject)      ? ObjectKind::Kobject
                     : check(TokenKind::KwCompletion) ? ObjectKind::Completion
                     : check(TokenKind::KwMutex)      ? ObjectKind::Mutex
                                                      : ObjectKind::Spinlock;
  advance();
  decl.name = expect_name(fmt::format("a {} name", spelling(decl.type.object)));
  if (match(TokenKind::LBracket)) {
    decl.sizes.push_back(parse_array_size("array size"));
    expect(TokenKind::RBracket);
  }
  if (decl.type.object == ObjectKind::Kobject) {
    if (check_word("release")) {
      advance();
      decl.function = expect_name("the name of the release function");
    } else {
      error_expected(fmt::format("'release' and the release function of kobject '{}'", decl.name.text));
    }
  } else if (check_word("release")) {
    error_at(current_.loc, fmt::format("only a kobject has a release function, not a {}", spelling(decl.type.object)));
  }
  decl.module = parse_in_module();
  expect(TokenKind::Semicolon);
  return decl;
}

// init_decl = "init" block ;   final_decl = "final" block ;
Decl Parser::parse_init_or_final() {
  Decl decl{.kind = check(TokenKind::KwInit) ? DeclKind::Init : DeclKind::Final, .loc = current_.loc};
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
    decl.sizes.push_back(parse_array_size("number of threads"));
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

// array_size = expression ;   (a constant: 1 .. kMaxArraySize; the resolver checks it)
ExprPtr Parser::parse_array_size(std::string_view what) {
  if (check(TokenKind::RBracket)) {
    error_expected(fmt::format("the {}", what));
    return placeholder(current_.loc);
  }
  ExprPtr size = parse_conditional();
  size->text = std::string(what);  // for the resolver's message
  return size;
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
    parse_violation_kind(decl, "a violation kind", "the rest of the violation kind");
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

// option_decl = "option" word { "-" word } ( word | INTEGER ) ";" ;   (option strategy stateful;)
Decl Parser::parse_option() {
  Decl decl{.kind = DeclKind::Option, .loc = current_.loc};
  advance();
  parse_violation_kind(decl, "an option name (such as strategy or max-time)", "the rest of the option name");
  if (panic_) return decl;
  if (check(TokenKind::Integer)) {
    decl.number = literal_value(current_, false).value_or(-1);
    decl.legacy = true;  // a number
    decl.name.loc = current_.loc;
    advance();
  } else if (at_word()) {
    decl.name = Name{current_.text, current_.loc};
    advance();
  } else {
    error_expected(fmt::format("the value of option '{}'", decl.text));
  }
  expect(TokenKind::Semicolon);
  return decl;
}

// violation_kind = word { "-" word } ;   (joined with '-': unloaded-code, sleep-in-atomic)
// word           = IDENT | keyword ;
void Parser::parse_violation_kind(Decl& decl, std::string_view what, std::string_view rest) {
  decl.text_loc = current_.loc;
  for (;;) {
    if (!at_word()) {
      error_expected(std::string(decl.text.empty() ? what : rest));
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
