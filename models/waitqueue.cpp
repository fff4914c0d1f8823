// Wait queues (include/linux/wait.h, kernel/sched/wait.c) as wait_event() uses them. The language
// compiles wait_event(wq, cond) into the kernel's ___wait_event loop (checker/interp): cond first;
// if false, each pass queues the task (prepare_to_wait_event: the WaitEvent step), evaluates cond
// with ordinary visible steps, and while it is false sleeps (WaitEventSleep, enabled once a
// wake_up took the task off the queue); once cond holds, finish_wait (FinishWait) takes it off.
//
// The state of a wait queue is the set of tasks queued on it and not yet woken: cells 0-3 hold
// them (thread + 1, an Owner cell: symmetric threads are renamed in state fingerprints), sorted,
// zeros last, and cell 4 says which of them sleep interruptibly (bit i for cell i). A woken task is
// simply off the queue: that is all the kernel's try_to_wake_up leaves behind for a waiter of
// wait_event (autoremove_wake_function), and "woken since it queued" is "not on the queue while
// it sleeps". So a wake_up with nobody queued changes nothing, and a daemon that waits and is
// woken for ever goes through finitely many states: no generation counter grows (one would make
// every pass of the loop a new state for stateful search). The price is a bound: at most 4 tasks
// queued on one head at once (more is a model error, never a silent wrong answer).
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {

constexpr Addr kSlots = 4;       // cells 0-3: the queued tasks
constexpr Addr kInterruptible = 4;  // cell 4: which of them sleep interruptibly

struct Waiter {
  std::int64_t task = 0;  // thread + 1
  bool interruptible = false;
};

// The queue read from its cells, changed, and written back in its one representation.
class Queue {
 public:
  Queue(StepContext& ctx, StepEffect& effect, Addr base) : cells_(ctx, effect, base) {
    const std::int64_t bits = ctx.store.get(base + kInterruptible);
    for (Addr i = 0; i < kSlots; ++i) {
      const std::int64_t task = ctx.store.get(base + i);
      if (task != 0) waiters_[count_++] = {task, ((bits >> i) & 1) != 0};
    }
  }
  [[nodiscard]] std::size_t size() const { return count_; }
  Waiter* find(std::int64_t task) {
    for (std::size_t i = 0; i < count_; ++i) {
      if (waiters_[i].task == task) return &waiters_[i];
    }
    return nullptr;
  }
  // False when the queue is full.
  bool add(Waiter w) {
    if (count_ == kSlots) return false;
    waiters_[count_++] = w;
    return true;
  }
  // Takes off the queue every waiter `wakes` selects; returns how many stay.
  template <class Pred>
  std::size_t remove_if(Pred wakes) {
    const auto end = std::remove_if(waiters_.begin(), waiters_.begin() + static_cast<std::ptrdiff_t>(count_), wakes);
    count_ = static_cast<std::size_t>(end - waiters_.begin());
    return count_;
  }
  // Writes the queue back: sorted by task, zeros last.
  void store() {
    std::sort(waiters_.begin(), waiters_.begin() + static_cast<std::ptrdiff_t>(count_),
              [](const Waiter& a, const Waiter& b) { return a.task < b.task; });
    std::int64_t bits = 0;
    for (Addr i = 0; i < kSlots; ++i) {
      const bool used = i < count_;
      cells_.set(i, used ? waiters_[i].task : 0);
      if (used && waiters_[i].interruptible) bits |= std::int64_t{1} << i;
    }
    cells_.set(kInterruptible, bits);
  }

 private:
  ObjectCells cells_;
  std::array<Waiter, kSlots> waiters_{};
  std::size_t count_ = 0;
};

}  // namespace

bool is_woken(const Store& store, const Op& op, ThreadId thread) {
  const std::int64_t me = owner_cell(thread);
  for (Addr i = 0; i < kSlots; ++i) {
    if (store.get(op.target.addr + i) == me) return false;
  }
  return true;
}

void apply_waitqueue(const Op& op, StepContext& ctx, StepEffect& effect) {
  Queue queue(ctx, effect, op.target.addr);
  const std::int64_t me = owner_cell(ctx.thread);
  switch (op.kind) {
    case OpKind::InitWaitqueueHead:
      // INIT_LIST_HEAD over queued entries would leave their tasks asleep and unreachable.
      if (queue.size() != 0) {
        effect.fail_model(fmt::format("init_waitqueue_head({}) at line {} while tasks are queued on it: not modelled "
                                      "(the kernel would lose them)",
                                      op_expr(op, ctx.layout), op.line));
      }
      return;
    case OpKind::WaitEvent: case OpKind::WaitEventInterruptible: {
      // prepare_to_wait_event: queued once (it may be queued still), in the state it sleeps in.
      const bool interruptible = op.kind == OpKind::WaitEventInterruptible;
      if (Waiter* w = queue.find(me)) {
        w->interruptible = interruptible;
      } else if (!queue.add({me, interruptible})) {
        effect.fail_model(fmt::format("{} at line {}: a fifth task waits on {} at once; the model of a wait queue "
                                      "holds {}",
                                      op_name(op.kind), op.line, op_expr(op, ctx.layout), kSlots));
        return;
      }
      queue.store();
      return;  // wait_event_interruptible returns 0: signals are not modelled
    }
    case OpKind::WaitEventSleep: return;  // it was enabled: a wake_up took it off the queue
    case OpKind::FinishWait:
      queue.remove_if([&](const Waiter& w) { return w.task == me; });
      queue.store();
      return;
    case OpKind::WakeUp: case OpKind::WakeUpAll:
      queue.remove_if([](const Waiter&) { return true; });
      queue.store();
      return;
    case OpKind::WakeUpInterruptible: case OpKind::WakeUpInterruptibleAll:
      // try_to_wake_up(TASK_INTERRUPTIBLE) leaves a TASK_UNINTERRUPTIBLE sleeper asleep and queued.
      effect.result.value = static_cast<std::int64_t>(queue.remove_if([](const Waiter& w) { return w.interruptible; }));
      queue.store();
      return;
    default: return;
  }
}

}  // namespace preempt::models
