#include "checker/lang/resolver.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace preempt::lang {

namespace {

namespace syn = syntax;
using syn::DeclKind;

constexpr std::array kViolationKinds = {
#define PREEMPT_VIOLATION(Enumerator, spelling, summary) std::string_view(spelling),
#include "checker/report/violation_kinds.def"
};

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

std::string plural(ObjectKind kind) {
  std::string s(spelling(kind));
  s += s.back() == 'x' ? "es" : "s";
  return s;
}

// "a kobject", "an array of mutexes", "a shared int", ...: what a global name denotes.
std::string describe(const Global& g) {
  switch (g.kind) {
    case GlobalKind::Module: return "a module";
    case GlobalKind::SharedInt: return g.array_size ? "a shared int array" : "a shared int";
    case GlobalKind::Object:
      return g.array_size ? fmt::format("an array of {}", plural(g.object))
                          : fmt::format("a {}", spelling(g.object));
    case GlobalKind::Function: return "a function";
    case GlobalKind::Thread: return "a thread";
  }
  return "something else";
}

std::string at(SourceLoc loc) { return fmt::format("{}:{}", loc.line, loc.col); }

std::string arguments(size_t n) { return n == 1 ? "1 argument" : fmt::format("{} arguments", n); }

// Sets e's height from its children (the parser bounded the heights already).
ExprPtr finish(ExprPtr e) {
  uint32_t h = 0;
  for (const ExprPtr* child : {&e->index, &e->operand, &e->lhs, &e->rhs}) {
    if (*child) h = std::max(h, (*child)->height);
  }
  for (const ExprPtr& arg : e->args) h = std::max(h, arg->height);
  e->height = h + 1;
  return e;
}

ExprPtr new_expr(ExprKind kind, SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->loc = loc;
  return e;
}

StmtPtr new_stmt(StmtKind kind, SourceLoc loc) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->loc = loc;
  return s;
}

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
  const BuiltinInfo& info = builtin_info(builtin);
  if (in_await_ && builtin != Builtin::AtomicRead && builtin != Builtin::CompletionDone) {
    error(e.loc, fmt::format("an await condition cannot call {}: only atomic_read and "
                             "completion_done may be called in it",
                             info.name));
    return placeholder(e.loc);
  }
  if (as_value && !info.returns_int) {
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

// ---------------------------------------------------------------------------------------------
// Declarations

class Resolver {
 public:
  Resolver(const syn::Tree& tree, std::shared_ptr<const SourceFile> source, Diagnostics& diags)
      : tree_(tree), diags_(diags) {
    program_.source = std::move(source);
  }

  Program run();

 private:
  void error(SourceLoc loc, std::string message) { diags_.error(loc, std::move(message)); }
  void declare(const syn::Decl& d);
  void declare_global(const syn::Name& name, Global g);
  void declare_once(const syn::Decl& d, std::optional<SourceLoc>& first, std::string_view what);
  void declare_violation(const syn::Decl& d);
  void declare_executions(const syn::Decl& d);
  void link(const syn::Decl& d);
  int32_t find_module(const syn::Name& name);
  int32_t find_function(const syn::Name& name, std::string_view role);
  void check_release(const syn::Decl& d, ObjectDecl& object);
  void resolve_body(const syn::Decl& d);

  const syn::Tree& tree_;
  Diagnostics& diags_;
  Program program_;
  Globals globals_;
  std::vector<uint32_t> table_index_;  // per declaration: its index in its table of Program
  std::optional<SourceLoc> title_, init_, final_, expectation_;
};

Program Resolver::run() {
  table_index_.reserve(tree_.decls.size());
  for (const syn::Decl& d : tree_.decls) declare(d);
  for (const syn::Decl& d : tree_.decls) link(d);
  for (const syn::Decl& d : tree_.decls) {
    if (diags_.full()) break;
    resolve_body(d);
  }
  if (program_.threads.empty()) error(tree_.eof_loc, "scenario has no thread");
  return std::move(program_);
}

void Resolver::declare_global(const syn::Name& name, Global g) {
  if (find_builtin(name.text)) {
    error(name.loc, fmt::format("'{}' is the name of a builtin function", name.text));
    return;
  }
  g.loc = name.loc;
  auto [it, inserted] = globals_.emplace(name.text, g);
  if (!inserted) {
    error(name.loc, fmt::format("duplicate declaration of '{}' (first declared at {})", name.text,
                                at(it->second.loc)));
  }
}

// Pass 1: enter the declaration in its table and its name in the global namespace.
void Resolver::declare(const syn::Decl& d) {
  Program& p = program_;
  uint32_t index = 0;
  switch (d.kind) {
    case DeclKind::Scenario:
      declare_once(d, title_, "'scenario' title");
      p.title = d.text;
      break;
    case DeclKind::Module:
      index = static_cast<uint32_t>(p.modules.size());
      p.modules.push_back(ModuleDecl{std::string(d.name.text), d.name.loc, -1});
      declare_global(d.name, Global{GlobalKind::Module, {}, index, 0, {}});
      break;
    case DeclKind::SharedInt:
      index = static_cast<uint32_t>(p.shared_ints.size());
      p.shared_ints.push_back(
          SharedIntDecl{std::string(d.name.text), d.name.loc, d.array_size, d.number});
      declare_global(d.name, Global{GlobalKind::SharedInt, {}, index, d.array_size, {}});
      break;
    case DeclKind::Object:
      index = static_cast<uint32_t>(p.objects(d.object).size());
      p.objects(d.object).push_back(
          ObjectDecl{std::string(d.name.text), d.name.loc, d.array_size, -1});
      declare_global(d.name, Global{GlobalKind::Object, d.object, index, d.array_size, {}});
      break;
    case DeclKind::Function:
      index = static_cast<uint32_t>(p.functions.size());
      p.functions.push_back(FunctionDecl{std::string(d.name.text), d.name.loc, d.returns_int,
                                         static_cast<uint32_t>(d.params.size()), -1, Body{}});
      declare_global(d.name, Global{GlobalKind::Function, {}, index, 0, {}});
      break;
    case DeclKind::Init: declare_once(d, init_, "'init' block"); break;
    case DeclKind::Final: declare_once(d, final_, "'final' block"); break;
    case DeclKind::Thread:
      index = static_cast<uint32_t>(p.threads.size());
      p.threads.push_back(
          ThreadDecl{std::string(d.name.text), d.name.loc, d.array_size, -1, Body{}});
      declare_global(d.name, Global{GlobalKind::Thread, {}, index, 0, {}});
      break;
    case DeclKind::ExpectSafe:
      declare_once(d, expectation_, "'expect safe' or 'expect violation'");
      p.expectation = Expectation{Expectation::Kind::Safe, {}, d.loc};
      break;
    case DeclKind::ExpectViolation: declare_violation(d); break;
    case DeclKind::ExpectExecutions: declare_executions(d); break;
  }
  table_index_.push_back(index);
}

void Resolver::declare_once(const syn::Decl& d, std::optional<SourceLoc>& first,
                            std::string_view what) {
  if (first) {
    error(d.loc, fmt::format("more than one {} (the first is at {})", what, at(*first)));
  } else {
    first = d.loc;
  }
}

void Resolver::declare_violation(const syn::Decl& d) {
  declare_once(d, expectation_, "'expect safe' or 'expect violation'");
  if (std::find(kViolationKinds.begin(), kViolationKinds.end(), d.text) == kViolationKinds.end()) {
    std::string kinds;
    for (std::string_view k : kViolationKinds) {
      if (!kinds.empty()) kinds += ", ";
      kinds += k;
    }
    error(d.text_loc, fmt::format("unknown violation kind '{}'; the kinds are: {}", d.text, kinds));
  }
  program_.expectation = Expectation{Expectation::Kind::Violation, d.text, d.loc};
}

void Resolver::declare_executions(const syn::Decl& d) {
  for (const ExpectedExecutions& e : program_.expected_executions) {
    if (e.strategy == d.name.text) {
      error(d.name.loc,
            fmt::format("more than one 'expect executions' for strategy '{}' (the first "
                        "is at {})",
                        e.strategy, at(e.loc)));
      return;
    }
  }
  program_.expected_executions.push_back(
      ExpectedExecutions{std::string(d.name.text), static_cast<uint64_t>(d.number), d.loc});
}

// Pass 2: the names a declaration refers to: exit and release functions, `in MODULE`.
void Resolver::link(const syn::Decl& d) {
  uint32_t index = table_index_[static_cast<size_t>(&d - tree_.decls.data())];
  if (d.kind == DeclKind::Module && !d.function.text.empty()) {
    int32_t f = find_function(d.function, "exit function");
    const FunctionDecl* fn = f < 0 ? nullptr : &program_.functions[static_cast<size_t>(f)];
    if (fn && (fn->returns_int || fn->param_count != 0)) {
      error(d.function.loc, fmt::format("exit function '{}' of module '{}' must be void and take "
                                        "no parameters",
                                        fn->name, d.name.text));
    }
    program_.modules[index].exit_function = f;
  } else if (d.kind == DeclKind::Object && d.object == ObjectKind::Kobject) {
    check_release(d, program_.kobjects[index]);
  } else if (d.kind == DeclKind::Function) {
    program_.functions[index].module = find_module(d.module);
  } else if (d.kind == DeclKind::Thread) {
    program_.threads[index].module = find_module(d.module);
  }
}

// The module named by `in NAME`, or -1 when there is no `in`.
int32_t Resolver::find_module(const syn::Name& name) {
  if (name.text.empty()) return -1;
  auto it = globals_.find(name.text);
  if (it == globals_.end()) {
    error(name.loc, fmt::format("undeclared module '{}'", name.text));
  } else if (it->second.kind != GlobalKind::Module) {
    error(name.loc, fmt::format("'{}' is {}, not a module", name.text, describe(it->second)));
  } else {
    return static_cast<int32_t>(it->second.index);
  }
  return -1;
}

// The function named as a module's exit function or a kobject's release function, or -1.
int32_t Resolver::find_function(const syn::Name& name, std::string_view role) {
  auto it = globals_.find(name.text);
  if (it == globals_.end()) {
    error(name.loc, fmt::format("undeclared {} '{}'", role, name.text));
  } else if (it->second.kind != GlobalKind::Function) {
    error(name.loc,
          fmt::format("{} '{}' is {}, not a function", role, name.text, describe(it->second)));
  } else {
    return static_cast<int32_t>(it->second.index);
  }
  return -1;
}

void Resolver::check_release(const syn::Decl& d, ObjectDecl& object) {
  int32_t f = find_function(d.function, "release function");
  object.release_function = f;
  if (f < 0) return;
  const FunctionDecl& fn = program_.functions[static_cast<size_t>(f)];
  if (fn.returns_int) {
    error(d.function.loc, fmt::format("release function '{}' must be void", fn.name));
  } else if (d.array_size == 0 && fn.param_count != 0) {
    error(d.function.loc, fmt::format("release function '{}' of kobject '{}' must take no "
                                      "parameters",
                                      fn.name, d.name.text));
  } else if (fn.param_count > 1) {
    error(d.function.loc, fmt::format("release function '{}' of kobject array '{}' must take no "
                                      "parameter or one (the element index)",
                                      fn.name, d.name.text));
  }
}

// Pass 3: the bodies of functions, threads, init and final.
void Resolver::resolve_body(const syn::Decl& d) {
  uint32_t index = table_index_[static_cast<size_t>(&d - tree_.decls.data())];
  auto run_body = [&](BodyKind kind, std::string owner) {
    BodyResolver body(globals_, program_, diags_, kind, std::move(owner));
    return body.resolve(d.params, *d.body, d.end_loc);
  };
  switch (d.kind) {
    case DeclKind::Function: {
      FunctionDecl& f = program_.functions[index];
      f.body = run_body(f.returns_int ? BodyKind::IntFunction : BodyKind::VoidFunction,
                        fmt::format("function '{}'", f.name));
      break;
    }
    case DeclKind::Thread: {
      ThreadDecl& t = program_.threads[index];
      t.body = run_body(t.count ? BodyKind::ThreadArray : BodyKind::Thread,
                        fmt::format("thread '{}'", t.name));
      break;
    }
    case DeclKind::Init:
      if (!program_.init) program_.init = run_body(BodyKind::Init, "init");
      break;
    case DeclKind::Final:
      if (!program_.final) program_.final = run_body(BodyKind::Final, "final");
      break;
    case DeclKind::Scenario:
    case DeclKind::Module:
    case DeclKind::SharedInt:
    case DeclKind::Object:
    case DeclKind::ExpectSafe:
    case DeclKind::ExpectViolation:
    case DeclKind::ExpectExecutions: break;
  }
}

}  // namespace

Program resolve(const syntax::Tree& tree, std::shared_ptr<const SourceFile> source,
                Diagnostics& diags) {
  return Resolver(tree, std::move(source), diags).run();
}

}  // namespace preempt::lang
