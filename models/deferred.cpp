// Deferred execution: work items and workqueues (kernel/workqueue.c), timers (kernel/time/timer.c)
// and RCU callbacks (kernel/rcu/tree.c), as the lifetime races need them. Each deferred object has
// cells 0 pending, 1 running, 2 its function (FunctionId + 1), 3 whether the engine has started its
// context, 4 a per-kind cell (object_kinds.def). The first time an object becomes pending, the step
// asks the engine for its context (StepEffect::start): a thread that waits until the object is
// pending, runs its function with the struct that holds the object, and waits again. So an object
// never runs concurrently with itself, one queued twice before it runs runs once, and one queued
// again while it runs runs again after it returns. Time is abstract: a pending object may run at
// any later point. docs/models.md says why each abstraction is sound for lifetime races.
#include <array>

#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {

constexpr Addr kPending = 0, kRunning = 1, kFunction = 2, kHasContext = 3, kExtra = 4;

using Cells = ObjectCells;  // a deferred object's cells (the file's header lists them)

// The kernel state's cell `n` (a count), when the scenario has one.
void add_kernel(StepContext& ctx, StepEffect& effect, Addr n, std::int64_t delta) {
  if (ctx.layout.kernel == kNoAddr) return;
  std::int64_t& c = ctx.store.at(ctx.layout.kernel + n);
  const std::int64_t value = std::max<std::int64_t>(0, c + delta);
  effect.record(ctx.layout.kernel + n, c, value);
  c = value;
}

// A workqueue's `active` count (its items pending or running): what flushing it waits for.
void add_active(StepContext& ctx, StepEffect& effect, std::int64_t wq_pointer, std::int64_t delta) {
  if (wq_pointer == 0) return;
  const Addr addr = addr_of_pointer(wq_pointer);
  if (addr == kNoAddr) return;
  if (is_heap(addr)) {
    const HeapObject* object = ctx.store.heap_object(addr);
    if (object == nullptr || ctx.store.get(object->header()) != kHeapLive) return;
  }
  std::int64_t& c = ctx.store.at(addr);
  const std::int64_t value = std::max<std::int64_t>(0, c + delta);
  effect.record(addr, c, value);
  c = value;
}

// The workqueue argument of queue_work() and friends: NULL is a null-dereference, a destroyed one
// a use-after-free. True when it is usable.
bool check_workqueue(const Op& op, StepContext& ctx, StepEffect& effect, std::int64_t wq_pointer) {
  if (wq_pointer == 0) {
    effect.fail(ViolationKind::NullDereference,
                fmt::format("{} at line {} queues on a NULL workqueue", call_text(op, ctx), op.line));
    return false;
  }
  const Addr addr = addr_of_pointer(wq_pointer);
  if (!is_heap(addr)) return true;
  const HeapObject* object = ctx.store.heap_object(addr);
  if (object != nullptr && ctx.store.get(object->header()) == kHeapFreed) {
    effect.fail(ViolationKind::UseAfterFree,
                fmt::format("{} at line {} queues on a destroyed workqueue, {}, {}", call_text(op, ctx), op.line,
                            describe_heap_object(ctx, *object), describe_free(ctx, *object)));
    return false;
  }
  return true;
}

// Makes the object pending; the first time, asks for its context. Returns whether it was pending.
bool make_pending(const Op& op, StepEffect& effect, Cells& cells) {
  const bool was = cells.get(kPending) != 0;
  cells.set(kPending, 1);
  if (cells.get(kHasContext) == 0) {
    cells.set(kHasContext, 1);
    effect.start = ContextRequest{*context_of(op_info(op.kind).family), op.target.addr};
  }
  return was;
}

void queue(const Op& op, StepContext& ctx, StepEffect& effect, Cells& cells, std::int64_t wq) {
  if (!check_workqueue(op, ctx, effect, wq)) return;
  if (cells.get(kPending) != 0) {
    if (op.kind == OpKind::ModDelayedWork) effect.result.value = 1;
    return;  // a pending item runs once
  }
  if (cells.get(kRunning) == 0) {
    cells.set(kExtra, wq);  // the queue it runs on (a running item re-queued stays on its own)
    add_active(ctx, effect, wq, 1);
  }
  make_pending(op, effect, cells);
  effect.result.value = op.kind == OpKind::ModDelayedWork ? 0 : 1;
}

// Removes a pending item: it will not run (a running one goes on).
bool cancel(StepContext& ctx, StepEffect& effect, Cells& cells, bool work) {
  if (cells.get(kPending) == 0) return false;
  cells.set(kPending, 0);
  if (work && cells.get(kRunning) == 0) add_active(ctx, effect, cells.get(kExtra), -1);
  return true;
}

void set_function(const Op& op, Cells& cells) { cells.set(kFunction, op.other == kNone ? 0 : std::int64_t{op.other} + 1); }

// A context's function returned: the object is not running (its context leaves softirq context);
// returns whether it is pending again.
std::int64_t finish(StepContext& ctx, Cells& cells) {
  cells.set(kRunning, 0);
  ctx.kernel.softirq = 0;
  return cells.get(kPending);
}

// A context takes its object: it is running, no longer pending; its function gets the struct that
// holds the object (nothing for a global object), in softirq context for a timer, tasklet or RCU
// callback.
void run(const Op& op, StepContext& ctx, StepEffect& effect, Cells& cells, bool softirq) {
  ctx.kernel.softirq = softirq ? 1 : 0;
  cells.set(kPending, 0);
  cells.set(kRunning, 1);
  const std::int64_t fn = cells.get(kFunction);
  if (fn > 0) {
    effect.result.call = static_cast<FunctionId>(fn - 1);
    effect.result.call_arg = container_of(ctx, op.target.addr);
  }
}

void apply_work(const Op& op, StepContext& ctx, StepEffect& effect, Cells& cells) {
  switch (op.kind) {
    case OpKind::InitWork: case OpKind::InitDelayedWork: set_function(op, cells); return;
    case OpKind::QueueWork: case OpKind::QueueDelayedWork: case OpKind::ModDelayedWork:
      queue(op, ctx, effect, cells, op.arg0);
      return;
    case OpKind::ScheduleWork: case OpKind::ScheduleDelayedWork:
      queue(op, ctx, effect, cells, pointer_to(ctx.layout.system_wq));
      return;
    case OpKind::WorkPending: case OpKind::DelayedWorkPending: effect.result.value = cells.get(kPending); return;
    case OpKind::FlushWork: case OpKind::FlushDelayedWork: return;  // it waited until idle
    case OpKind::CancelWork: case OpKind::CancelDelayedWork: case OpKind::CancelWorkSync:
    case OpKind::CancelDelayedWorkSync:
      effect.result.value = cancel(ctx, effect, cells, true) ? 1 : 0;
      return;
    case OpKind::WorkRun: run(op, ctx, effect, cells, false); return;
    case OpKind::WorkDone:
      effect.result.value = finish(ctx, cells);
      if (effect.result.value == 0) add_active(ctx, effect, cells.get(kExtra), -1);
      return;
    default: return;
  }
}

void apply_workqueue(const Op& op, StepContext& ctx, StepEffect& effect) {
  switch (op.kind) {
    case OpKind::AllocWorkqueue: case OpKind::AllocOrderedWorkqueue:
      allocate_object(op, ctx.layout.workqueue_type, ctx, effect);
      return;
    case OpKind::DestroyWorkqueue: {
      HeapObject* object = is_heap(op.target.addr) ? ctx.store.heap_object(op.target.addr) : nullptr;
      if (object == nullptr) {
        effect.fail(ViolationKind::InvalidFree, fmt::format("{} at line {} destroys a workqueue that alloc_workqueue "
                                                            "did not allocate",
                                                            call_text(op, ctx), op.line));
        return;
      }
      free_whole_object(*object, ctx, effect, op.line);
      return;
    }
    default: return;  // flush_workqueue, drain_workqueue, flush_scheduled_work: they waited
  }
}

void apply_timer(const Op& op, StepContext& ctx, StepEffect& effect, Cells& cells) {
  switch (op.kind) {
    case OpKind::TimerSetup: set_function(op, cells); return;
    case OpKind::ModTimer: case OpKind::AddTimer:
      if (cells.get(kExtra) != 0) return;  // shut down: arming does nothing
      effect.result.value = make_pending(op, effect, cells) ? 1 : 0;
      return;
    case OpKind::TimerPending: effect.result.value = cells.get(kPending); return;
    case OpKind::DelTimer: case OpKind::TimerDelete: case OpKind::DelTimerSync: case OpKind::TimerDeleteSync:
      effect.result.value = cancel(ctx, effect, cells, false) ? 1 : 0;
      return;
    case OpKind::TimerShutdownSync: case OpKind::TimerShutdown:
      effect.result.value = cancel(ctx, effect, cells, false) ? 1 : 0;
      cells.set(kExtra, 1);
      return;
    case OpKind::TimerRun: run(op, ctx, effect, cells, true); return;
    case OpKind::TimerDone: effect.result.value = finish(ctx, cells); return;
    default: return;
  }
}

// Tasklets (kernel/softirq.c): like a timer without expiry; the function runs in softirq context.
void apply_tasklet(const Op& op, StepContext& ctx, StepEffect& effect, Cells& cells) {
  switch (op.kind) {
    case OpKind::TaskletSetup: set_function(op, cells); return;
    case OpKind::TaskletSchedule: case OpKind::TaskletHiSchedule:
      (void)make_pending(op, effect, cells);
      return;
    case OpKind::TaskletKill: return;  // it waited until idle
    case OpKind::TaskletRun: run(op, ctx, effect, cells, true); return;
    case OpKind::TaskletDone: (void)finish(ctx, cells); return;
    default: return;
  }
}

void apply_rcu(const Op& op, StepContext& ctx, StepEffect& effect) {
  const Addr kernel = ctx.layout.kernel;
  switch (op.kind) {
    case OpKind::RcuReadLock:
      if (ctx.kernel.rcu++ == 0 && kernel != kNoAddr) {
        std::int64_t& readers = ctx.store.at(kernel);
        effect.change(kernel, readers, readers + 1);
        ++readers;
      }
      return;
    case OpKind::RcuReadUnlock:
      if (ctx.kernel.rcu == 0) {
        effect.fail(ViolationKind::LockMisuse, fmt::format("{}: rcu_read_unlock() at line {} outside a read-side section",
                                                           ctx.names.thread_name(ctx.thread), op.line));
        return;
      }
      if (--ctx.kernel.rcu == 0 && kernel != kNoAddr) {
        std::int64_t& readers = ctx.store.at(kernel);
        effect.change(kernel, readers, readers - 1);
        --readers;
      }
      return;
    case OpKind::SynchronizeRcu: case OpKind::RcuBarrier: return;  // they waited
    default: break;
  }
  Cells cells(ctx, effect, op.target.addr);
  switch (op.kind) {
    case OpKind::CallRcu: case OpKind::KfreeRcu:
      if (cells.get(kPending) != 0) {
        effect.fail(ViolationKind::DoubleFree, fmt::format("{} at line {} queues an rcu_head that is already queued "
                                                           "(a double call_rcu)",
                                                           call_text(op, ctx), op.line));
        return;
      }
      cells.set(kFunction, op.kind == OpKind::CallRcu && op.other != kNone ? std::int64_t{op.other} + 1 : 0);
      cells.set(kExtra, op.kind == OpKind::KfreeRcu ? 1 : 0);
      make_pending(op, effect, cells);
      add_kernel(ctx, effect, 1, 1);
      return;
    case OpKind::RcuRun:
      if (cells.get(kExtra) != 0) {  // kfree_rcu: free the object that holds the rcu_head
        cells.set(kPending, 0);
        const std::int64_t container = container_of(ctx, op.target.addr);
        HeapObject* object = container == 0 ? nullptr : ctx.store.heap_object(addr_of_pointer(container));
        if (object == nullptr) {
          effect.fail(ViolationKind::InvalidFree, fmt::format("kfree_rcu at line {} frees an object that kmalloc did "
                                                              "not allocate",
                                                              op.line));
          return;
        }
        if (ctx.store.get(object->header()) == kHeapFreed) {
          effect.fail(ViolationKind::DoubleFree, fmt::format("kfree_rcu frees {} again: {}",
                                                             describe_heap_object(ctx, *object),
                                                             describe_free(ctx, *object)));
          return;
        }
        free_whole_object(*object, ctx, effect, op.line);
        return;
      }
      run(op, ctx, effect, cells, true);
      return;
    case OpKind::RcuDone: (void)finish(ctx, cells); return;
    default: return;
  }
}

}  // namespace

std::optional<ContextKind> context_of(OpFamily family) {
  switch (family) {
    case OpFamily::Work: return ContextKind::Work;
    case OpFamily::Timer: return ContextKind::Timer;
    case OpFamily::Rcu: return ContextKind::Rcu;
    case OpFamily::Tasklet: return ContextKind::Tasklet;
    case OpFamily::Kthread: return ContextKind::Kthread;
    case OpFamily::Irq: return ContextKind::Irq;
    default: return std::nullopt;
  }
}

ContextSteps context_steps(ContextKind kind) {
  switch (kind) {
    case ContextKind::Work: break;
    case ContextKind::Timer: return {OpKind::TimerRun, OpKind::TimerDone, ObjectKind::Timer};
    case ContextKind::Rcu: return {OpKind::RcuRun, OpKind::RcuDone, ObjectKind::RcuHead};
    case ContextKind::Kthread: return {OpKind::KthreadStart, OpKind::KthreadExit, ObjectKind::Int};
    case ContextKind::Tasklet: return {OpKind::TaskletRun, OpKind::TaskletDone, ObjectKind::Tasklet};
    case ContextKind::Irq: return {OpKind::IrqRun, OpKind::IrqDone, ObjectKind::Irq};
  }
  return {OpKind::WorkRun, OpKind::WorkDone, ObjectKind::Work};
}

std::span<const OpKind> context_own_steps(ContextKind kind) {
  static constexpr std::array kIrq = {OpKind::IrqRun, OpKind::IrqDone, OpKind::IrqThreadRun, OpKind::IrqThreadDone};
  static constexpr std::array kWork = {OpKind::WorkRun, OpKind::WorkDone};
  static constexpr std::array kTimer = {OpKind::TimerRun, OpKind::TimerDone};
  static constexpr std::array kRcu = {OpKind::RcuRun, OpKind::RcuDone};
  static constexpr std::array kKthread = {OpKind::KthreadStart, OpKind::KthreadExit};
  static constexpr std::array kTasklet = {OpKind::TaskletRun, OpKind::TaskletDone};
  switch (kind) {
    case ContextKind::Work: break;
    case ContextKind::Timer: return kTimer;
    case ContextKind::Rcu: return kRcu;
    case ContextKind::Kthread: return kKthread;
    case ContextKind::Tasklet: return kTasklet;
    case ContextKind::Irq: return kIrq;
  }
  return kWork;
}

bool starts_context(const Store& store, const Op& op) {
  const OpInfo& info = op_info(op.kind);
  if (info.control == Control::Spawn) return true;
  if (info.control != Control::Activate || op.target.addr == kNoAddr) return false;
  if (is_heap(op.target.addr)) {  // a step on a freed object fails instead
    if (store.get(heap_header(op.target.addr)) != kHeapLive) return false;
  }
  if (store.get(op.target.addr + kHasContext) != 0) return false;
  if (info.family == OpFamily::Timer) return store.get(op.target.addr + kExtra) == 0;
  if (info.family == OpFamily::Rcu) return store.get(op.target.addr + kPending) == 0;
  if (info.family == OpFamily::Irq) return true;  // the first request of a line
  if (info.family == OpFamily::Work && (op.kind == OpKind::QueueWork || op.kind == OpKind::QueueDelayedWork ||
                                        op.kind == OpKind::ModDelayedWork)) {
    return op.arg0 != 0;  // NULL: a null-dereference instead
  }
  return true;
}

void apply_deferred(const Op& op, StepContext& ctx, StepEffect& effect) {
  const OpInfo& info = op_info(op.kind);
  if (op.kind == OpKind::RcuDone) add_kernel(ctx, effect, 1, -1);  // rcu_barrier waits for callbacks to return
  if (is_context_done(op.kind) && is_heap(op.target.addr) && ctx.store.get(heap_header(op.target.addr)) != kHeapLive) {
    ctx.kernel.softirq = 0;  // the callback freed the object that holds it: nothing is left to touch
    return;
  }
  if (info.family == OpFamily::Rcu) {
    apply_rcu(op, ctx, effect);
    return;
  }
  if (info.args.find('Q') != std::string_view::npos || op.kind == OpKind::AllocWorkqueue ||
      op.kind == OpKind::AllocOrderedWorkqueue || op.kind == OpKind::FlushScheduledWork) {
    apply_workqueue(op, ctx, effect);
    return;
  }
  Cells cells(ctx, effect, op.target.addr);
  if (info.family == OpFamily::Tasklet) {
    apply_tasklet(op, ctx, effect, cells);
  } else if (info.family == OpFamily::Timer) {
    apply_timer(op, ctx, effect, cells);
  } else {
    apply_work(op, ctx, effect, cells);
  }
}

}  // namespace preempt::models
