// Owner-checked mutexes and spinlocks. A thread holding a spinlock must not sleep: the engine checks
// may_sleep() before applying a step; this file only tracks ownership and spin depth.
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {
bool is_spin(OpKind kind) {
  return kind == OpKind::SpinLock || kind == OpKind::SpinTrylock || kind == OpKind::SpinUnlock;
}
}  // namespace

void apply_lock(const Op& op, StepContext& ctx, StepEffect& effect) {
  const bool spin = is_spin(op.kind);
  LockState& lock = spin ? ctx.store.spinlocks[op.target.index] : ctx.store.mutexes[op.target.index];
  const auto owner_code = [](ThreadId t) { return t == kNone ? std::int64_t{-1} : std::int64_t{t}; };
  const std::int64_t old = owner_code(lock.owner);
  switch (op.kind) {
    case OpKind::MutexLock: case OpKind::SpinLock:
      lock.owner = ctx.thread;  // only applied when enabled: the lock is free
      break;
    case OpKind::MutexTrylock: case OpKind::SpinTrylock:
      effect.result.value = lock.owner == kNone ? 1 : 0;
      if (lock.owner != kNone) return;
      lock.owner = ctx.thread;
      break;
    case OpKind::MutexUnlock: case OpKind::SpinUnlock: {
      if (lock.owner != ctx.thread) {
        const std::string what = fmt::format("{}({})", op_name(op.kind), ctx.layout.object_name(op.target));
        effect.fail(ViolationKind::LockMisuse,
                    lock.owner == kNone
                        ? fmt::format("{} by {}, but it is not locked", what, ctx.names.thread_name(ctx.thread))
                        : fmt::format("{} by {}, but it is held by {}", what, ctx.names.thread_name(ctx.thread),
                                      ctx.names.thread_name(lock.owner)));
        return;
      }
      lock.owner = kNone;
      if (spin) --ctx.spin_depth;
      effect.change(old, -1);
      return;
    }
    default:
      return;
  }
  if (spin) ++ctx.spin_depth;
  effect.change(old, owner_code(lock.owner));
}

}  // namespace preempt::models
