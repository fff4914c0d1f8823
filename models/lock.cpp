// Owner-checked mutexes and spinlocks. Holding a spinlock puts the thread in atomic context, where
// it must not sleep (rules.cpp); a thread must not end holding either (check_exit).
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

void apply_lock(const Op& op, StepContext& ctx, StepEffect& effect) {
  const bool spin = op.target.kind == ObjectKind::Spinlock;
  const Addr addr = op.target.addr;
  std::int64_t& owner = ctx.store.at(addr);
  const std::int64_t old = owner;
  const std::int64_t mine = owner_cell(ctx.thread);
  switch (op.kind) {
    case OpKind::MutexLock: case OpKind::SpinLock:
      owner = mine;  // only applied when enabled: the lock is free
      break;
    case OpKind::MutexTrylock: case OpKind::SpinTrylock:
      effect.result.value = owner == 0 ? 1 : 0;
      if (owner != 0) return;
      owner = mine;
      break;
    case OpKind::MutexUnlock: case OpKind::SpinUnlock: {
      if (owner != mine) {
        const std::string what = fmt::format("{}({})", op_name(op.kind), ctx.layout.object_name(op.target));
        const std::string& me = ctx.names.thread_name(ctx.thread);
        effect.fail(ViolationKind::LockMisuse,
                    owner == 0 ? fmt::format("{} by {}, but it is not locked", what, me)
                               : fmt::format("{} by {}, but it is held by {}", what, me,
                                             ctx.names.thread_name(owner_of(owner))));
        return;
      }
      owner = 0;
      if (spin) --ctx.kernel.spinlocks;
      --ctx.kernel.locks;
      effect.change(addr, old, 0);
      return;
    }
    default:
      return;
  }
  if (spin) ++ctx.kernel.spinlocks;
  ++ctx.kernel.locks;
  effect.change(addr, old, owner);
}

}  // namespace preempt::models
