// The resolved program: what the front end hands to the bytecode compiler.
//
// Every name is resolved: locals are slot numbers, globals are indices into the declaration
// tables of Program, builtins are Builtin enumerators, object arguments are ObjectRef nodes.
// compile_frontend() (frontend.hpp) only returns a Program that passed every check of
// docs/scenario-language.md, so consumers may rely on the invariants stated here without
// checking them again.
//
// Nodes are tagged structs: a `kind` says which fields are used (the table above each struct);
// children are owned by std::unique_ptr and are never null where the table says "child".
// Every node carries the SourceLoc of its first token (a Binary node: of its operator).
// Trees are at most kMaxNesting expressions deep (Expr::height) and at most kMaxNesting
// statements deep, so recursive walks are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/lang/source.hpp"
#include "checker/rt/ids.hpp"
#include "checker/rt/op.hpp"

namespace preempt::lang {

// Limit on the nesting of expressions and of statements (the parser enforces it).
inline constexpr uint32_t kMaxNesting = 256;

// ---------------------------------------------------------------------------------------------
// Builtins: the operations of checker/rt/ops.def whose Result column is Int or Void. Each is
// called by its name; op_info(builtin) gives its argument letters and whether it returns a value.

using Builtin = preempt::OpKind;
// The builtin called `name`, if any.
[[nodiscard]] std::optional<Builtin> find_builtin(std::string_view name);

// The objects of the language are the engine's (checker/rt/object_kinds.def).
using preempt::ObjectKind;

// ---------------------------------------------------------------------------------------------
// Kinds of nodes and operators. X(Enumerator, "spelling") lists, used by dump() and by messages.

// clang-format off
#define PREEMPT_EXPR_KINDS(X)                                                                    \
  X(IntLit, "int") X(Local, "local") X(Shared, "shared") X(Self, "self") X(Unary, "unary")       \
  X(Binary, "binary") X(CallUser, "call") X(CallBuiltin, "builtin") X(ObjectRef, "object")

#define PREEMPT_UNARY_OPS(X) X(Neg, "-") X(Not, "!") X(BitNot, "~")

#define PREEMPT_BINARY_OPS(X)                                                                    \
  X(Mul, "*") X(Div, "/") X(Rem, "%") X(Add, "+") X(Sub, "-") X(Shl, "<<") X(Shr, ">>")          \
  X(Lt, "<") X(Le, "<=") X(Gt, ">") X(Ge, ">=") X(Eq, "==") X(Ne, "!=") X(BitAnd, "&")           \
  X(BitXor, "^") X(BitOr, "|") X(LogicalAnd, "&&") X(LogicalOr, "||")

#define PREEMPT_STMT_KINDS(X)                                                                    \
  X(Block, "block") X(LocalDecl, "local") X(Assign, "assign") X(If, "if") X(While, "while")      \
  X(For, "for") X(Break, "break") X(Continue, "continue") X(Return, "return")                    \
  X(ExprStmt, "expr") X(Assert, "assert") X(Assume, "assume") X(Await, "await")                  \
  X(Schedule, "schedule") X(DoExit, "do_exit")

#define PREEMPT_ASSIGN_OPS(X) X(Set, "=") X(Add, "+=") X(Sub, "-=")
// clang-format on

#define PREEMPT_ENUMERATOR(Enumerator, spelling) Enumerator,
enum class ExprKind : uint8_t { PREEMPT_EXPR_KINDS(PREEMPT_ENUMERATOR) };
enum class UnaryOp : uint8_t { PREEMPT_UNARY_OPS(PREEMPT_ENUMERATOR) };
enum class BinaryOp : uint8_t { PREEMPT_BINARY_OPS(PREEMPT_ENUMERATOR) };
enum class StmtKind : uint8_t { PREEMPT_STMT_KINDS(PREEMPT_ENUMERATOR) };
enum class AssignOp : uint8_t { PREEMPT_ASSIGN_OPS(PREEMPT_ENUMERATOR) };
#undef PREEMPT_ENUMERATOR

[[nodiscard]] std::string_view spelling(ObjectKind kind);  // "kobject", ..., "module"
[[nodiscard]] std::string_view spelling(ExprKind kind);
[[nodiscard]] std::string_view spelling(UnaryOp op);   // "-", "!", "~"
[[nodiscard]] std::string_view spelling(BinaryOp op);  // "*", ..., "||"
[[nodiscard]] std::string_view spelling(StmtKind kind);
[[nodiscard]] std::string_view spelling(AssignOp op);  // "=", "+=", "-="
// The ObjectKind of a builtin argument letter K C M S D; nullopt for I and v.
[[nodiscard]] std::optional<ObjectKind> object_kind_of_letter(char letter);

// ---------------------------------------------------------------------------------------------
// Expressions
//
//   kind         fields used
//   IntLit       value
//   Local        slot                      (a parameter or local of the enclosing body)
//   Shared       decl (Program::shared_ints), index (child, only for an element of an array)
//   Self         -                         (only inside a thread array body)
//   Unary        unary_op, operand (child)
//   Binary       binary_op, lhs, rhs (children); LogicalAnd/LogicalOr short-circuit
//   CallUser     decl (Program::functions; an int function when used as a value), args
//   CallBuiltin  builtin, args: one per letter of op_info(builtin).args, in order:
//                K C M S D -> an ObjectRef of that kind; I -> a Shared; v -> any int expression
//   ObjectRef    object (the kind), decl (index in Program::objects(object), or in
//                Program::modules for Module), index (child, only for an element of an array)
//                (ObjectRef only appears as a builtin argument)

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::IntLit;
  SourceLoc loc;
  uint32_t height = 1;  // 1 + the largest height of the children; <= kMaxNesting
  int64_t value = 0;
  uint32_t slot = 0;
  uint32_t decl = 0;
  UnaryOp unary_op = UnaryOp::Neg;
  BinaryOp binary_op = BinaryOp::Add;
  Builtin builtin = Builtin::KobjectGet;
  ObjectKind object = ObjectKind::Kobject;
  ExprPtr index;
  ExprPtr operand;
  ExprPtr lhs;
  ExprPtr rhs;
  std::vector<ExprPtr> args;
};

// ---------------------------------------------------------------------------------------------
// Statements
//
//   kind       fields used
//   Block      children (statements in order; a new scope)
//   LocalDecl  slot, value (the initialiser; null means 0)
//   Assign     target (a Local or a Shared), assign_op, value; `x++` is Add 1, `x--` is Sub 1
//   If         cond, then_branch, else_branch (null when there is no else)
//   While      cond, body
//   For        init (null, a LocalDecl or an Assign), cond (null = true),
//              step (null or an Assign), body; `continue` goes to step
//   Break, Continue  -                     (always inside a While or For of the same body)
//   Return     value (null in void functions and thread/init/final bodies; non-null in int
//              functions)
//   ExprStmt   value (a CallUser or CallBuiltin; an int result is discarded)
//   Assert, Assume, Await   cond          (an Await cond calls no user function and no builtin
//                                          but atomic_read and completion_done)
//   Schedule, DoExit        -

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

struct Stmt {
  StmtKind kind = StmtKind::Block;
  SourceLoc loc;
  std::vector<StmtPtr> children;
  uint32_t slot = 0;
  AssignOp assign_op = AssignOp::Set;
  ExprPtr target;
  ExprPtr value;
  ExprPtr cond;
  StmtPtr then_branch;
  StmtPtr else_branch;
  StmtPtr init;
  StmtPtr step;
  StmtPtr body;
};

// ---------------------------------------------------------------------------------------------
// Declarations

// A body of code with its own local slots: a function, a thread, init or final.
// Parameters (functions only) are slots 0..param_count-1; every local declaration gets its own
// slot (slots are not reused across sibling blocks). Locals start at 0 on each entry.
struct Body {
  StmtPtr block;                        // a Block
  uint32_t slot_count = 0;              // number of local slots, parameters included
  std::vector<std::string> slot_names;  // slot_names[slot] = the name declared (for traces)
  SourceLoc end_loc;                    // the closing '}' (where the implicit return happens)
};

struct ModuleDecl {
  std::string name;
  SourceLoc loc;
  int32_t exit_function = -1;  // index in Program::functions (void, no parameters), or -1
};

struct SharedIntDecl {
  std::string name;
  SourceLoc loc;
  uint32_t array_size = 0;  // 0 = a scalar; else 1..kMaxArraySize elements, all zero
  int64_t init = 0;         // initial value of a scalar
};

struct ObjectDecl {
  std::string name;
  SourceLoc loc;
  uint32_t array_size = 0;        // 0 = a scalar; else 1..kMaxArraySize elements
  int32_t release_function = -1;  // kobjects: index in Program::functions; others: -1.
                                  // The function is void with 0 parameters, or (kobject arrays
                                  // only) 1 parameter, which receives the element index.
};

inline constexpr uint32_t kMaxArraySize = 65536;

struct FunctionDecl {
  std::string name;
  SourceLoc loc;
  bool returns_int = false;
  uint32_t param_count = 0;
  int32_t module = -1;  // index in Program::modules (`in MODULE`), or -1 for built-in code
  Body body;
};

struct ThreadDecl {
  std::string name;
  SourceLoc loc;
  uint32_t count = 0;   // 0 = one thread `thread t`; N >= 1 = `thread t[N]`, self = 0..N-1
  int32_t module = -1;  // index in Program::modules, or -1
  Body body;
};

struct Expectation {
  enum class Kind : uint8_t { None, Safe, Violation };
  Kind kind = Kind::None;
  std::string violation;  // Violation: a spelling from report/violation_kinds.def
  SourceLoc loc;
};

struct ExpectedExecutions {
  std::string strategy;  // as written (dfs, dpor, ...); distinct across the vector
  uint64_t count = 0;
  SourceLoc loc;
};

struct Program {
  std::shared_ptr<const SourceFile> source;  // path and text, for printing source lines
  std::string title;                         // `scenario "..."`, or empty
  std::vector<ModuleDecl> modules;
  std::vector<SharedIntDecl> shared_ints;
  std::vector<ObjectDecl> kobjects;
  std::vector<ObjectDecl> completions;
  std::vector<ObjectDecl> mutexes;
  std::vector<ObjectDecl> spinlocks;
  std::vector<FunctionDecl> functions;  // in declaration order
  std::optional<Body> init;
  std::optional<Body> final;
  std::vector<ThreadDecl> threads;  // in declaration order; never empty
  Expectation expectation;
  std::vector<ExpectedExecutions> expected_executions;

  // The table of objects of `kind`; precondition: kind != ObjectKind::Module.
  [[nodiscard]] const std::vector<ObjectDecl>& objects(ObjectKind kind) const;
  [[nodiscard]] std::vector<ObjectDecl>& objects(ObjectKind kind);
  // The declared name of object `decl` of `kind` (modules included).
  [[nodiscard]] std::string_view object_name(ObjectKind kind, uint32_t decl) const;
  // The text of source line `line` (1-based), or empty.
  [[nodiscard]] std::string_view source_line(uint32_t line) const;
  [[nodiscard]] std::string_view path() const;
};

// A readable, stable rendering of the whole program (s-expressions, one statement per line),
// for tests and for debugging; the format is documented in ast.cpp.
[[nodiscard]] std::string dump(const Program& program);
[[nodiscard]] std::string dump(const Program& program, const Expr& expr,
                               const std::vector<std::string>* slot_names = nullptr);

}  // namespace preempt::lang
