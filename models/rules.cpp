// The kernel's rules about what a thread may do, checked around the steps: no code of an
// unloaded module runs, nothing sleeps in atomic context, no thread ends holding a lock.
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {

// The module of `f`'s code when it is unloaded, kNone otherwise.
ModuleId unloaded(const StepContext& ctx, FunctionId f) {
  const Addr status = ctx.layout.code_status(f);
  if (status == kNoAddr || !module_absent(ctx.store.get(status))) return kNone;
  return ctx.layout.module_of(f);
}

// Whether the step's target may be gone: a heap object's cell, or module data (the common case, a
// global that is not module data, is decided here without a call).
bool may_be_gone(const Op& op, const OpInfo& info, const StepContext& ctx) {
  if ((info.reads | info.writes) == 0 || info.family == OpFamily::Heap) return false;
  // A callback may free the object that holds its work item, timer or rcu_head: the kernel does not
  // touch the object once the callback returns (process_one_work, call_timer_fn, rcu_do_batch).
  if (is_context_done(op.kind)) return false;
  return is_heap(op.target.addr) || ctx.layout.has_module_data();
}

// The step that passes an await reads what its condition reads: a use-after-free when that is gone.
bool check_await_reads(const Op& op, const StepContext& ctx, StepEffect& effect) {
  const AwaitGuard* guard = op.guard();
  if (guard == nullptr || (ctx.store.heap().empty() && !ctx.layout.has_module_data())) return false;
  Op read = op;
  read.kind = OpKind::Read;
  if (!guard->reads_gone(ctx.store, &read.target.addr, &read.expr)) return false;
  return check_alive(read, ctx, effect);
}

// A step on a gone object (check_alive), or an await whose condition reads one.
bool check_gone(const Op& op, const OpInfo& info, const StepContext& ctx, StepEffect& effect) {
  if (op.kind == OpKind::Await) return check_await_reads(op, ctx, effect);
  return may_be_gone(op, info, ctx) && check_alive(op, ctx, effect);
}

bool report(const StepContext& ctx, ModuleId m, const std::string& what, StepEffect& effect) {
  effect.fail(ViolationKind::UnloadedCode,
              fmt::format("{} {}: code of module {}, {}", ctx.names.thread_name(ctx.thread), what,
                          ctx.layout.modules[m].name, module_gone_words(ctx.store, ctx.layout.modules[m].addr + 1)));
  effect.module = m;
  return true;
}

// A sleeping operation in atomic context: under a spinlock, in an RCU read-side section, in a
// timer or RCU callback (softirq context), in an interrupt handler (hardirq context).
bool sleeps_in_atomic(const Op& op, const StepContext& ctx, StepEffect& effect) {
  const char* where = ctx.kernel.spinlocks > 0 ? "while holding a spinlock"
                      : ctx.kernel.rcu > 0     ? "inside an RCU read-side section"
                      : ctx.kernel.softirq > 1 ? "in hardirq context (an interrupt handler)"
                                               : "in softirq context (a timer or RCU callback)";
  effect.fail(ViolationKind::SleepInAtomic,
              fmt::format("{} calls {} {}", ctx.names.thread_name(ctx.thread), op_name(op.kind), where));
  return true;
}

}  // namespace

// Every step that executes code of an unloaded module is a violation: the code of the step's own
// function, the callee of a call, the caller a return lands in.
bool check_step(const Op& op, const Op* previous, const StepContext& ctx, StepEffect& effect) {
  const OpInfo& info = op_info(op.kind);
  // The common case first, without building any words: no code the step runs is unloaded.
  if (unloaded(ctx, op.location) == kNone && unloaded(ctx, op.other) == kNone) {
    if (check_gone(op, info, ctx, effect)) return true;
    if (!ctx.kernel.atomic() || !may_sleep(info, op.arg1)) return false;
    return sleeps_in_atomic(op, ctx, effect);
  }
  const ModelLayout& layout = ctx.layout;
  const std::string where = layout.function_name(op.location);
  // The thread resumes in its module function after a primitive returned: say so, as the kernel
  // would crash there ("complete() returns into dm_kobject_release").
  const bool resumed = previous != nullptr && returns_from_primitive(*previous, op);
  switch (info.control) {
    case Control::Call:
      if (ModuleId m = unloaded(ctx, op.location); m != kNone) {
        return report(ctx, m, fmt::format("calls {} from {}", layout.function_name(op.other), where), effect);
      }
      if (ModuleId m = unloaded(ctx, op.other); m != kNone) {
        return report(ctx, m, fmt::format("calls {}", layout.function_name(op.other)), effect);
      }
      break;
    case Control::Return: case Control::End:
      if (ModuleId m = unloaded(ctx, op.location); m != kNone) {
        return report(ctx, m, fmt::format("returns {} {}", resumed ? "into" : "from", where), effect);
      }
      if (ModuleId m = unloaded(ctx, op.other); m != kNone) {
        return report(ctx, m, fmt::format("returns into {}", layout.function_name(op.other)), effect);
      }
      break;
    default:
      if (ModuleId m = unloaded(ctx, op.location); m != kNone) {
        return report(ctx, m,
                      resumed ? fmt::format("returns into {}", where)
                              : fmt::format("executes {} in {}", op_name(op.kind), where),
                      effect);
      }
      break;
  }
  if (check_gone(op, info, ctx, effect)) return true;
  if (ctx.kernel.atomic() && may_sleep(info, op.arg1)) return sleeps_in_atomic(op, ctx, effect);
  return false;
}

bool check_call(FunctionId callee, const StepContext& ctx, StepEffect& effect) {
  if (ModuleId m = unloaded(ctx, callee); m != kNone) {
    return report(ctx, m, fmt::format("calls {}", ctx.layout.function_name(callee)), effect);
  }
  return false;
}

bool check_exit(const StepContext& ctx, StepEffect& effect) {
  if (ctx.kernel.rcu > 0) {
    effect.fail(ViolationKind::LockMisuse, fmt::format("{} exits inside an RCU read-side section (rcu_read_lock "
                                                       "without rcu_read_unlock)",
                                                       ctx.names.thread_name(ctx.thread)));
    return true;
  }
  if (ctx.kernel.locks == 0) return false;
  const std::int64_t mine = owner_cell(ctx.thread);
  for (const ObjectKind kind : {ObjectKind::Mutex, ObjectKind::Spinlock}) {  // mutexes are named first
    for (const ObjectGroup& group : ctx.layout.groups) {
      if (group.kind != kind) continue;
      for (std::uint32_t i = 0; i < (group.size == 0 ? 1 : group.size); ++i) {
        const Addr addr = ctx.layout.element(group, i);
        if (ctx.store.get(addr) != mine) continue;
        effect.fail(ViolationKind::LockMisuse,
                    fmt::format("{} exits holding {} {}", ctx.names.thread_name(ctx.thread),
                                kind == ObjectKind::Mutex ? "mutex" : "spinlock", ctx.layout.object_name({kind, addr})));
        return true;
      }
    }
  }
  return false;
}

}  // namespace preempt::models
