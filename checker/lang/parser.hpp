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
// The syntax tree mirrors the resolved AST of ast.hpp, with names instead of indices. Names are
// views into the source text, which must outlive the tree.
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

enum class ExprKind : uint8_t { IntLit, Name, Self, Unary, Binary, Call };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

//   IntLit  value        Name  name, index (child or null: `name[index]`)     Self  -
//   Unary   unary_op, operand       Binary  binary_op, lhs, rhs       Call  name, args
struct Expr {
  ExprKind kind = ExprKind::IntLit;
  SourceLoc loc;
  uint32_t height = 1;  // 1 + the largest height of the children; <= kMaxNesting
  int64_t value = 0;
  Name name;
  UnaryOp unary_op = UnaryOp::Neg;
  BinaryOp binary_op = BinaryOp::Add;
  ExprPtr index;
  ExprPtr operand;
  ExprPtr lhs;
  ExprPtr rhs;
  std::vector<ExprPtr> args;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

// As lang::Stmt, except: LocalDecl has `name` instead of a slot; an Assign target is a Name
// expression (with or without index).
struct Stmt {
  StmtKind kind = StmtKind::Block;
  SourceLoc loc;
  std::vector<StmtPtr> children;
  Name name;
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

enum class DeclKind : uint8_t {
  Scenario,
  Module,
  SharedInt,
  Object,
  Function,
  Init,
  Final,
  Thread,
  ExpectSafe,
  ExpectViolation,
  ExpectExecutions
};

//   Scenario          text (the decoded title)
//   Module            name, function (the exit function; may be absent)
//   SharedInt         name, array_size (0 = scalar), number (initial value)
//   Object            object (not Module), name, array_size, function (kobject release)
//   Function          returns_int, name, params, module (may be absent), body, end_loc
//   Init, Final       body, end_loc
//   Thread            name, array_size (0 = single thread), module, body, end_loc
//   ExpectSafe        -
//   ExpectViolation   text (the kind's words joined by '-'), text_loc
//   ExpectExecutions  name (the strategy), number (the count)
struct Decl {
  DeclKind kind = DeclKind::Scenario;
  SourceLoc loc;  // the first token
  Name name;
  std::string text;
  SourceLoc text_loc;
  ObjectKind object = ObjectKind::Kobject;
  uint32_t array_size = 0;
  int64_t number = 0;
  Name function;
  Name module;
  bool returns_int = false;
  std::vector<Name> params;
  StmtPtr body;
  SourceLoc end_loc;
};

struct Tree {
  std::vector<Decl> decls;  // in source order
  SourceLoc eof_loc;        // where the end of file is
};

// Parses `text` (one whole scenario file); see the file comment.
[[nodiscard]] Tree parse(std::string_view text, Diagnostics& diags);

}  // namespace preempt::lang::syntax
