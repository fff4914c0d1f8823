#pragma once
// The recursive descent parser's class, shared by its source files (one per part of the grammar):
// parser.cpp (tokens, errors, recovery, the entry point), parser_declarations.cpp,
// parser_types.cpp, parser_statements.cpp and parser_expressions.cpp. Private to the parser:
// include parser.hpp.
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
    TokenKind::KwFinal,      TokenKind::KwThread, TokenKind::KwExpect,   TokenKind::KwDefine,
    TokenKind::KwEnum,       TokenKind::KwStruct};

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
  // A struct or field name: an identifier or a word of the language's own (struct module, ->mutex).
  Name expect_word(std::string_view what);
  [[nodiscard]] std::string found() const;
  [[nodiscard]] SourceLoc end_of_previous() const;

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
  Decl parse_module_hook();
  Decl parse_define();
  Decl parse_enum();
  void parse_struct_or_typed(Tree& tree);
  Decl parse_struct_body(Decl decl);
  void parse_typed_declaration(Tree& tree, TypeSyntax type);
  void parse_variable_rest(Decl& decl);
  void parse_initializer(InitSyntax& init);
  void parse_function_rest(Decl& decl);
  Decl parse_object();
  Decl parse_init_or_final();
  Decl parse_thread();
  Name parse_in_module();
  Decl parse_expect();
  Decl parse_option();
  void parse_violation_kind(Decl& decl, std::string_view what, std::string_view rest);
  ExprPtr parse_array_size(std::string_view what);
  std::optional<int64_t> literal_value(const Token& token, bool negated);

  // Types (parser_types.cpp)
  [[nodiscard]] bool at_type() const;
  void skip_qualifiers();
  TypeSyntax parse_type(std::string_view what);
  // After a type: `NAME`, `*NAME`, or `(*NAME)(params)`; the pointers and function go into `type`.
  Name parse_declarator(TypeSyntax& type, std::string_view what, bool field = false);  // field: a word may name it
  void parse_params(std::vector<Param>& params, bool names_required);
  void parse_array_sizes(std::vector<ExprPtr>& sizes);

  // Statements
  StmtPtr parse_block();
  void parse_block_item(Stmt& block);
  void parse_local_decl(Stmt& block);
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
  ExprPtr parse_conditional();
  ExprPtr parse_binary(int min_precedence);
  ExprPtr parse_unary(bool negated);
  ExprPtr parse_postfix(ExprPtr e);
  ExprPtr parse_primary(bool negated);
  ExprPtr parse_sizeof();
  void parse_arguments(Expr& call);
  ExprPtr finish(ExprPtr e);
  ExprPtr node(ExprKind kind, SourceLoc loc);
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

// Identifiers that name an integer type in C kernel code (unsigned long, u32, size_t, bool, ...):
// the language has one integer type, so each of them means int.
[[nodiscard]] bool is_int_type_word(std::string_view word);
// Qualifiers and annotations accepted and ignored in types: const, static, volatile, __rcu, ...
[[nodiscard]] bool is_ignored_type_word(std::string_view word);
// `spinlock_t`, `refcount_t`, `atomic_t`: the kernel objects spelled as typedefs (Int: atomic_t).
[[nodiscard]] std::optional<ObjectKind> object_type_word(std::string_view word);

}  // namespace preempt::lang::syntax::detail
