#include "checker/lang/resolver.hpp"

#include "checker/rt/strategy_names.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"

namespace preempt::lang {

namespace detail {

namespace {

std::string plural(ObjectKind kind) {
  std::string s(spelling(kind));
  s += s.back() == 'x' ? "es" : "s";
  return s;
}

}  // namespace

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

namespace {

using syn::DeclKind;

constexpr std::array kViolationKinds = {
#define PREEMPT_VIOLATION(Enumerator, spelling, summary) std::string_view(spelling),
#include "checker/rt/violation_kinds.def"
};

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
  if (!is_strategy_name(d.name.text)) {
    std::string names;
    for (std::string_view s : kStrategyNames) names += (names.empty() ? "" : ", ") + std::string(s);
    error(d.name.loc, fmt::format("unknown strategy '{}' in 'expect executions'; the strategies are: {}",
                                  d.name.text, names));
    return;
  }
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

}  // namespace detail

Program resolve(const syntax::Tree& tree, std::shared_ptr<const SourceFile> source,
                Diagnostics& diags) {
  return detail::Resolver(tree, std::move(source), diags).run();
}

}  // namespace preempt::lang
