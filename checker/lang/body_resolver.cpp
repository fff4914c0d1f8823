// The resolver, bodies: locals and their scopes, statements, expressions, calls of functions and
// builtins with their arguments checked against the global names.
#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"

namespace preempt::lang::detail {

Body BodyResolver::resolve(const std::vector<syn::Name>& params, const syn::Stmt& block,
                           SourceLoc end_loc) {
  begin_scope();  // parameters share the scope of the body's outermost block, as in C
  for (const syn::Name& p : params) declare_local(p, "parameter");
  Body body;
  body.block = block_items(block);
  end_scope();
  body.slot_count = static_cast<uint32_t>(slot_names_.size());
  body.slot_names = std::move(slot_names_);
  body.end_loc = end_loc;
  return body;
}

void BodyResolver::end_scope() {
  for (std::string_view name : scopes_.back()) {
    auto it = locals_.find(name);
    if (it == locals_.end()) continue;  // cannot happen: the scope bound the name
    it->second.pop_back();
    if (it->second.empty()) locals_.erase(it);
  }
  scopes_.pop_back();
}

// A new slot for `name` in the innermost scope; redeclaring a name of the same scope is an error.
uint32_t BodyResolver::declare_local(const syn::Name& name, std::string_view what) {
  auto slot = static_cast<uint32_t>(slot_names_.size());
  slot_names_.emplace_back(name.text);
  std::vector<Binding>& bindings = locals_[name.text];
  if (!bindings.empty() && bindings.back().scope == scopes_.size()) {
    error(name.loc, fmt::format("{} '{}' is already declared in this scope (at {})", what,
                                name.text, at(bindings.back().loc)));
    return slot;
  }
  bindings.push_back(Binding{slot, scopes_.size(), name.loc});
  scopes_.back().push_back(name.text);
  return slot;
}

const BodyResolver::Binding* BodyResolver::find_local(std::string_view name) const {
  auto it = locals_.find(name);
  return it == locals_.end() ? nullptr : &it->second.back();
}

const Global* BodyResolver::find_global(std::string_view name) const {
  auto it = globals_.find(name);
  return it == globals_.end() ? nullptr : &it->second;
}

// ---- statements

StmtPtr BodyResolver::stmt(const syn::Stmt& s) {
  switch (s.kind) {
    case StmtKind::Block: return block(s);
    case StmtKind::LocalDecl: return local_decl(s);
    case StmtKind::Assign: return assign(s);
    case StmtKind::If: return if_stmt(s);
    case StmtKind::While:
    case StmtKind::For: return loop(s);
    case StmtKind::Break:
    case StmtKind::Continue: return jump(s);
    case StmtKind::Return: return return_stmt(s);
    case StmtKind::ExprStmt: {
      StmtPtr r = new_stmt(StmtKind::ExprStmt, s.loc);
      r->value = call(*s.value, false);
      return r;
    }
    case StmtKind::Assert:
    case StmtKind::Assume:
    case StmtKind::Await: return condition_stmt(s);
    case StmtKind::Schedule:
    case StmtKind::DoExit: return new_stmt(s.kind, s.loc);
  }
  return new_stmt(StmtKind::Block, s.loc);
}

StmtPtr BodyResolver::block(const syn::Stmt& s) {
  begin_scope();
  StmtPtr r = block_items(s);
  end_scope();
  return r;
}

// The statements of a block, in the current scope.
StmtPtr BodyResolver::block_items(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::Block, s.loc);
  r->children.reserve(s.children.size());
  for (const syn::StmtPtr& child : s.children) {
    if (diags_.full()) break;
    r->children.push_back(stmt(*child));
  }
  return r;
}

StmtPtr BodyResolver::local_decl(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::LocalDecl, s.loc);
  // The initialiser is resolved before the name is in scope: `int x = x;` reads an outer x.
  if (s.value) r->value = value(*s.value);
  r->slot = declare_local(s.name, "local");
  return r;
}

StmtPtr BodyResolver::assign(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::Assign, s.loc);
  r->assign_op = s.assign_op;
  r->target = lvalue(*s.target);
  r->value = value(*s.value);
  return r;
}

StmtPtr BodyResolver::if_stmt(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::If, s.loc);
  r->cond = value(*s.cond);
  r->then_branch = stmt(*s.then_branch);
  if (s.else_branch) r->else_branch = stmt(*s.else_branch);
  return r;
}

// While and For; a For's init declares its local in a scope around the whole loop.
StmtPtr BodyResolver::loop(const syn::Stmt& s) {
  StmtPtr r = new_stmt(s.kind, s.loc);
  begin_scope();
  if (s.init) r->init = stmt(*s.init);
  if (s.cond) r->cond = value(*s.cond);
  if (s.step) r->step = stmt(*s.step);
  ++loops_;
  r->body = stmt(*s.body);
  --loops_;
  end_scope();
  return r;
}

StmtPtr BodyResolver::jump(const syn::Stmt& s) {
  if (loops_ == 0) {
    error(s.loc, fmt::format("'{}' outside a loop", spelling(s.kind)));
  }
  return new_stmt(s.kind, s.loc);
}

StmtPtr BodyResolver::return_stmt(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::Return, s.loc);
  if (kind_ == BodyKind::IntFunction) {
    if (!s.value) error(s.loc, fmt::format("'return' without a value in int {}", owner_));
  } else if (s.value) {
    error(s.loc, fmt::format("'return' with a value in {}{}",
                             kind_ == BodyKind::VoidFunction ? "void " : "", owner_));
  }
  if (s.value) r->value = value(*s.value);
  return r;
}

// assert(e); assume(e); await(e);
StmtPtr BodyResolver::condition_stmt(const syn::Stmt& s) {
  StmtPtr r = new_stmt(s.kind, s.loc);
  in_await_ = s.kind == StmtKind::Await;
  r->cond = value(*s.cond);
  in_await_ = false;
  return r;
}

// ---- expressions

// An expression that must produce an int.
ExprPtr BodyResolver::value(const syn::Expr& e) {
  switch (e.kind) {
    case syn::ExprKind::IntLit: {
      ExprPtr r = new_expr(ExprKind::IntLit, e.loc);
      r->value = e.value;
      return r;
    }
    case syn::ExprKind::Self:
      if (kind_ != BodyKind::ThreadArray) {
        error(e.loc, "'self' is only allowed in the body of a thread array (thread NAME[N])");
      }
      return new_expr(ExprKind::Self, e.loc);
    case syn::ExprKind::Unary: {
      ExprPtr r = new_expr(ExprKind::Unary, e.loc);
      r->unary_op = e.unary_op;
      r->operand = value(*e.operand);
      return finish(std::move(r));
    }
    case syn::ExprKind::Binary: {
      ExprPtr r = new_expr(ExprKind::Binary, e.loc);
      r->binary_op = e.binary_op;
      r->lhs = value(*e.lhs);
      r->rhs = value(*e.rhs);
      return finish(std::move(r));
    }
    case syn::ExprKind::Name: return name_value(e);
    case syn::ExprKind::Call: return call(e, true);
  }
  return placeholder(e.loc);
}

// `x` or `a[i]` used as a value: a local, a shared int, or an element of a shared int array.
ExprPtr BodyResolver::name_value(const syn::Expr& e) {
  std::string_view name = e.name.text;
  if (const Binding* local = find_local(name)) {
    if (e.index) {
      error(e.loc, fmt::format("'{}' is a local int, not an array", name));
      return placeholder(e.loc);
    }
    ExprPtr r = new_expr(ExprKind::Local, e.loc);
    r->slot = local->slot;
    return r;
  }
  const Global* g = find_global(name);
  if (g == nullptr) {
    error(e.loc, fmt::format("undeclared name '{}'", name));
    return placeholder(e.loc);
  }
  if (g->kind != GlobalKind::SharedInt) {
    error(e.loc, fmt::format("expected an int value, but '{}' is {}", name, describe(*g)));
    return placeholder(e.loc);
  }
  return shared(e, *g);
}

// A Shared node for `x` or `a[i]` where the name is the shared int `g`.
ExprPtr BodyResolver::shared(const syn::Expr& e, const Global& g) {
  std::string_view name = e.name.text;
  if (g.array_size == 0 && e.index) {
    error(e.loc, fmt::format("'{}' is a shared int, not an array", name));
    return placeholder(e.loc);
  }
  if (g.array_size != 0 && !e.index) {
    error(e.loc, fmt::format("'{}' is a shared int array; use an element: {}[i]", name, name));
    return placeholder(e.loc);
  }
  ExprPtr r = new_expr(ExprKind::Shared, e.loc);
  r->decl = g.index;
  if (e.index) r->index = value(*e.index);
  return finish(std::move(r));
}

// The target of an assignment: a local, a shared int or an element of a shared int array.
ExprPtr BodyResolver::lvalue(const syn::Expr& e) {
  if (e.kind != syn::ExprKind::Name) {
    error(e.loc, "cannot assign to this expression");
    return placeholder(e.loc);
  }
  if (find_local(e.name.text) != nullptr) return name_value(e);
  const Global* g = find_global(e.name.text);
  if (g != nullptr && g->kind != GlobalKind::SharedInt) {
    error(e.loc, fmt::format("cannot assign to '{}': it is {}", e.name.text, describe(*g)));
    return placeholder(e.loc);
  }
  return name_value(e);
}

// f(args) or builtin(args); as_value: the result is used, so the callee must return an int.
ExprPtr BodyResolver::call(const syn::Expr& e, bool as_value) {
  std::string_view name = e.name.text;
  if (find_local(name) != nullptr) {
    error(e.loc, fmt::format("'{}' is a local int, not a function", name));
    return placeholder(e.loc);
  }
  if (std::optional<Builtin> b = find_builtin(name)) return builtin_call(e, *b, as_value);
  const Global* g = find_global(name);
  if (g == nullptr) {
    error(e.loc, fmt::format("undeclared function '{}'", name));
    return placeholder(e.loc);
  }
  if (g->kind != GlobalKind::Function) {
    error(e.loc, fmt::format("'{}' is {}, not a function", name, describe(*g)));
    return placeholder(e.loc);
  }
  return user_call(e, *g, as_value);
}

bool BodyResolver::check_arity(const syn::Expr& e, std::string_view name, size_t expected) {
  if (e.args.size() == expected) return true;
  error(e.loc, fmt::format("{} takes {}, but {} {} given", name, arguments(expected), e.args.size(),
                           e.args.size() == 1 ? "was" : "were"));
  return false;
}

ExprPtr BodyResolver::user_call(const syn::Expr& e, const Global& g, bool as_value) {
  const FunctionDecl& f = program_.functions[g.index];
  if (in_await_) {
    error(e.loc, fmt::format("an await condition cannot call function '{}': only atomic_read and "
                             "completion_done may be called in it",
                             f.name));
    return placeholder(e.loc);
  }
  if (as_value && !f.returns_int) {
    error(e.loc, fmt::format("'{}' is a void function; it has no value to use", f.name));
    return placeholder(e.loc);
  }
  if (!check_arity(e, f.name, f.param_count)) return placeholder(e.loc);
  ExprPtr r = new_expr(ExprKind::CallUser, e.loc);
  r->decl = g.index;
  for (const syn::ExprPtr& arg : e.args) r->args.push_back(value(*arg));
  return finish(std::move(r));
}

ExprPtr BodyResolver::builtin_call(const syn::Expr& e, Builtin builtin, bool as_value) {
  const preempt::OpInfo& info = op_info(builtin);
  if (in_await_ && builtin != Builtin::AtomicRead && builtin != Builtin::CompletionDone) {
    error(e.loc, fmt::format("an await condition cannot call {}: only atomic_read and "
                             "completion_done may be called in it",
                             info.name));
    return placeholder(e.loc);
  }
  if (as_value && !info.returns_value) {
    error(e.loc, fmt::format("{} returns no value; it cannot be used in an expression", info.name));
    return placeholder(e.loc);
  }
  if (!check_arity(e, info.name, info.args.size())) return placeholder(e.loc);
  ExprPtr r = new_expr(ExprKind::CallBuiltin, e.loc);
  r->builtin = builtin;
  for (size_t i = 0; i < e.args.size(); ++i) {
    char letter = info.args[i];
    const syn::Expr& arg = *e.args[i];
    if (std::optional<ObjectKind> kind = object_kind_of_letter(letter)) {
      r->args.push_back(object_argument(arg, *kind, info.name));
    } else if (letter == 'I') {
      r->args.push_back(shared_argument(arg, info.name));
    } else {
      r->args.push_back(value(arg));
    }
  }
  return finish(std::move(r));
}

// A K C M S D argument: the name of an object of `kind`, or an element k[i] of an array of them.
ExprPtr BodyResolver::object_argument(const syn::Expr& arg, ObjectKind kind,
                                      std::string_view builtin) {
  std::string wanted = fmt::format("a {}", spelling(kind));
  std::string_view name = arg.name.text;
  if (arg.kind != syn::ExprKind::Name) {
    error(arg.loc, fmt::format("{} expects {}, but got an expression", builtin, wanted));
    return placeholder(arg.loc);
  }
  if (find_local(name) != nullptr) {
    error(arg.loc, fmt::format("{} expects {}, but '{}' is a local int", builtin, wanted, name));
    return placeholder(arg.loc);
  }
  const Global* g = find_global(name);
  if (g == nullptr) {
    error(arg.loc, fmt::format("undeclared name '{}'", name));
    return placeholder(arg.loc);
  }
  bool matches = kind == ObjectKind::Module ? g->kind == GlobalKind::Module
                                            : g->kind == GlobalKind::Object && g->object == kind;
  if (!matches) {
    error(arg.loc,
          fmt::format("{} expects {}, but '{}' is {}", builtin, wanted, name, describe(*g)));
    return placeholder(arg.loc);
  }
  if (g->array_size == 0 && arg.index) {
    error(arg.loc, fmt::format("'{}' is {}, not an array", name, describe(*g)));
    return placeholder(arg.loc);
  }
  if (g->array_size != 0 && !arg.index) {
    error(arg.loc, fmt::format("{} expects {}, but '{}' is {}; use an element: {}[i]", builtin,
                               wanted, name, describe(*g), name));
    return placeholder(arg.loc);
  }
  ExprPtr r = new_expr(ExprKind::ObjectRef, arg.loc);
  r->object = kind;
  r->decl = g->index;
  if (arg.index) r->index = value(*arg.index);
  return finish(std::move(r));
}

// An I argument: a shared int, or an element a[i] of a shared int array.
ExprPtr BodyResolver::shared_argument(const syn::Expr& arg, std::string_view builtin) {
  std::string_view name = arg.name.text;
  if (arg.kind != syn::ExprKind::Name) {
    error(arg.loc, fmt::format("{} expects a shared int, but got an expression", builtin));
    return placeholder(arg.loc);
  }
  if (find_local(name) != nullptr) {
    error(arg.loc, fmt::format("{} expects a shared int, but '{}' is a local int", builtin, name));
    return placeholder(arg.loc);
  }
  const Global* g = find_global(name);
  if (g == nullptr) {
    error(arg.loc, fmt::format("undeclared name '{}'", name));
    return placeholder(arg.loc);
  }
  if (g->kind != GlobalKind::SharedInt) {
    error(arg.loc,
          fmt::format("{} expects a shared int, but '{}' is {}", builtin, name, describe(*g)));
    return placeholder(arg.loc);
  }
  return shared(arg, *g);
}

}  // namespace preempt::lang::detail
