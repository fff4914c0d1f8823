// The resolved program: what the front end hands to the bytecode compiler.
//
// Every name is resolved: locals are slot numbers, globals, functions and structs are indices
// into the declaration tables of Program, builtins are operations (OpKind), and every expression
// carries its type (types.hpp). compile_frontend() (frontend.hpp) only returns a Program that
// passed every check of docs/scenario-language.md, so consumers may rely on the invariants stated
// here without checking them again.
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
#include "checker/lang/types.hpp"
#include "checker/rt/ids.hpp"
#include "checker/rt/op.hpp"

namespace preempt::lang {

// Limit on the nesting of expressions and of statements (the parser enforces it).
inline constexpr uint32_t kMaxNesting = 256;
inline constexpr uint32_t kMaxArraySize = 65536;
// Limits on memory: the cells of one struct or array type, and of all the globals together (each
// execution starts from a copy of them).
inline constexpr uint32_t kMaxTypeCells = 1u << 20;
inline constexpr uint32_t kMaxGlobalCells = 1u << 20;
// Structs embedding structs: the layout names every cell by its path ("n.n.n.v"), which grows as
// the cube of the depth (4.5 GB of names at 3000 levels), so the depth is bounded.
inline constexpr uint32_t kMaxStructNesting = 512;
// The threads of a scenario, thread arrays counted in full (each is a fiber, and every scheduling
// point looks at every thread).
inline constexpr uint32_t kMaxThreads = 4096;

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
  X(IntLit, "int") X(Local, "local") X(Global, "global") X(Self, "self") X(Unary, "unary")       \
  X(Binary, "binary") X(Conditional, "?:") X(CallUser, "call") X(CallBuiltin, "builtin")         \
  X(CallPointer, "call*") X(Field, "field") X(Index, "index") X(Deref, "deref")                  \
  X(AddressOf, "&") X(FunctionRef, "function") X(ModuleRef, "module") X(Null, "NULL")            \
  X(SizeOf, "sizeof") X(String, "string")

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
// The ObjectKind of a builtin argument letter K C M S D R T; nullopt for I, v and the others.
[[nodiscard]] std::optional<ObjectKind> object_kind_of_letter(char letter);

// ---------------------------------------------------------------------------------------------
// Expressions
//
// A *place* is an expression that denotes storage: Local, Global, Field, Index, Deref. A place of
// a scalar type (int or a pointer) is also a value: reading it is a visible step unless it is a
// Local. Every other kind is a value. `type` is every node's type.
//
//   kind         fields used
//   IntLit       value                     (also an enum, #define or GFP constant)
//   Local        slot                      (a parameter or local of the enclosing body)
//   Global       decl (Program::globals)
//   Self         -                         (only inside a thread array body)
//   Unary        unary_op, operand (child)
//   Binary       binary_op, lhs, rhs; LogicalAnd/LogicalOr short-circuit; Eq/Ne may compare
//                pointers of one type (or with NULL)
//   Conditional  cond, lhs (then), rhs (else)
//   CallUser     decl (Program::functions), args
//   CallBuiltin  builtin, args: one per letter of op_info(builtin).args, in order: an object
//                letter (K C M S R T I) -> a place of that object type; D -> a module value
//                (ModuleRef or a struct module * value); v -> an int value; p -> a pointer value;
//                z -> a SizeOf; f -> a FunctionRef or a function pointer value; s -> a String
//                wait_event, wait_event_interruptible: args the wait queue head (E), cond the
//                condition (any int or pointer value, evaluated with steps), text its source text
//   CallPointer  operand (a function pointer value), args
//   Field        operand (a place of struct type), field (index in its StructDecl::fields)
//   Index        operand (a place of array type), index (an int value)
//   Deref        operand (a struct pointer value): the struct it points to
//   AddressOf    operand (a place of struct type): a pointer to it
//   FunctionRef  decl (Program::functions): a function pointer
//   ModuleRef    decl (Program::modules; -1 NULL): a struct module * (a module's name, THIS_MODULE)
//   Null         -                         (NULL, of the pointer type the context wants)
//   SizeOf       decl (Program::structs)   (only as kmalloc's and kzalloc's first argument)
//   String       text                      (only where a builtin accepts a name and ignores it)

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::IntLit;
  SourceLoc loc;
  uint32_t height = 1;  // 1 + the largest height of the children; <= kMaxNesting
  TypeId type = 1;      // int by default
  bool poisoned = false;  // stands for an expression an error was reported about: checks stay silent
  int64_t value = 0;
  uint32_t slot = 0;
  int32_t decl = 0;
  uint32_t field = 0;
  UnaryOp unary_op = UnaryOp::Neg;
  BinaryOp binary_op = BinaryOp::Add;
  Builtin builtin = Builtin::KobjectGet;
  std::string text;  // String: the literal; a place: its source text ("c->ref"), for traces
  ExprPtr index;
  ExprPtr operand;
  ExprPtr lhs;
  ExprPtr rhs;
  ExprPtr cond;
  std::vector<ExprPtr> args;
};

[[nodiscard]] bool is_place(const Expr& e);

// ---------------------------------------------------------------------------------------------
// Statements
//
//   kind       fields used
//   Block      children (statements in order; a new scope)
//   LocalDecl  slot, value (the initialiser; null means 0 / NULL)
//   Assign     target (a place of scalar type), assign_op, value; `x++` is Add 1, `x--` is Sub 1
//              (Add and Sub only on ints)
//   If         cond, then_branch, else_branch (null when there is no else)
//   While      cond, body
//   For        init (null, a LocalDecl or an Assign), cond (null = true),
//              step (null or an Assign), body; `continue` goes to step
//   Break, Continue  -                     (always inside a While or For of the same body)
//   Return     value (null in void functions and thread/init/final bodies; non-null otherwise)
//   ExprStmt   value (a call; a result is discarded)
//   Assert, Assume, Await   cond          (an Await cond calls no user function and no builtin
//                                          but atomic_read and completion_done)
//   Schedule, DoExit        -
// A condition (if, while, for, assert, assume, await, &&, ||, !, ?:) is an int or a pointer.

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
// slot (slots are not reused across sibling blocks). Locals start at 0 (NULL) on each entry.
struct Body {
  StmtPtr block;                        // a Block
  uint32_t slot_count = 0;              // number of local slots, parameters included
  std::vector<std::string> slot_names;  // slot_names[slot] = the name declared (for traces)
  std::vector<TypeId> slot_types;       // slot_types[slot] = its type (int or a pointer)
  SourceLoc end_loc;                    // the closing '}' (where the implicit return happens)
};

struct ModuleDecl {
  std::string name;
  SourceLoc loc;
  int32_t exit_function = -1;  // index in Program::functions (void, no parameters), or -1
  int32_t init_function = -1;  // index in Program::functions (int or void, no parameters), or -1
  bool loaded_by_call = false;  // a load_module call names it: it starts not loaded, its init runs there
};

// The initial value of a global, or of one of its fields: an int, NULL, a function, a module, the
// address of a global, or for a struct its fields by name (designated initialisers).
struct FieldInitializer;
struct Initializer {
  enum class Kind : uint8_t { None, Int, Null, Function, Module, AddressOf, Fields };
  Kind kind = Kind::None;
  SourceLoc loc;
  int64_t value = 0;     // Int: the value; Function, Module, AddressOf: the decl index
  std::vector<FieldInitializer> fields;  // Fields: (field index, its value)
};
// One designated field (a struct, not a std::pair: a pair of an incomplete type is not allowed).
struct FieldInitializer {
  FieldInitializer(uint32_t field, Initializer value) : first(field), second(std::move(value)) {}
  uint32_t first;
  Initializer second;
};

// A global variable: a shared int or array, a kernel object or an array of them, a shared
// pointer, a static struct instance. `module` >= 0 makes it data of that module (`in M`).
struct GlobalDecl {
  std::string name;
  SourceLoc loc;
  TypeId type = 1;
  bool poisoned = false;          // its type had an error (an unknown struct): int stands for it
  int32_t module = -1;            // `in MODULE`: index in Program::modules, or -1
  int32_t release_function = -1;  // a kobject (or array of them): its release method
                                  // (void, no parameter; an array's may take the int index)
  Initializer init;
};

struct FunctionDecl {
  std::string name;
  SourceLoc loc;
  TypeId result = 0;                // void, int or a pointer type
  std::vector<TypeId> params;
  int32_t module = -1;              // index in Program::modules (`in MODULE`), or -1 for built-in code
  bool address_taken = false;       // used as a value (a function pointer) somewhere
  Body body;
  [[nodiscard]] bool returns_value() const { return result != 0; }
};

struct ThreadDecl {
  std::string name;
  SourceLoc loc;
  uint32_t count = 0;   // 0 = one thread `thread t`; N >= 1 = `thread t[N]`, self = 0..N-1
  int32_t module = -1;  // index in Program::modules, or -1
  Body body;
  bool service = false;  // `service thread`: waiting for ever at the end is not a deadlock
};

struct Expectation {
  enum class Kind : uint8_t { None, Safe, Violation };
  Kind kind = Kind::None;
  std::string violation;  // Violation: a spelling from rt/violation_kinds.def
  SourceLoc loc;
};

struct ExpectedExecutions {
  std::string strategy;  // as written (dfs, dpor, ...); distinct across the vector
  uint64_t count = 0;
  SourceLoc loc;
};

// `option NAME VALUE;`: a setting the scenario pins for its own runs (checker/lang/scenario_options.cpp
// lists the names; docs/scenario-language.md says how they meet the command line's).
struct ScenarioOption {
  std::string name;               // strategy, max-time, ...
  std::string word;               // a word value (a strategy's name), else empty
  uint64_t number = 0;            // a number value
  SourceLoc loc;
};

// ---------------------------------------------------------------------------------------------
// Names as the resolver bound them, for editors (`preempt lsp`: hover, go to definition)

enum class NameKind : uint8_t { Module, Constant, Global, Function, Thread, Struct, Field, Local };

// One occurrence of a name in the source -- its declaration or a use -- and what it denotes.
struct NameUse {
  SourceLoc loc;             // the name's first byte
  uint32_t length = 0;       // the name's bytes
  NameKind kind = NameKind::Global;
  int32_t index = -1;        // in its table of Program (modules, globals, functions, threads, structs);
                             // Field: its struct; Constant, Local: -1
  uint32_t field = 0;        // Field: its index in StructDecl::fields
  TypeId type = 0;           // Local: its type (the others: from their table)
  SourceLoc decl;            // where the name is declared (the declaring occurrence itself)
};

struct Program {
  std::shared_ptr<const SourceFile> source;  // path and text, for printing source lines
  std::string title;                         // `scenario "..."`, or empty
  Types types;
  std::vector<StructDecl> structs;
  std::vector<ModuleDecl> modules;
  std::vector<GlobalDecl> globals;           // in declaration order
  std::vector<FunctionDecl> functions;       // in declaration order
  std::optional<Body> init;
  std::optional<Body> final;
  std::vector<ThreadDecl> threads;  // in declaration order; never empty
  Expectation expectation;
  std::vector<ExpectedExecutions> expected_executions;
  std::vector<ScenarioOption> options;  // distinct names, each checked
  uint32_t prelude_line = 0;  // the first line of the kernel prelude (prelude.hpp), 0 for none
  bool deferred = false;  // uses deferred execution (work items, timers, RCU, kthreads): the layout
                          // gets the kernel state
  bool interrupts = false;  // uses interrupt lines (request_irq): the layout gets the kernel's lines
  std::vector<NameUse> names;  // every name the resolver bound, ordered by position, one per position

  // The text of source line `line` (1-based), or empty.
  [[nodiscard]] std::string_view source_line(uint32_t line) const;
  // The scenario's own text: the source without the kernel prelude appended to it.
  [[nodiscard]] std::string_view scenario_text() const;
  // Whether `loc` lies in the kernel prelude: built-in code the language provides.
  [[nodiscard]] bool in_prelude(SourceLoc loc) const { return prelude_line != 0 && loc.line >= prelude_line; }
  [[nodiscard]] std::string_view path() const;
  // A type's name and cells, as Types has them.
  [[nodiscard]] std::string type_name(TypeId id) const { return types.name(id, structs); }
  [[nodiscard]] uint32_t cells(TypeId id) const { return types.cells(id, structs); }
};

// A readable, stable rendering of the whole program (s-expressions, one statement per line),
// for tests and for debugging; the format is documented in ast.cpp.
[[nodiscard]] std::string dump(const Program& program);
[[nodiscard]] std::string dump(const Program& program, const Expr& expr,
                               const std::vector<std::string>* slot_names = nullptr);

}  // namespace preempt::lang
