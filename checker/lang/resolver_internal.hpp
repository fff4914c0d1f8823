#pragma once
// The resolver's shared parts: the global namespace (what each top-level name denotes) and the
// BodyResolver, which resolves one function, thread, init or final body against it. resolver.cpp
// holds the declaration passes, body_resolver.cpp the bodies. Private to the resolver: include
// resolver.hpp.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checker/lang/resolver.hpp"

namespace preempt::lang::detail {

namespace syn = syntax;

// ---------------------------------------------------------------------------------------------
// Global names

enum class GlobalKind : uint8_t { Module, SharedInt, Object, Function, Thread };

struct Global {
  GlobalKind kind = GlobalKind::Module;
  ObjectKind object = ObjectKind::Kobject;  // Object: which kind
  uint32_t index = 0;                       // in its table of Program
  uint32_t array_size = 0;                  // SharedInt, Object: 0 = scalar
  SourceLoc loc;
};

using Globals = std::unordered_map<std::string_view, Global>;

// "a kobject", "an array of mutexes", "a shared int", ...: what a global name denotes.
std::string describe(const Global& g);
// "12:5": a source position in a message.
std::string at(SourceLoc loc);
// "1 argument", "3 arguments".
std::string arguments(size_t n);
// Sets e's height from its children (the parser bounded the heights already).
ExprPtr finish(ExprPtr e);
ExprPtr new_expr(ExprKind kind, SourceLoc loc);
StmtPtr new_stmt(StmtKind kind, SourceLoc loc);

// ---------------------------------------------------------------------------------------------
// Bodies: locals, statements, expressions

enum class BodyKind : uint8_t { VoidFunction, IntFunction, Thread, ThreadArray, Init, Final };

// Resolves one body (function, thread, init or final) against the global names.
class BodyResolver {
 public:
  BodyResolver(const Globals& globals, const Program& program, Diagnostics& diags, BodyKind kind,
               std::string owner)
      : globals_(globals),
        program_(program),
        diags_(diags),
        kind_(kind),
        owner_(std::move(owner)) {}

  Body resolve(const std::vector<syn::Name>& params, const syn::Stmt& block, SourceLoc end_loc);

 private:
  struct Binding {
    uint32_t slot;
    size_t scope;  // depth of the scope that declared it
    SourceLoc loc;
  };

  void error(SourceLoc loc, std::string message) { diags_.error(loc, std::move(message)); }
  void begin_scope() { scopes_.emplace_back(); }
  void end_scope();
  uint32_t declare_local(const syn::Name& name, std::string_view what);
  [[nodiscard]] const Binding* find_local(std::string_view name) const;
  [[nodiscard]] const Global* find_global(std::string_view name) const;

  StmtPtr stmt(const syn::Stmt& s);
  StmtPtr block(const syn::Stmt& s);
  StmtPtr block_items(const syn::Stmt& s);
  StmtPtr local_decl(const syn::Stmt& s);
  StmtPtr assign(const syn::Stmt& s);
  StmtPtr if_stmt(const syn::Stmt& s);
  StmtPtr loop(const syn::Stmt& s);
  StmtPtr jump(const syn::Stmt& s);
  StmtPtr return_stmt(const syn::Stmt& s);
  StmtPtr condition_stmt(const syn::Stmt& s);

  ExprPtr value(const syn::Expr& e);
  ExprPtr name_value(const syn::Expr& e);
  ExprPtr lvalue(const syn::Expr& e);
  ExprPtr shared(const syn::Expr& e, const Global& g);
  ExprPtr call(const syn::Expr& e, bool as_value);
  ExprPtr user_call(const syn::Expr& e, const Global& g, bool as_value);
  ExprPtr builtin_call(const syn::Expr& e, Builtin builtin, bool as_value);
  ExprPtr object_argument(const syn::Expr& arg, ObjectKind kind, std::string_view builtin);
  ExprPtr shared_argument(const syn::Expr& arg, std::string_view builtin);
  bool check_arity(const syn::Expr& e, std::string_view name, size_t expected);
  ExprPtr placeholder(SourceLoc loc) { return new_expr(ExprKind::IntLit, loc); }

  const Globals& globals_;
  const Program& program_;
  Diagnostics& diags_;
  BodyKind kind_;
  std::string owner_;  // "function 'f'", "thread 't'", "init", "final"
  std::vector<std::string> slot_names_;
  std::unordered_map<std::string_view, std::vector<Binding>> locals_;  // innermost last
  std::vector<std::vector<std::string_view>> scopes_;                  // names each scope declared
  uint32_t loops_ = 0;     // enclosing while/for statements
  bool in_await_ = false;  // resolving the condition of an await
};

}  // namespace preempt::lang::detail
