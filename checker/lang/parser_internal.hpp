#pragma once
// The recursive descent parser's class, shared by its four source files (one per part of the
// grammar): parser.cpp (tokens, errors, recovery, the entry point), parser_declarations.cpp,
// parser_statements.cpp and parser_expressions.cpp. Private to the parser: include parser.hpp.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "checker/lang/lexer.hpp"
#include "checker/lang/parser.hpp"

namespace preempt::lang::syntax::detail {

inline bool is_one_of(TokenKind kind, std::initializer_list<TokenKind> kinds) {
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

}  // namespace preempt::lang::syntax::detail
