// The resolver, deferred execution: the kernel's structs that the language provides (struct
// workqueue_struct, struct task_struct), the system workqueues, the pointer and thread-function
// arguments of the workqueue and kthread builtins, kfree_rcu(p, field), and the kernel's macros that
// only pass their argument on (rcu_dereference(p), READ_ONCE(x), msecs_to_jiffies(ms)) or assign
// (rcu_assign_pointer(p, v), WRITE_ONCE(x, v)), and wait_event(wq, cond), whose condition is code.
// A scenario's own function of one of these names is called instead, as for every builtin.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"

namespace preempt::lang::detail {

namespace {

constexpr std::array<std::string_view, 12> kTransparent = {
    "rcu_dereference",  "rcu_dereference_protected", "rcu_dereference_check", "rcu_dereference_raw",
    "rcu_access_pointer", "READ_ONCE",               "msecs_to_jiffies",      "usecs_to_jiffies",
    "nsecs_to_jiffies", "round_jiffies",             "round_jiffies_relative", "data_race"};
constexpr std::array<std::string_view, 4> kAssigning = {"rcu_assign_pointer", "RCU_INIT_POINTER", "WRITE_ONCE",
                                                        "rcu_replace_pointer"};
constexpr std::array<std::string_view, 6> kSystemWorkqueues = {
    "system_wq", "system_long_wq", "system_unbound_wq", "system_highpri_wq", "system_freezable_wq",
    "system_power_efficient_wq"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace

bool is_kernel_struct(std::string_view name) { return name == "workqueue_struct" || name == "task_struct"; }

bool is_system_workqueue(std::string_view name) { return one_of(kSystemWorkqueues, name); }

uint32_t Scope::kernel_struct(std::string_view name) {
  if (!is_kernel_struct(name)) return kNone;
  const std::string_view key = name == "task_struct" ? std::string_view("task_struct") : "workqueue_struct";
  auto it = structs.find(key);
  if (it != structs.end() && program.structs[it->second].complete) return it->second;
  uint32_t index = 0;
  if (it == structs.end()) {
    index = static_cast<uint32_t>(program.structs.size());
    structs.emplace(key, index);
    program.structs.push_back(StructDecl{std::string(key), SourceLoc{}});
  } else {
    index = it->second;  // `struct task_struct;` declared: the language completes it
  }
  StructDecl& s = program.structs[index];
  s.complete = true;
  s.builtin = true;
  s.fields.clear();
  const TypeId int_type = program.types.int_type();
  if (key == "task_struct") {
    // models/kthread.cpp: woken, should_stop, exited, result, the function, its data
    const std::array<std::string_view, 5> ints = {"__woken", "__should_stop", "__exited", "__result", "__threadfn"};
    for (std::string_view f : ints) s.fields.push_back(Field{std::string(f), {}, int_type, s.cells++, -1});
    s.fields.push_back(Field{"__data", {}, program.types.pointer_to(kVoidStruct), s.cells++, -1});
  } else {
    s.fields.push_back(Field{"__active", {}, int_type, s.cells++, -1});  // items pending or running
  }
  return index;
}

ExprPtr BodyResolver::system_workqueue(SourceLoc loc) {
  const uint32_t type = scope_.kernel_struct("workqueue_struct");
  // One hidden global for the whole program, whichever body names it first.
  for (std::size_t g = 0; g < program_.globals.size() && system_wq_global_ < 0; ++g) {
    if (program_.globals[g].name == "system_wq" && program_.globals[g].type == program_.types.struct_type(type)) {
      system_wq_global_ = static_cast<int32_t>(g);
    }
  }
  if (system_wq_global_ < 0) {
    system_wq_global_ = static_cast<int32_t>(program_.globals.size());
    GlobalDecl g;
    g.name = "system_wq";
    g.type = program_.types.struct_type(type);
    program_.globals.push_back(std::move(g));
  }
  ExprPtr place = new_expr(ExprKind::Global, loc);
  place->decl = system_wq_global_;
  place->type = program_.types.struct_type(type);
  place->text = "system_wq";
  ExprPtr r = new_expr(ExprKind::AddressOf, loc);
  r->type = program_.types.pointer_to(type);
  r->operand = std::move(place);
  return finish(std::move(r));
}

ExprPtr BodyResolver::kernel_pointer_argument(const syn::Expr& arg, char letter, std::string_view builtin) {
  const std::size_t before = scope_.diags.reported();
  ExprPtr r = value(arg);
  if (scope_.diags.reported() > before) return placeholder(arg.loc);
  const char* wanted = letter == 'P' ? "task_struct" : "workqueue_struct";
  const Type& t = program_.types[r->type];
  const bool pointer = t.kind == TypeKind::Pointer && t.target != kVoidStruct;
  if (!pointer || program_.structs[t.target].name != wanted) {
    error(arg.loc, fmt::format("{} expects a struct {} *, but {} is {}", builtin, wanted, text_of(arg),
                               scope_.type_name(r->type)));
    return placeholder(arg.loc);
  }
  return r;
}

// A kthread's function: int fn(void *data), or one taking the type of its data, or nothing.
ExprPtr BodyResolver::thread_function_argument(const syn::Expr& arg, std::string_view builtin) {
  const int32_t index = named_function(arg, builtin, "a thread function");
  if (index < 0) return placeholder(arg.loc);
  const FunctionDecl& f = program_.functions[static_cast<size_t>(index)];
  if (f.params.size() > 1 || (f.params.size() == 1 && !program_.types.is_scalar(f.params[0]))) {
    error(arg.loc, fmt::format("thread function '{}' of {} must take one pointer (its data) or nothing", f.name,
                               builtin));
  }
  return function_ref(arg.loc, index);
}

// request_irq's handler (f): the kernel's irqreturn_t handler(int irq, void *dev_id), or one that
// takes only the line's number, or nothing; its result is not looked at.
ExprPtr BodyResolver::irq_handler_argument(const syn::Expr& arg, std::string_view builtin) {
  const int32_t index = named_function(arg, builtin, "an interrupt handler");
  if (index < 0) return placeholder(arg.loc);
  const FunctionDecl& f = program_.functions[static_cast<size_t>(index)];
  const auto is_int = [&](TypeId t) { return program_.types[t].kind == TypeKind::Int; };
  const auto is_pointer = [&](TypeId t) { return program_.types[t].kind == TypeKind::Pointer; };
  const bool fits = f.params.empty() || (f.params.size() == 1 && is_int(f.params[0])) ||
                    (f.params.size() == 2 && is_int(f.params[0]) && is_pointer(f.params[1]));
  if (!fits) {
    error(arg.loc, fmt::format("interrupt handler '{}' of {} must take (int irq, void *dev_id), (int irq) or nothing",
                               f.name, builtin));
  }
  return function_ref(arg.loc, index);
}

// kfree_rcu(p, field): the rcu_head `field` of the object p points to.
ExprPtr BodyResolver::kfree_rcu_call(const syn::Expr& e) {
  if (e.args.size() != 2 || e.args[1]->kind != syn::ExprKind::Name) {
    error(e.loc, "kfree_rcu takes a pointer and the name of its struct rcu_head field: kfree_rcu(p, rcu)");
    return placeholder(e.loc);
  }
  const std::size_t before = scope_.diags.reported();
  ExprPtr pointer = value(*e.args[0]);
  if (scope_.diags.reported() > before) return placeholder(e.loc);
  const Type& t = program_.types[pointer->type];
  if (t.kind != TypeKind::Pointer || t.target == kVoidStruct) {
    error(e.args[0]->loc, fmt::format("kfree_rcu expects a pointer to a struct, but {} is {}", text_of(*e.args[0]),
                                      scope_.type_name(pointer->type)));
    return placeholder(e.loc);
  }
  const StructDecl& s = program_.structs[t.target];
  const std::string_view name = e.args[1]->name.text;
  const auto field = std::find_if(s.fields.begin(), s.fields.end(), [&](const Field& f) { return f.name == name; });
  if (field == s.fields.end() || program_.types[field->type].kind != TypeKind::Object ||
      program_.types[field->type].object != ObjectKind::RcuHead) {
    error(e.args[1]->loc, fmt::format("struct {} has no struct rcu_head field '{}'", s.name, name));
    return placeholder(e.loc);
  }
  ExprPtr base = new_expr(ExprKind::Deref, e.loc);
  base->operand = std::move(pointer);
  base->type = program_.types.struct_type(t.target);
  ExprPtr place = new_expr(ExprKind::Field, e.loc);
  place->operand = finish(std::move(base));
  place->field = static_cast<uint32_t>(field - s.fields.begin());
  place->type = field->type;
  place->text = fmt::format("{}->{}", text_of(*e.args[0]), name);
  program_.deferred = true;
  ExprPtr r = new_expr(ExprKind::CallBuiltin, e.loc);
  r->builtin = Builtin::KfreeRcu;
  r->type = program_.types.void_type();
  r->args.push_back(finish(std::move(place)));
  return finish(std::move(r));
}

// The source text of a call's second argument ("done == 1" in `wait_event(wq, done == 1)`); the
// argument's own text, cut, when the call goes on past its line.
std::string BodyResolver::second_argument_text(const syn::Expr& call) const {
  const std::string_view line = program_.source_line(call.loc.line);
  const std::size_t open = call.loc.col == 0 ? std::string_view::npos : line.find('(', call.loc.col - 1);
  int depth = 0;
  std::size_t comma = std::string_view::npos;
  for (std::size_t i = open; open != std::string_view::npos && i < line.size(); ++i) {
    const char c = line[i];
    if (c == '(' || c == '[') ++depth;
    if (c == ',' && depth == 1 && comma == std::string_view::npos) comma = i;
    if ((c == ')' || c == ']') && --depth == 0) {
      if (comma == std::string_view::npos) break;
      std::string_view text = line.substr(comma + 1, i - comma - 1);
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      return std::string(text);
    }
  }
  return text_of(*call.args[1]);
}

// wait_event(wq, cond): the wait queue head by name (`&wq` is accepted too), and any condition,
// evaluated by the waiter with ordinary steps (the compiler builds the kernel's ___wait_event loop
// around it: compile_expr.cpp).
ExprPtr BodyResolver::wait_event_call(const syn::Expr& e, Builtin builtin, bool as_value) {
  const preempt::OpInfo& info = op_info(builtin);
  if (in_await_) {
    error(e.loc, fmt::format("an await condition cannot call {}", info.name));
    return placeholder(e.loc);
  }
  if (as_value && !info.returns_value) {
    error(e.loc, fmt::format("{} returns no value; it cannot be used in an expression", info.name));
    return placeholder(e.loc);
  }
  if (e.args.size() != 2) {
    error(e.loc, fmt::format("{} takes a wait queue head and a condition: {}(wq, cond)", info.name, info.name));
    return placeholder(e.loc);
  }
  ExprPtr r = new_expr(ExprKind::CallBuiltin, e.loc);
  r->builtin = builtin;
  r->type = info.returns_value ? program_.types.int_type() : program_.types.void_type();
  r->args.push_back(object_argument(*e.args[0], ObjectKind::WaitQueue, info.name));
  r->cond = condition(*e.args[1]);
  r->text = second_argument_text(e);
  return finish(std::move(r));
}

const syn::Expr* BodyResolver::transparent_macro(const syn::Expr& call) const {
  const std::string_view name = call.operand->name.text;
  if (!one_of(kTransparent, name) || call.args.empty()) return nullptr;
  return call.args[0].get();
}

StmtPtr BodyResolver::assign_macro(const syn::Stmt& s) {
  const syn::Expr& e = *s.value;
  if (e.kind != syn::ExprKind::Call || e.operand->kind != syn::ExprKind::Name) return nullptr;
  const std::string_view name = e.operand->name.text;
  if (!one_of(kAssigning, name) || find_global(name) != nullptr || find_local(name) != nullptr) return nullptr;
  if (e.args.size() < 2) {
    error(e.loc, fmt::format("{} takes 2 arguments, but {} {} given", name, e.args.size(),
                             e.args.size() == 1 ? "was" : "were"));
    return new_stmt(StmtKind::Block, s.loc);
  }
  StmtPtr r = new_stmt(StmtKind::Assign, s.loc);
  r->assign_op = AssignOp::Set;
  r->target = lvalue(*e.args[0]);
  r->value = value_as(*e.args[1], r->target->type, fmt::format("the value assigned to {}", text_of(*e.args[0])));
  return r;
}

}  // namespace preempt::lang::detail
