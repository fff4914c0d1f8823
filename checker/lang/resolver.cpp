#include "checker/lang/resolver.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "checker/rt/errno.hpp"

#include "checker/lang/resolver_internal.hpp"
#include "checker/rt/strategy_names.hpp"

namespace preempt::lang {

namespace detail {



namespace {

constexpr std::array kViolationKinds = {
#define PREEMPT_VIOLATION(Enumerator, spelling, summary, help) std::string_view(spelling),
#include "checker/rt/violation_kinds.def"
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Declarations

Program Resolver::run() {
  table_index_.reserve(tree_.decls.size());
  for (const syn::Decl& d : tree_.decls) declare(d);
  // The structs the language provides, before any layout refers to them (their fields are set).
  (void)scope_.kernel_struct("workqueue_struct");
  (void)scope_.kernel_struct("task_struct");
  layout_state_.assign(program_.structs.size(), 0);
  nesting_.assign(program_.structs.size(), 1);
  for (uint32_t s = 0; s < program_.structs.size(); ++s) layout_struct(s);
  for (const syn::Decl& d : tree_.decls) type_declaration(d);
  for (const syn::Decl& d : tree_.decls) link(d);
  for (const syn::Decl& d : tree_.decls) {
    if (d.kind == DeclKind::ModuleHook) link_module_hook(d);
  }
  for (const syn::Decl& d : tree_.decls) {
    if (scope_.diags.full()) break;
    resolve_body(d);
  }
  if (program_.threads.empty()) error(tree_.eof_loc, "scenario has no thread");
  return std::move(program_);
}

void Resolver::declare_global(const syn::Name& name, Global g) {
  if (name.text.empty()) return;
  // builtins, and the names the language predefines (GFP_KERNEL, NULL, THIS_MODULE, true)
  // (not the errno names: a scenario's own `#define ENOMEM 12` is what the kernel's headers say)
  if (find_builtin(name.text) || (predefined_constant(name.text) && !errno_value(name.text)) ||
      name.text == "NULL" || name.text == "THIS_MODULE") {
    scope_.diags.warning(name.loc, fmt::format("'{}' is the name of a builtin; this scenario's own '{}' is used "
                                               "instead of the builtin",
                                               name.text, name.text));
  }
  g.loc = name.loc;
  scope_.note(name, g);
  auto [it, inserted] = scope_.globals.emplace(name.text, g);
  if (!inserted) {
    error(name.loc, fmt::format("duplicate declaration of '{}' (first declared at {})", name.text, at(it->second.loc)));
  }
}

void Resolver::declare_struct(const syn::Decl& d) {
  const std::string_view name = d.name.text;
  if (object_struct(name) || name == "module" || (is_kernel_struct(name) && d.complete)) {
    error(d.name.loc, fmt::format("struct {} is a kernel object the language knows; it cannot be declared", name));
    table_index_.push_back(UINT32_MAX);  // no struct: later passes skip this declaration
    return;
  }
  auto [it, inserted] = scope_.structs.emplace(name, static_cast<uint32_t>(program_.structs.size()));
  if (inserted) {
    program_.structs.push_back(StructDecl{std::string(name), d.name.loc});
    struct_bodies_.push_back(nullptr);
  }
  const uint32_t index = it->second;
  scope_.note(d.name, NameUse{.kind = NameKind::Struct, .index = static_cast<int32_t>(index),
                              .decl = program_.structs[index].loc});
  if (d.complete) {
    if (struct_bodies_[index] != nullptr) {
      error(d.name.loc, fmt::format("struct {} is defined twice (first at {})", name,
                                    at(struct_bodies_[index]->name.loc)));
    } else {
      struct_bodies_[index] = &d;
      program_.structs[index].complete = true;
      program_.structs[index].body_loc = d.name.loc;
    }
  }
  table_index_.push_back(index);
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
      p.modules.push_back(ModuleDecl{std::string(d.name.text), d.name.loc, -1, -1});
      declare_global(d.name, Global{GlobalKind::Module, index, {}});
      break;
    case DeclKind::Define:
      index = static_cast<uint32_t>(scope_.constants.size());
      scope_.constants.push_back(Constant{d.name.text, d.value.get()});
      declare_global(d.name, Global{GlobalKind::Constant, index, {}});
      break;
    case DeclKind::Enum: {
      int32_t previous = -1;
      for (const auto& [name, value] : d.enumerators) {
        const auto c = static_cast<uint32_t>(scope_.constants.size());
        scope_.constants.push_back(Constant{name.text, value.get(), value ? -1 : previous});
        declare_global(name, Global{GlobalKind::Constant, c, {}});
        previous = static_cast<int32_t>(c);
      }
      break;
    }
    case DeclKind::Struct: declare_struct(d); return;
    case DeclKind::Variable:
      index = static_cast<uint32_t>(p.globals.size());
      p.globals.push_back(GlobalDecl{std::string(d.name.text), d.name.loc});
      declare_global(d.name, Global{GlobalKind::Variable, index, {}});
      break;
    case DeclKind::Function:
      if (!d.body) {  // a prototype: the definition elsewhere is the function
        table_index_.push_back(0);
        return;
      }
      index = static_cast<uint32_t>(p.functions.size());
      p.functions.push_back(FunctionDecl{std::string(d.name.text), d.name.loc});
      declare_global(d.name, Global{GlobalKind::Function, index, {}});
      break;
    case DeclKind::Init: declare_once(d, init_, "'init' block"); break;
    case DeclKind::Final: declare_once(d, final_, "'final' block"); break;
    case DeclKind::Thread:
      index = static_cast<uint32_t>(p.threads.size());
      p.threads.push_back(ThreadDecl{std::string(d.name.text), d.name.loc});
      p.threads.back().service = d.service;
      declare_global(d.name, Global{GlobalKind::Thread, index, {}});
      break;
    case DeclKind::ExpectSafe:
      declare_once(d, expectation_, "'expect safe' or 'expect violation'");
      p.expectation = Expectation{Expectation::Kind::Safe, {}, d.loc};
      break;
    case DeclKind::ExpectViolation: declare_violation(d); break;
    case DeclKind::ExpectExecutions: declare_executions(d); break;
    case DeclKind::Option: declare_option(d); break;
    case DeclKind::ModuleHook: break;  // linked once every function knows its module
  }
  table_index_.push_back(index);
}

void Resolver::declare_once(const syn::Decl& d, std::optional<SourceLoc>& first, std::string_view what) {
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
  // auto has no count of its own: it reports the count of the strategy that decided.
  if (!is_strategy_name(d.name.text) || d.name.text == "auto") {
    std::string names;
    for (std::string_view s : kStrategyNames) {
      if (s != "auto") names += (names.empty() ? "" : ", ") + std::string(s);
    }
    error(d.name.loc, fmt::format("unknown strategy '{}' in 'expect executions'; the strategies are: {}", d.name.text,
                                  names));
    return;
  }
  for (const ExpectedExecutions& e : program_.expected_executions) {
    if (e.strategy == d.name.text) {
      error(d.name.loc, fmt::format("more than one 'expect executions' for strategy '{}' (the first is at {})",
                                    e.strategy, at(e.loc)));
      return;
    }
  }
  program_.expected_executions.push_back(
      ExpectedExecutions{std::string(d.name.text), static_cast<uint64_t>(d.number), d.loc});
}

// Pass 2: the layout of each struct, its fields in order, a struct it embeds laid out first (one
// that embeds itself, directly or not, is an error).
void Resolver::layout_struct(uint32_t index) {
  if (layout_state_[index] == 2) return;
  if (program_.structs[index].builtin) {
    layout_state_[index] = 2;
    return;
  }
  StructDecl& s = program_.structs[index];
  if (layout_state_[index] == 1) {
    error(s.body_loc, fmt::format("struct {} contains itself", s.name));
    return;
  }
  layout_state_[index] = 1;
  const syn::Decl* d = struct_bodies_[index];
  uint64_t offset = 0;
  uint32_t depth = 1;
  if (d != nullptr) {
    for (const syn::Decl& f : d->fields) {
      TypeId type = scope_.type_of(f.type, fmt::format("field '{}' of struct {}", f.name.text, s.name));
      const Type& t = program_.types[type];
      if (t.kind == TypeKind::Void) {
        error(f.type.loc, fmt::format("field '{}' cannot be void", f.name.text));
        type = program_.types.int_type();
      }
      if (t.kind == TypeKind::Struct) {
        if (!program_.structs[t.target].complete) {
          error(f.type.loc, fmt::format("field '{}' embeds struct {}, which has no fields declared", f.name.text,
                                        program_.structs[t.target].name));
          type = program_.types.int_type();
        } else {
          layout_struct(t.target);
          depth = std::max(depth, nesting_[t.target] + 1);
        }
      }
      type = scope_.array_type(type, f.sizes);
      for (const Field& earlier : s.fields) {
        if (earlier.name == f.name.text) {
          error(f.name.loc, fmt::format("duplicate field '{}' in struct {} (first at {})", f.name.text, s.name,
                                        at(earlier.loc)));
        }
      }
      if (offset + program_.cells(type) > kMaxTypeCells) {
        error(f.name.loc, fmt::format("struct {} is too large: its fields up to '{}' take {} cells (the limit is {})",
                                      s.name, f.name.text, offset + program_.cells(type), kMaxTypeCells));
        break;
      }
      Field field{std::string(f.name.text), f.name.loc, type, static_cast<uint32_t>(offset), -1};
      scope_.note(f.name, NameUse{.kind = NameKind::Field, .index = static_cast<int32_t>(index),
                                  .field = static_cast<uint32_t>(s.fields.size()), .decl = f.name.loc});
      offset += program_.cells(type);
      s.fields.push_back(std::move(field));
    }
  }
  s.cells = static_cast<uint32_t>(offset);
  layout_state_[index] = 2;
  nesting_[index] = depth;
  if (depth == kMaxStructNesting + 1) {  // once, at the struct that passes the limit (those above inherit)
    error(s.body_loc, fmt::format("struct {} nests structs {} deep (struct in struct in ...); the limit is {}", s.name,
                                  depth, kMaxStructNesting));
  }
}

// Pass 3: the types of globals and functions, the sizes of thread arrays.
void Resolver::type_declaration(const syn::Decl& d) {
  const uint32_t index = table_index_[static_cast<size_t>(&d - tree_.decls.data())];
  Types& types = program_.types;
  switch (d.kind) {
    case DeclKind::Variable: {
      GlobalDecl& g = program_.globals[index];
      const std::size_t before = scope_.diags.reported();
      TypeId type = scope_.type_of(d.type, fmt::format("'{}'", d.name.text));
      const Type& t = types[type];
      if (t.kind == TypeKind::Void) {
        error(d.type.loc, fmt::format("'{}' cannot be void", d.name.text));
        type = types.int_type();
      } else if (t.kind == TypeKind::Struct && !program_.structs[t.target].complete) {
        error(d.type.loc, fmt::format("'{}' is a struct {}, which has no fields declared", d.name.text,
                                      program_.structs[t.target].name));
        type = types.int_type();
      }
      g.type = scope_.array_type(type, d.sizes);
      global_cells_ += program_.cells(g.type);
      if (global_cells_ > kMaxGlobalCells) {
        const uint64_t cells = program_.cells(g.type);
        error(d.name.loc, fmt::format("the globals take more than {} cells with '{}' ({} cell{})", kMaxGlobalCells,
                                      d.name.text, cells, cells == 1 ? "" : "s"));
        g.type = types.int_type();
      }
      g.poisoned = scope_.diags.reported() > before;
      break;
    }
    case DeclKind::Function: {
      if (!d.body) break;
      FunctionDecl& f = program_.functions[index];
      TypeId result = scope_.type_of(d.type, fmt::format("the result of '{}'", d.name.text));
      if (!types.is_scalar(result) && result != types.void_type()) {
        error(d.type.loc, fmt::format("function '{}' can return only void, an int or a pointer", d.name.text));
        result = types.int_type();
      }
      f.result = result;
      for (const syn::Param& p : d.params) {
        TypeId param = scope_.type_of(p.type, fmt::format("parameter '{}'", p.name.text));
        if (!types.is_scalar(param)) {
          error(p.type.loc, fmt::format("parameter '{}' must be an int or a pointer", p.name.text));
          param = types.int_type();
        }
        f.params.push_back(param);
      }
      break;
    }
    case DeclKind::Thread: {
      ThreadDecl& t = program_.threads[index];
      if (!d.sizes.empty()) {
        const auto n = scope_.evaluate(*d.sizes.front());
        if (n && (*n < 1 || *n > static_cast<int64_t>(kMaxArraySize))) {
          error(d.sizes.front()->loc,
                fmt::format("the number of threads must be between 1 and {}, not {}", kMaxArraySize, *n));
        } else if (n) {
          t.count = static_cast<uint32_t>(*n);
        }
      }
      thread_total_ += t.count == 0 ? 1 : t.count;
      if (thread_total_ > kMaxThreads) {
        error(d.sizes.empty() ? d.name.loc : d.sizes.front()->loc,
              fmt::format("the scenario has more than {} threads with '{}' ({} in all)", kMaxThreads, d.name.text,
                          thread_total_));
        thread_total_ = 0;  // one error is enough
      }
      break;
    }
    case DeclKind::Define: case DeclKind::Enum:
      for (uint32_t c = 0; c < scope_.constants.size(); ++c) (void)scope_.constant(c);
      break;
    default: break;
  }
}

}  // namespace detail

Program resolve(const syntax::Tree& tree, std::shared_ptr<const SourceFile> source, Diagnostics& diags,
                uint32_t prelude_line, bool record_names) {
  return detail::Resolver(tree, std::move(source), diags, prelude_line, record_names).run();
}

}  // namespace preempt::lang
