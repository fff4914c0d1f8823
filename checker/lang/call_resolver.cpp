// The resolver, calls: of the scenario's functions, through function pointers, and of builtins
// with their arguments checked against the letters of their row of ops.def.
#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"

namespace preempt::lang::detail {

namespace {

// The builtins an await condition may call: pure reads of one cell.
constexpr const char* kAwaitBuiltins = "atomic_read, completion_done, kref_read and refcount_read";

// Whether a parameter list matches a call's arguments; the message when not.
bool arity_ok(std::size_t given, std::size_t expected) { return given == expected; }
// A builtin's fixed arguments (`*` accepts any further ones).
std::size_t fixed_arguments(std::string_view letters) { return letters.find('*') == std::string_view::npos ? letters.size() : letters.find('*'); }

}  // namespace

bool BodyResolver::check_arity(const syn::Expr& e, std::string_view name, size_t expected) {
  if (arity_ok(e.args.size(), expected)) return true;
  error(e.loc, fmt::format("{} takes {}, but {} {} given", name, arguments(expected), e.args.size(),
                           e.args.size() == 1 ? "was" : "were"));
  return false;
}

// f(args), builtin(args), p->fn(args); as_value: the result is used, so the callee must return one.
ExprPtr BodyResolver::call(const syn::Expr& e, bool as_value) {
  const syn::Expr& callee = *e.operand;
  if (callee.kind != syn::ExprKind::Name) return pointer_call(e, value(callee), as_value);
  const std::string_view name = callee.name.text;
  if (const Binding* local = find_local(name)) {
    if (program_.types[slot_type(local->slot)].kind == TypeKind::Function) return pointer_call(e, expr(callee), as_value);
    error(e.loc, fmt::format("'{}' is a local {}, not a function", name,
                             program_.types.is_pointer(slot_type(local->slot)) ? "pointer" : "int"));
    return placeholder(e.loc);
  }
  const Global* g = find_global(name);
  if (g != nullptr) scope_.note(callee.name, *g);
  if (g != nullptr && g->kind == GlobalKind::Function) return user_call(e, *g, as_value);
  if (const syn::Expr* inner = g == nullptr ? transparent_macro(e) : nullptr) return expr(*inner);
  if (g == nullptr && name == "kfree_rcu") return kfree_rcu_call(e);
  if (g == nullptr && name == "wait_event") return wait_event_call(e, Builtin::WaitEvent, as_value);
  if (g == nullptr && name == "wait_event_interruptible") return wait_event_call(e, Builtin::WaitEventInterruptible, as_value);
  if (std::optional<Builtin> b = find_builtin(name); b && g == nullptr) return builtin_call(e, *b, as_value);
  if (g == nullptr) {
    error(e.loc, fmt::format("undeclared function '{}'", name));
    return placeholder(e.loc);
  }
  if (g->kind == GlobalKind::Variable && program_.types[program_.globals[g->index].type].kind == TypeKind::Function) {
    return pointer_call(e, expr(callee), as_value);
  }
  error(e.loc, fmt::format("'{}' is {}, not a function", name, scope_.describe(*g)));
  return placeholder(e.loc);
}

ExprPtr BodyResolver::user_call(const syn::Expr& e, const Global& g, bool as_value) {
  const FunctionDecl& f = program_.functions[g.index];
  if (in_await_) {
    error(e.loc, fmt::format("an await condition cannot call function '{}': only {} may be called in it", f.name,
                             kAwaitBuiltins));
    return placeholder(e.loc);
  }
  if (as_value && !f.returns_value()) {
    error(e.loc, fmt::format("'{}' is a void function; it has no value to use", f.name));
    return placeholder(e.loc);
  }
  if (!check_arity(e, f.name, f.params.size())) return placeholder(e.loc);
  ExprPtr r = new_expr(ExprKind::CallUser, e.loc);
  r->decl = static_cast<int32_t>(g.index);
  r->type = f.result;
  for (std::size_t i = 0; i < e.args.size(); ++i) {
    if (e.args[i]->kind == syn::ExprKind::String && program_.in_prelude(f.loc) && program_.types.is_pointer(f.params[i])) {
      ExprPtr name = new_expr(ExprKind::Null, e.args[i]->loc);  // a file's name, as debugfs_create_file takes it
      name->type = f.params[i];
      r->args.push_back(std::move(name));
      continue;
    }
    r->args.push_back(value_as(*e.args[i], f.params[i], fmt::format("argument {} of {}", i + 1, f.name)));
  }
  return finish(std::move(r));
}

ExprPtr BodyResolver::pointer_call(const syn::Expr& e, ExprPtr callee, bool as_value) {
  const Type& t = program_.types[callee->type];
  const std::string shown = text_of(*e.operand);
  if (t.kind != TypeKind::Function) {
    error(e.loc, fmt::format("{} is {}, not a function", shown, scope_.type_name(callee->type)));
    return placeholder(e.loc);
  }
  if (in_await_) {
    error(e.loc, "an await condition cannot call a function");
    return placeholder(e.loc);
  }
  const Signature signature = program_.types.signature(t.target);
  if (as_value && signature.result == program_.types.void_type()) {
    error(e.loc, fmt::format("{} points to a void function; it has no value to use", shown));
    return placeholder(e.loc);
  }
  if (!check_arity(e, shown, signature.params.size())) return placeholder(e.loc);
  ExprPtr r = new_expr(ExprKind::CallPointer, e.loc);
  r->operand = std::move(callee);
  r->type = signature.result;
  for (std::size_t i = 0; i < e.args.size(); ++i) {
    r->args.push_back(value_as(*e.args[i], signature.params[i], fmt::format("argument {} of {}", i + 1, shown)));
  }
  return finish(std::move(r));
}

ExprPtr BodyResolver::builtin_call(const syn::Expr& e, Builtin builtin, bool as_value) {
  const preempt::OpInfo& info = op_info(builtin);
  if (in_await_ && builtin != Builtin::AtomicRead && builtin != Builtin::CompletionDone &&
      builtin != Builtin::KrefRead && builtin != Builtin::RefcountRead) {
    error(e.loc, fmt::format("an await condition cannot call {}: only {} may be called in it", info.name, kAwaitBuiltins));
    return placeholder(e.loc);
  }
  if (as_value && !info.returns_value) {
    error(e.loc, fmt::format("{} returns no value; it cannot be used in an expression", info.name));
    return placeholder(e.loc);
  }
  const std::size_t fixed = fixed_arguments(info.args);
  const bool variadic = fixed != info.args.size();
  if (!(variadic && e.args.size() >= fixed) && !check_arity(e, info.name, fixed)) return placeholder(e.loc);
  ExprPtr r = new_expr(ExprKind::CallBuiltin, e.loc);
  r->builtin = builtin;
  r->type = info.returns_value ? program_.types.int_type() : program_.types.void_type();
  std::size_t object = 0;  // the object argument, for a release method's check
  for (size_t i = 0; i < e.args.size(); ++i) {
    const syn::Expr& arg = *e.args[i];
    if (i >= fixed) {  // ignored (a name's format arguments, flags): still checked
      if (arg.kind != syn::ExprKind::String) (void)value(arg);
      continue;
    }
    const char letter = info.args[i];
    if (letter == 'q' || letter == 'Q' || letter == 'P') {
      r->args.push_back(kernel_pointer_argument(arg, letter, info.name));
    } else if (letter == 'F') {
      r->args.push_back(thread_function_argument(arg, info.name));
    } else if (letter == 'a') {
      r->args.push_back(value(arg));  // any scalar: a kthread's data
    } else if (letter == 'D') {
      r->args.push_back(module_argument(arg, info.name));
      // A module that a load_module call names starts not loaded (scenario-language.md, 4.6).
      const Expr& m = *r->args.back();
      if (builtin == Builtin::LoadModule && m.kind == ExprKind::ModuleRef && m.decl >= 0 &&
          arg.kind == syn::ExprKind::Name && arg.name.text != "THIS_MODULE") {
        program_.modules[static_cast<size_t>(m.decl)].loaded_by_call = true;
      }
    } else if (std::optional<ObjectKind> kind = object_kind_of_letter(letter); kind || letter == 'I') {
      object = i;
      r->args.push_back(object_argument(arg, kind.value_or(ObjectKind::Int), info.name));
    } else if (letter == 'z') {
      r->args.push_back(sizeof_argument(arg, info.name));
      r->poisoned |= r->args.back()->poisoned;  // the allocated type is unknown
      if (r->args.back()->kind == ExprKind::SizeOf) r->type = program_.types.pointer_to(static_cast<uint32_t>(r->args.back()->decl));
    } else if (builtin == Builtin::RequestThreadedIrq && i <= 2 && arg.kind == syn::ExprKind::Name &&
               arg.name.text == "NULL" && find_local(arg.name.text) == nullptr) {
      r->args.push_back(value(arg));  // no primary handler (the default one wakes the thread), or no thread
    } else if ((letter == 'f' && info.family == OpFamily::Irq) || (builtin == Builtin::RequestThreadedIrq && i == 2)) {
      r->args.push_back(irq_handler_argument(arg, info.name));
    } else if (letter == 'f') {
      r->args.push_back(function_argument(arg, info.name, r->args[object]));
    } else if (letter == 'p') {
      ExprPtr p = expr(arg);  // not value(): a struct gets this message, not "expected an int value"
      const TypeKind type_kind = program_.types[p->type].kind;
      if (!p->poisoned && type_kind != TypeKind::Pointer) {
        error(arg.loc, fmt::format("{} expects a pointer to a struct, but {} is {}", info.name, text_of(arg),
                                   type_kind == TypeKind::Struct ? scope_.describe_type(p->type) : scope_.type_name(p->type)));
      }
      r->args.push_back(std::move(p));
    } else if (letter == 's') {
      if (arg.kind != syn::ExprKind::String) {
        error(arg.loc, fmt::format("{} expects a name (a string literal), but got an expression", info.name));
      }
      ExprPtr s = new_expr(ExprKind::String, arg.loc);
      s->text = arg.text;
      r->args.push_back(std::move(s));
    } else {
      r->args.push_back(int_value(arg));
    }
  }
  const OpFamily family = info.family;
  if (family == OpFamily::Work || family == OpFamily::Timer || family == OpFamily::Tasklet || family == OpFamily::Rcu ||
      family == OpFamily::Kthread || family == OpFamily::Irq) {
    program_.deferred = true;
  }
  if (family == OpFamily::Irq) program_.interrupts = true;
  // The builtins that queue on or flush the system workqueue name it without an argument.
  if (builtin == Builtin::ScheduleWork || builtin == Builtin::ScheduleDelayedWork ||
      builtin == Builtin::FlushScheduledWork) {
    (void)system_workqueue(e.loc);
  }
  // The pointers the workqueue and kthread builtins return.
  if (builtin == Builtin::AllocWorkqueue || builtin == Builtin::AllocOrderedWorkqueue) {
    r->type = program_.types.pointer_to(scope_.kernel_struct("workqueue_struct"));
  } else if (builtin == Builtin::KthreadRun || builtin == Builtin::KthreadCreate) {
    r->type = program_.types.pointer_to(scope_.kernel_struct("task_struct"));
  }
  return finish(std::move(r));
}

// An object argument (K C M S R T, or I for an int): an object of `kind`, written as its place
// (`dm_kobj`, `k[i]`, `p->ref`, `cfg.lock`) or with `&` before it, as kernel code does.
ExprPtr BodyResolver::object_argument(const syn::Expr& arg, ObjectKind kind, std::string_view builtin) {
  const bool is_int = kind == ObjectKind::Int;
  const std::string wanted = is_int ? "a shared int" : fmt::format("a {}", spelling(kind));
  const syn::Expr& place = arg.kind == syn::ExprKind::AddressOf ? *arg.operand : arg;
  const bool named = place.kind == syn::ExprKind::Name;
  const std::string shown = named ? fmt::format("'{}'", place.name.text) : text_of(place);
  if (place.kind != syn::ExprKind::Name && place.kind != syn::ExprKind::Member && place.kind != syn::ExprKind::Index &&
      place.kind != syn::ExprKind::Deref) {
    error(arg.loc, fmt::format("{} expects {}, but got an expression", builtin, wanted));
    return placeholder(arg.loc);
  }
  if (named && find_local(place.name.text) != nullptr) {
    error(arg.loc, fmt::format("{} expects {}, but {} is a local {}", builtin, wanted, shown,
                               program_.types.is_pointer(slot_type(find_local(place.name.text)->slot)) ? "pointer" : "int"));
    return placeholder(arg.loc);
  }
  if (named && find_global(place.name.text) == nullptr && place.name.text != "NULL") {
    error(arg.loc, fmt::format("undeclared name '{}'", place.name.text));
    return placeholder(arg.loc);
  }
  if (named && find_global(place.name.text) != nullptr && find_global(place.name.text)->kind != GlobalKind::Variable) {
    error(arg.loc, fmt::format("{} expects {}, but {} is {}", builtin, wanted, shown,
                               scope_.describe(*find_global(place.name.text))));
    return placeholder(arg.loc);
  }
  const std::size_t before = scope_.diags.reported();
  ExprPtr r = expr(place);
  if (scope_.diags.reported() > before) return placeholder(arg.loc);
  const Type& t = program_.types[r->type];
  const bool matches = is_int ? (t.kind == TypeKind::Int || (t.kind == TypeKind::Object && t.object == ObjectKind::Int))
                              : (t.kind == TypeKind::Object && t.object == kind);
  if (matches && is_place(*r) && r->kind != ExprKind::Local) return r;
  if (t.kind == TypeKind::Array) {
    const Type& element = program_.types[t.target];
    const bool element_matches =
        is_int ? element.kind == TypeKind::Int : (element.kind == TypeKind::Object && element.object == kind);
    if (element_matches) {
      error(arg.loc, fmt::format("{} expects {}, but {} is {}; use an element: {}[i]", builtin, wanted, shown,
                                 scope_.describe_type(r->type), named ? place.name.text : std::string_view(shown)));
      return placeholder(arg.loc);
    }
  }
  error(arg.loc, fmt::format("{} expects {}, but {} is {}", builtin, wanted, shown, scope_.describe_type(r->type)));
  return placeholder(arg.loc);
}

// A module argument (D): a module's name, THIS_MODULE, NULL, or a struct module * value.
ExprPtr BodyResolver::module_argument(const syn::Expr& arg, std::string_view builtin) {
  const std::size_t before = scope_.diags.reported();
  if (arg.kind == syn::ExprKind::Name && find_local(arg.name.text) == nullptr) {
    const Global* g = find_global(arg.name.text);
    if (g != nullptr && g->kind != GlobalKind::Module &&
        !(g->kind == GlobalKind::Variable && program_.globals[g->index].type == program_.types.module_type())) {
      error(arg.loc, fmt::format("{} expects a module, but '{}' is {}", builtin, arg.name.text, scope_.describe(*g)));
      return placeholder(arg.loc);
    }
  }
  ExprPtr r = value(arg);
  if (scope_.diags.reported() > before) return placeholder(arg.loc);
  if (convert(r, program_.types.module_type())) return r;
  error(arg.loc, fmt::format("{} expects a module, but {} is {}", builtin, text_of(arg), scope_.type_name(r->type)));
  return placeholder(arg.loc);
}

// A builtin's function argument (a release method, a thread function, an interrupt handler): the
// index of the scenario's function it names, or -1, said as "BUILTIN expects the name of WHAT".
int32_t BodyResolver::named_function(const syn::Expr& arg, std::string_view builtin, std::string_view what) {
  const Global* g = arg.kind == syn::ExprKind::Name ? find_global(arg.name.text) : nullptr;
  if (g != nullptr) scope_.note(arg.name, *g);
  if (g == nullptr || g->kind != GlobalKind::Function) {
    error(arg.loc, fmt::format("{} expects the name of {}, but got {}", builtin, what, text_of(arg)));
    return -1;
  }
  return static_cast<int32_t>(g->index);
}

// Function `index` as a value. It is address-taken: the access summary counts it among the
// callees of the builtins that run it later (kref_put's release, a context's function).
ExprPtr BodyResolver::function_ref(SourceLoc loc, int32_t index) {
  FunctionDecl& f = program_.functions[static_cast<size_t>(index)];
  f.address_taken = true;
  ExprPtr r = new_expr(ExprKind::FunctionRef, loc);
  r->decl = index;
  r->type = program_.types.function_pointer(Signature{f.result, f.params});
  return r;
}

// A release method (f): the name of a function of the right signature.
ExprPtr BodyResolver::function_argument(const syn::Expr& arg, std::string_view builtin, const ExprPtr& object) {
  const int32_t index = named_function(arg, builtin, "a release function");
  if (index < 0) return placeholder(arg.loc);
  check_release(arg, index, object, builtin);
  return function_ref(arg.loc, index);
}

// A release method receives the struct that holds the object (no container_of), or nothing for a
// global object.
void BodyResolver::check_release(const syn::Expr& arg, int32_t function, const ExprPtr& object,
                                 std::string_view builtin) {
  const FunctionDecl& f = program_.functions[static_cast<size_t>(function)];
  // The struct holding the object: the operand of the innermost Field, through array elements.
  const Expr* e = object.get();
  while (e != nullptr && e->kind == ExprKind::Index) e = e->operand.get();
  if (e != nullptr && e->kind == ExprKind::Field) {
    const uint32_t holder = program_.types[e->operand->type].target;
    const TypeId wanted = program_.types.pointer_to(holder);
    if (f.returns_value() || f.params.size() != 1 ||
        (f.params[0] != wanted && f.params[0] != program_.types.pointer_to(kVoidStruct))) {
      error(arg.loc, fmt::format("release function '{}' of {} must be void and take the struct that holds it: void "
                                 "{}(struct {} *)",
                                 f.name, builtin, f.name, program_.structs[holder].name));
    }
    return;
  }
  if (f.returns_value() || !f.params.empty()) {
    error(arg.loc, fmt::format("release function '{}' of {} on a global object must be void and take no parameters",
                               f.name, builtin));
  }
}

// kmalloc's and kzalloc's size (z): sizeof(struct NAME) or sizeof(*p) (p a struct pointer).
ExprPtr BodyResolver::sizeof_argument(const syn::Expr& arg, std::string_view builtin) {
  uint32_t decl = 0;
  bool found = false;
  if (arg.kind == syn::ExprKind::SizeofType) {
    const std::size_t before = scope_.diags.reported();
    const TypeId type = scope_.type_of(*arg.type, "sizeof");
    if (scope_.diags.reported() > before) return placeholder(arg.loc);  // an unknown struct
    const Type& t = program_.types[type];
    if (t.kind == TypeKind::Struct) {
      decl = t.target;
      found = true;
    } else if (t.kind != TypeKind::Int || arg.type->base != syn::TypeSyntax::Base::Int) {
      error(arg.loc, fmt::format("{} allocates structs: sizeof(struct NAME), not sizeof({})", builtin,
                                 scope_.type_name(type)));
      return placeholder(arg.loc);
    }
  } else if (const syn::Expr* op = arg.operand.get();
             arg.kind == syn::ExprKind::SizeofExpr && op->kind == syn::ExprKind::Deref &&
             op->operand->kind == syn::ExprKind::Name && !declaring_name_.empty() &&
             op->operand->name.text == declaring_name_ && program_.types.is_pointer(declaring_type_) &&
             program_.types[declaring_type_].kind == TypeKind::Pointer) {
    decl = program_.types[declaring_type_].target;  // sizeof(*p) in p's own initialiser
    found = decl != kVoidStruct;
  } else if (arg.kind == syn::ExprKind::SizeofExpr) {
    const std::size_t before = scope_.diags.reported();
    ExprPtr e = expr(*arg.operand);
    if (scope_.diags.reported() > before) return placeholder(arg.loc);
    const Type& t = program_.types[e->type];
    if (t.kind == TypeKind::Struct) {
      decl = t.target;
      found = true;
    }
  }
  if (!found) {
    error(arg.loc, fmt::format("{} needs the size of a struct: sizeof(struct NAME) or sizeof(*p)", builtin));
    return placeholder(arg.loc);
  }
  if (!program_.structs[decl].complete) {
    error(arg.loc, fmt::format("{} of struct {}, which has no fields declared", builtin, program_.structs[decl].name));
    return placeholder(arg.loc);
  }
  ExprPtr r = new_expr(ExprKind::SizeOf, arg.loc);
  r->decl = static_cast<int32_t>(decl);
  return r;
}

}  // namespace preempt::lang::detail
