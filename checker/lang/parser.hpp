// The parser: tokens -> syntax tree (names not yet resolved).
//
// parse() reads a whole scenario and returns its syntax tree. Syntax errors go to `diags`
// (clox-style panic mode: after an error, further errors are suppressed until the parser
// resynchronises at a `;`, a `}` or a keyword that starts a declaration or statement).
// Expressions and statements nested deeper than kMaxNesting are errors, so the parser's
// recursion and the tree's height are bounded. Once diags.full(), parsing stops.
// When diags gained errors, the tree is incomplete (bad parts are replaced by placeholders)
// and must not be resolved.
//
// The syntax tree says what was written: types as spelled, names as names. Names are views into
// the source text, which must outlive the tree.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/lang/ast.hpp"
#include "checker/lang/diagnostics.hpp"
#include "checker/lang/source.hpp"

namespace preempt::lang::syntax {

struct Name {
  std::string_view text;  // empty = absent
  SourceLoc loc;
};

struct Param;

// A type as written: a base type, pointers, and for a function pointer declarator `RET (*NAME)(P)`
// its parameters (the base and pointers are then its result's).
struct TypeSyntax {
  enum class Base : uint8_t { None, Int, Void, Struct, Object };
  Base base = Base::None;
  SourceLoc loc;
  Name struct_name;                   // Struct: the NAME of `struct NAME` (`module` included)
  ObjectKind object = ObjectKind::Int;  // Object: which kernel object (Int: atomic_t)
  uint32_t pointers = 0;              // the '*'s after the base
  bool function = false;              // a function pointer
  std::vector<Param> params;          // function: its parameters
  bool declare_macro = false;         // DECLARE_WAIT_QUEUE_HEAD: the name follows in parentheses
};

struct Param {
  TypeSyntax type;
  Name name;  // may be absent (in a function pointer's parameter list)
};

enum class ExprKind : uint8_t {
  IntLit, String, Name, Self, Unary, Binary, Conditional, Call, Index, Member, Deref, AddressOf,
  SizeofType, SizeofExpr, Cast
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

//   IntLit  value            String  text (decoded)          Name  name         Self  -
//   Unary   unary_op, operand        Binary  binary_op, lhs, rhs
//   Conditional  cond, lhs, rhs      Call  operand (the callee), args
//   Index   operand, index           Member  operand, name, arrow (`->`, else `.`)
//   Deref   operand (`*e`)           AddressOf  operand (`&e`)
//   SizeofType  type                 SizeofExpr  operand          Cast  type, operand
struct Expr {
  ExprKind kind = ExprKind::IntLit;
  SourceLoc loc;
  SourceLoc end;        // just past its last token (for the source text of a place)
  uint32_t height = 1;  // 1 + the largest height of the children; <= kMaxNesting
  int64_t value = 0;
  std::string text;
  Name name;
  bool arrow = false;
  UnaryOp unary_op = UnaryOp::Neg;
  BinaryOp binary_op = BinaryOp::Add;
  std::unique_ptr<TypeSyntax> type;
  ExprPtr index;
  ExprPtr operand;
  ExprPtr lhs;
  ExprPtr rhs;
  ExprPtr cond;
  std::vector<ExprPtr> args;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

// As lang::Stmt, except: LocalDecl has `name` and `type` instead of a slot; an Assign target is
// any expression (the resolver checks that it is a place).
struct Stmt {
  StmtKind kind = StmtKind::Block;
  SourceLoc loc;
  std::vector<StmtPtr> children;
  Name name;
  TypeSyntax type;
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

// A global's initialiser: an expression, or `{ .field = initialiser, ... }`.
struct FieldInitSyntax;
struct InitSyntax {
  SourceLoc loc;
  ExprPtr value;                        // a single value
  std::vector<FieldInitSyntax> fields;  // designated fields (value null)
};
// One designated field (a struct, not a std::pair: a pair of an incomplete type is not allowed).
struct FieldInitSyntax {
  FieldInitSyntax(Name field, InitSyntax init) : first(field), second(std::move(init)) {}
  Name first;
  InitSyntax second;
};

enum class DeclKind : uint8_t {
  Scenario,
  Module,
  Define,
  Enum,
  Struct,
  Variable,
  Function,
  Init,
  Final,
  Thread,
  ExpectSafe,
  ExpectViolation,
  ExpectExecutions,
  Option,
  ModuleHook
};

//   Scenario          text (the decoded title)
//   Module            name, function (the exit function; may be absent), init (may be absent)
//   Define            name, value (an expression of constants)
//   Enum              enumerators (name, value or null: the previous one + 1)
//   Struct            name, complete (`{ fields }` given), fields
//   Variable          type, name, sizes (its array dimensions), function (a kobject's release),
//                     module, initializer
//   Function          type (the result), name, params, module, body (null: a prototype), end_loc
//   Init, Final       body, end_loc
//   Thread            name, sizes (empty: a single thread; one: a thread array), module, body,
//                     end_loc
//   ExpectSafe        -
//   ExpectViolation   text (the kind's words joined by '-'), text_loc
//   ExpectExecutions  name (the strategy), number (the count)
//   ModuleHook        `module_init(F);` (init: F) or `module_exit(F);` (function: F): F's module
//   Option            text (the option's words joined by '-'), text_loc; its value: name (a
//                     word) or number (with legacy set: a number was given)
struct Decl {
  DeclKind kind = DeclKind::Scenario;
  SourceLoc loc;  // the first token
  Name name;
  std::string text;
  SourceLoc text_loc;
  TypeSyntax type;
  std::vector<ExprPtr> sizes;  // array dimensions: constant expressions
  int64_t number = 0;
  Name function;
  Name init;
  Name module;
  std::vector<Param> params;
  std::vector<std::pair<Name, ExprPtr>> enumerators;
  bool complete = false;
  std::vector<Decl> fields;  // Struct: each a Variable (type, name, sizes, function)
  InitSyntax initializer;
  bool legacy = false;       // Variable: declared with the short words (kobject k release f;)
  bool service = false;      // Thread: `service thread`: may wait for ever without being a deadlock
  StmtPtr body;
  SourceLoc end_loc;
  ExprPtr value;
};

struct Tree {
  std::vector<Decl> decls;  // in source order
  SourceLoc eof_loc;        // where the end of file is
};

// Parses `text` (one whole scenario file); see the file comment.
[[nodiscard]] Tree parse(std::string_view text, Diagnostics& diags);

}  // namespace preempt::lang::syntax
