#include "checker/lang/parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "checker/lang/lexer.hpp"

namespace preempt::lang::syntax {

namespace {

constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// Binary operators by token, with C's precedence (higher binds tighter).
struct BinaryOpInfo {
  TokenKind token;
  BinaryOp op;
  int precedence;
};
constexpr std::array<BinaryOpInfo, 18> kBinaryOps = {{
    {TokenKind::PipePipe, BinaryOp::LogicalOr, 1},
    {TokenKind::AmpAmp, BinaryOp::LogicalAnd, 2},
    {TokenKind::Pipe, BinaryOp::BitOr, 3},
    {TokenKind::Caret, BinaryOp::BitXor, 4},
    {TokenKind::Amp, BinaryOp::BitAnd, 5},
    {TokenKind::EqualEqual, BinaryOp::Eq, 6},
    {TokenKind::BangEqual, BinaryOp::Ne, 6},
    {TokenKind::Less, BinaryOp::Lt, 7},
    {TokenKind::LessEqual, BinaryOp::Le, 7},
    {TokenKind::Greater, BinaryOp::Gt, 7},
    {TokenKind::GreaterEqual, BinaryOp::Ge, 7},
    {TokenKind::LessLess, BinaryOp::Shl, 8},
    {TokenKind::GreaterGreater, BinaryOp::Shr, 8},
    {TokenKind::Plus, BinaryOp::Add, 9},
    {TokenKind::Minus, BinaryOp::Sub, 9},
    {TokenKind::Star, BinaryOp::Mul, 10},
    {TokenKind::Slash, BinaryOp::Div, 10},
    {TokenKind::Percent, BinaryOp::Rem, 10},
}};

const BinaryOpInfo* binary_op_of(TokenKind token) {
  for (const BinaryOpInfo& info : kBinaryOps) {
    if (info.token == token) return &info;
  }
  return nullptr;
}

bool is_one_of(TokenKind kind, std::initializer_list<TokenKind> kinds) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

// Tokens that start a top-level declaration (and nothing else).
constexpr std::initializer_list<TokenKind> kDeclarationStarts = {
    TokenKind::KwScenario,   TokenKind::KwModule, TokenKind::KwVoid,     TokenKind::KwKobject,
    TokenKind::KwCompletion, TokenKind::KwMutex,  TokenKind::KwSpinlock, TokenKind::KwInit,
    TokenKind::KwFinal,      TokenKind::KwThread, TokenKind::KwExpect};

// Tokens that start a statement (where a statement-level resync may stop).
constexpr std::initializer_list<TokenKind> kStatementStarts = {
    TokenKind::KwIf,    TokenKind::KwWhile,    TokenKind::KwFor,    TokenKind::KwReturn,
    TokenKind::KwBreak, TokenKind::KwContinue, TokenKind::KwAssert, TokenKind::KwAssume,
    TokenKind::KwAwait, TokenKind::KwSchedule, TokenKind::KwDoExit, TokenKind::KwInt};

// Counts one level of nesting for as long as it lives.
class Nest {
 public:
  explicit Nest(uint32_t& depth) : depth_(depth) { ++depth_; }
  ~Nest() { --depth_; }
  Nest(const Nest&) = delete;
  Nest& operator=(const Nest&) = delete;
  [[nodiscard]] bool too_deep() const { return depth_ > kMaxNesting; }

 private:
  uint32_t& depth_;
};

class Parser {
 public:
  Parser(std::string_view text, Diagnostics& diags) : lexer_(text), diags_(diags) { advance(); }

  Tree parse_program();

 private:
  // Token handling
  void advance();
  [[nodiscard]] bool check(TokenKind kind) const { return current_.kind == kind; }
  [[nodiscard]] bool check_word(std::string_view word) const {
    return current_.kind == TokenKind::Identifier && current_.text == word;
  }
  bool match(TokenKind kind);
  bool expect(TokenKind kind);
  Name expect_name(std::string_view what);
  [[nodiscard]] std::string found() const;

  // Errors and recovery
  void error_at(SourceLoc loc, std::string message);
  void error_expected(std::string_view what, bool missing_token = false);
  [[nodiscard]] bool at_word() const;
  void sync_declaration();
  void sync_statement();
  void skip_nested_statement();

  // Declarations
  void parse_declaration(Tree& tree);
  Decl parse_scenario();
  Decl parse_module();
  Decl parse_int_declaration();
  void parse_shared_rest(Decl& decl);
  std::optional<int64_t> parse_constant();
  Decl parse_void_declaration();
  void parse_function_rest(Decl& decl);
  Decl parse_object();
  Decl parse_init_or_final();
  Decl parse_thread();
  Name parse_in_module();
  Decl parse_expect();
  void parse_violation_kind(Decl& decl);
  uint32_t parse_array_size(std::string_view what);
  std::optional<int64_t> literal_value(const Token& token, bool negated);

  // Statements
  StmtPtr parse_block();
  StmtPtr parse_block_item();
  StmtPtr parse_local_decl();
  StmtPtr parse_statement();
  StmtPtr parse_statement_kind();
  StmtPtr parse_if();
  StmtPtr parse_while();
  StmtPtr parse_for();
  StmtPtr parse_for_init();
  StmtPtr parse_jump(StmtKind kind);
  StmtPtr parse_return();
  StmtPtr parse_check(StmtKind kind);
  StmtPtr parse_no_argument(StmtKind kind);
  StmtPtr parse_simple_statement();
  StmtPtr parse_assignment();
  StmtPtr parse_assignment_rest(ExprPtr target);

  // Expressions
  ExprPtr parse_expression();
  ExprPtr parse_binary(int min_precedence);
  ExprPtr parse_unary(bool negated);
  ExprPtr parse_primary(bool negated);
  ExprPtr parse_name_expression();
  void parse_arguments(Expr& call);
  ExprPtr finish(ExprPtr e);
  static ExprPtr placeholder(SourceLoc loc);
  static StmtPtr new_stmt(StmtKind kind, SourceLoc loc);

  Lexer lexer_;
  Diagnostics& diags_;
  Token current_;
  Token previous_;
  uint64_t consumed_ = 0;    // tokens consumed so far (to detect a loop that makes no progress)
  bool panic_ = false;       // an error was reported and the parser has not resynchronised yet
  uint32_t expr_depth_ = 0;  // nesting of parse_unary calls
  uint32_t stmt_depth_ = 0;  // nesting of parse_statement calls
};

// ---------------------------------------------------------------------------------------------
// Tokens

void Parser::advance() {
  previous_ = current_;
  ++consumed_;
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

std::string Parser::found() const {
  if (check(TokenKind::Eof)) return "end of file";
  if (check(TokenKind::String)) return "a string literal";
  return fmt::format("'{}'", printable(current_.text));
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

// ---------------------------------------------------------------------------------------------
// Statements

StmtPtr Parser::new_stmt(StmtKind kind, SourceLoc loc) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->loc = loc;
  return s;
}

// block = "{" { block_item } "}" ;
StmtPtr Parser::parse_block() {
  StmtPtr block = new_stmt(StmtKind::Block, current_.loc);
  if (!expect(TokenKind::LBrace)) return block;
  while (!check(TokenKind::RBrace) && !check(TokenKind::Eof) &&
         !is_one_of(current_.kind, kDeclarationStarts)) {
    uint64_t before = consumed_;
    block->children.push_back(parse_block_item());
    if (consumed_ == before && !check(TokenKind::Eof)) advance();  // it starts no statement
    if (panic_) sync_statement();
  }
  if (!match(TokenKind::RBrace)) {
    error_expected(
        fmt::format("'}}' to close the block opened at {}:{}", block->loc.line, block->loc.col),
        true);
  }
  return block;
}

// block_item = local_decl | statement ;
StmtPtr Parser::parse_block_item() {
  if (check(TokenKind::KwInt)) return parse_local_decl();
  return parse_statement();
}

// local_decl = "int" IDENT [ "=" expression ] ";" ;
StmtPtr Parser::parse_local_decl() {
  StmtPtr s = new_stmt(StmtKind::LocalDecl, current_.loc);
  advance();
  s->name = expect_name("a variable name");
  if (match(TokenKind::Assign)) s->value = parse_expression();
  expect(TokenKind::Semicolon);
  return s;
}

// statement = block | if_stmt | while_stmt | for_stmt | break_stmt | continue_stmt
//           | return_stmt | check_stmt | schedule_stmt | do_exit_stmt | simple_stmt ;
StmtPtr Parser::parse_statement() {
  Nest nest(stmt_depth_);
  if (nest.too_deep()) {
    error_at(current_.loc, "statements nested too deeply");
    SourceLoc loc = current_.loc;
    skip_nested_statement();
    return new_stmt(StmtKind::Block, loc);
  }
  return parse_statement_kind();
}

StmtPtr Parser::parse_statement_kind() {
  TokenKind k = current_.kind;
  if (k == TokenKind::LBrace) return parse_block();
  if (k == TokenKind::KwIf) return parse_if();
  if (k == TokenKind::KwWhile) return parse_while();
  if (k == TokenKind::KwFor) return parse_for();
  if (k == TokenKind::KwBreak) return parse_jump(StmtKind::Break);
  if (k == TokenKind::KwContinue) return parse_jump(StmtKind::Continue);
  if (k == TokenKind::KwReturn) return parse_return();
  if (k == TokenKind::KwAssert) return parse_check(StmtKind::Assert);
  if (k == TokenKind::KwAssume) return parse_check(StmtKind::Assume);
  if (k == TokenKind::KwAwait) return parse_check(StmtKind::Await);
  if (k == TokenKind::KwSchedule) return parse_no_argument(StmtKind::Schedule);
  if (k == TokenKind::KwDoExit) return parse_no_argument(StmtKind::DoExit);
  if (k == TokenKind::Identifier) return parse_simple_statement();
  if (k == TokenKind::KwInt) {
    error_at(current_.loc, "a local declaration must be directly inside a block { ... }");
  } else {
    error_expected("a statement");
  }
  return new_stmt(StmtKind::Block, current_.loc);
}

// if_stmt = "if" "(" expression ")" statement [ "else" statement ] ;
StmtPtr Parser::parse_if() {
  StmtPtr s = new_stmt(StmtKind::If, current_.loc);
  advance();
  expect(TokenKind::LParen);
  s->cond = parse_expression();
  expect(TokenKind::RParen);
  s->then_branch = parse_statement();
  if (match(TokenKind::KwElse)) s->else_branch = parse_statement();
  return s;
}

// while_stmt = "while" "(" expression ")" statement ;
StmtPtr Parser::parse_while() {
  StmtPtr s = new_stmt(StmtKind::While, current_.loc);
  advance();
  expect(TokenKind::LParen);
  s->cond = parse_expression();
  expect(TokenKind::RParen);
  s->body = parse_statement();
  return s;
}

// for_stmt = "for" "(" [ for_init ] ";" [ expression ] ";" [ assignment ] ")" statement ;
StmtPtr Parser::parse_for() {
  StmtPtr s = new_stmt(StmtKind::For, current_.loc);
  advance();
  expect(TokenKind::LParen);
  if (!check(TokenKind::Semicolon)) s->init = parse_for_init();
  expect(TokenKind::Semicolon);
  if (!check(TokenKind::Semicolon)) s->cond = parse_expression();
  expect(TokenKind::Semicolon);
  if (!check(TokenKind::RParen)) s->step = parse_assignment();
  expect(TokenKind::RParen);
  s->body = parse_statement();
  return s;
}

// for_init = "int" IDENT [ "=" expression ] | assignment ;
StmtPtr Parser::parse_for_init() {
  if (!check(TokenKind::KwInt)) return parse_assignment();
  StmtPtr s = new_stmt(StmtKind::LocalDecl, current_.loc);
  advance();
  s->name = expect_name("a variable name");
  if (match(TokenKind::Assign)) s->value = parse_expression();
  return s;
}

// break_stmt = "break" ";" ;   continue_stmt = "continue" ";" ;
StmtPtr Parser::parse_jump(StmtKind kind) {
  StmtPtr s = new_stmt(kind, current_.loc);
  advance();
  expect(TokenKind::Semicolon);
  return s;
}

// return_stmt = "return" [ expression ] ";" ;
StmtPtr Parser::parse_return() {
  StmtPtr s = new_stmt(StmtKind::Return, current_.loc);
  advance();
  if (!check(TokenKind::Semicolon)) s->value = parse_expression();
  expect(TokenKind::Semicolon);
  return s;
}

// check_stmt = ( "assert" | "assume" | "await" ) "(" expression ")" ";" ;
StmtPtr Parser::parse_check(StmtKind kind) {
  StmtPtr s = new_stmt(kind, current_.loc);
  advance();
  expect(TokenKind::LParen);
  s->cond = parse_expression();
  expect(TokenKind::RParen);
  expect(TokenKind::Semicolon);
  return s;
}

// schedule_stmt = "schedule" "(" ")" ";" ;   do_exit_stmt = "do_exit" "(" ")" ";" ;
StmtPtr Parser::parse_no_argument(StmtKind kind) {
  StmtPtr s = new_stmt(kind, current_.loc);
  advance();
  expect(TokenKind::LParen);
  expect(TokenKind::RParen);
  expect(TokenKind::Semicolon);
  return s;
}

// simple_stmt = ( call | assignment ) ";" ;
// call        = IDENT "(" [ arguments ] ")" ;
StmtPtr Parser::parse_simple_statement() {
  SourceLoc loc = current_.loc;
  ExprPtr target = parse_name_expression();
  StmtPtr s;
  if (target->kind == ExprKind::Call) {
    s = new_stmt(StmtKind::ExprStmt, loc);
    s->value = std::move(target);
  } else {
    s = parse_assignment_rest(std::move(target));
  }
  expect(TokenKind::Semicolon);
  return s;
}

// assignment = lvalue ( ( "=" | "+=" | "-=" ) expression | "++" | "--" ) ;
// lvalue     = IDENT [ "[" expression "]" ] ;
StmtPtr Parser::parse_assignment() {
  if (!check(TokenKind::Identifier)) {
    error_expected("an assignment");
    return new_stmt(StmtKind::Block, current_.loc);
  }
  ExprPtr target = parse_name_expression();
  if (target->kind == ExprKind::Call) {
    error_at(target->loc, "expected an assignment here, not a call");
    return new_stmt(StmtKind::Block, target->loc);
  }
  return parse_assignment_rest(std::move(target));
}

StmtPtr Parser::parse_assignment_rest(ExprPtr target) {
  StmtPtr s = new_stmt(StmtKind::Assign, target->loc);
  std::string_view name = target->name.text;
  s->target = std::move(target);
  if (match(TokenKind::Assign) || match(TokenKind::PlusAssign) || match(TokenKind::MinusAssign)) {
    s->assign_op = previous_.kind == TokenKind::Assign       ? AssignOp::Set
                   : previous_.kind == TokenKind::PlusAssign ? AssignOp::Add
                                                             : AssignOp::Sub;
    s->value = parse_expression();
  } else if (match(TokenKind::PlusPlus) || match(TokenKind::MinusMinus)) {
    s->assign_op = previous_.kind == TokenKind::PlusPlus ? AssignOp::Add : AssignOp::Sub;
    s->value = placeholder(previous_.loc);
    s->value->value = 1;
  } else {
    error_expected(fmt::format("'=', '+=', '-=', '++', '--' or '(' after '{}'", name));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Expressions

ExprPtr Parser::placeholder(SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::IntLit;
  e->loc = loc;
  return e;
}

// Sets e's height from its children; a tree higher than kMaxNesting is an error.
ExprPtr Parser::finish(ExprPtr e) {
  uint32_t h = 0;
  for (const ExprPtr* child : {&e->index, &e->operand, &e->lhs, &e->rhs}) {
    if (*child) h = std::max(h, (*child)->height);
  }
  for (const ExprPtr& arg : e->args) h = std::max(h, arg->height);
  e->height = h + 1;
  if (e->height > kMaxNesting) {
    error_at(e->loc, "expression nested too deeply");
    return placeholder(e->loc);
  }
  return e;
}

// expression = binary ;
ExprPtr Parser::parse_expression() { return parse_binary(1); }

// binary = unary { binary_op unary }, by precedence climbing; from loosest to tightest:
//   "||" < "&&" < "|" < "^" < "&" < ( "==" | "!=" ) < ( "<" | "<=" | ">" | ">=" )
//   < ( "<<" | ">>" ) < ( "+" | "-" ) < ( "*" | "/" | "%" ) ;  all left-associative.
ExprPtr Parser::parse_binary(int min_precedence) {
  ExprPtr lhs = parse_unary(false);
  for (const BinaryOpInfo* info = binary_op_of(current_.kind);
       info != nullptr && info->precedence >= min_precedence; info = binary_op_of(current_.kind)) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Binary;
    e->loc = current_.loc;
    e->binary_op = info->op;
    advance();
    e->lhs = std::move(lhs);
    e->rhs = parse_binary(info->precedence + 1);
    lhs = finish(std::move(e));
  }
  return lhs;
}

// unary = ( "-" | "!" | "~" ) unary | primary ;   ("-" INTEGER is folded into one literal)
ExprPtr Parser::parse_unary(bool negated) {
  Nest nest(expr_depth_);
  if (nest.too_deep()) {
    error_at(current_.loc, "expression nested too deeply");
    return placeholder(current_.loc);
  }
  if (!check(TokenKind::Minus) && !check(TokenKind::Bang) && !check(TokenKind::Tilde)) {
    return parse_primary(negated);
  }
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Unary;
  e->loc = current_.loc;
  e->unary_op = check(TokenKind::Minus)  ? UnaryOp::Neg
                : check(TokenKind::Bang) ? UnaryOp::Not
                                         : UnaryOp::BitNot;
  advance();
  e->operand = parse_unary(e->unary_op == UnaryOp::Neg);
  if (e->unary_op == UnaryOp::Neg && e->operand->kind == ExprKind::IntLit) {
    ExprPtr literal = std::move(e->operand);  // wrapping negation; -INT64_MIN == INT64_MIN
    literal->loc = e->loc;
    literal->value = static_cast<int64_t>(0 - static_cast<uint64_t>(literal->value));
    return literal;
  }
  return finish(std::move(e));
}

// primary = INTEGER | "self" | "(" expression ")" | name_expr ;
ExprPtr Parser::parse_primary(bool negated) {
  if (check(TokenKind::Integer)) {
    ExprPtr e = placeholder(current_.loc);
    e->value = literal_value(current_, negated).value_or(0);
    advance();
    return e;
  }
  if (check(TokenKind::KwSelf)) {
    ExprPtr e = placeholder(current_.loc);
    e->kind = ExprKind::Self;
    advance();
    return e;
  }
  if (match(TokenKind::LParen)) {
    ExprPtr e = parse_expression();
    expect(TokenKind::RParen);
    return e;
  }
  if (check(TokenKind::Identifier)) return parse_name_expression();
  error_expected("an expression");
  return placeholder(current_.loc);
}

// name_expr = IDENT [ "[" expression "]" | "(" [ arguments ] ")" ] ;
ExprPtr Parser::parse_name_expression() {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Name;
  e->loc = current_.loc;
  e->name = Name{current_.text, current_.loc};
  advance();
  if (match(TokenKind::LBracket)) {
    e->index = parse_expression();
    expect(TokenKind::RBracket);
  } else if (match(TokenKind::LParen)) {
    e->kind = ExprKind::Call;
    parse_arguments(*e);
    expect(TokenKind::RParen);
  }
  return finish(std::move(e));
}

// arguments = expression { "," expression } ;
void Parser::parse_arguments(Expr& call) {
  if (check(TokenKind::RParen)) return;
  do {
    call.args.push_back(parse_expression());
  } while (!panic_ && match(TokenKind::Comma));
}

}  // namespace

Tree parse(std::string_view text, Diagnostics& diags) {
  Parser parser(text, diags);
  return parser.parse_program();
}

}  // namespace preempt::lang::syntax
