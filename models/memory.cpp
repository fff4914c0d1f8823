// Shared integers and the kernel's atomic_t operations. Every operation here is one step.
#include "models/step.hpp"

namespace preempt::models {

void apply_memory(const Op& op, StepContext& ctx, StepEffect& effect) {
  std::int64_t& cell = ctx.store.at(op.target.addr);
  const std::int64_t old = cell;
  // Wrapping arithmetic, as two's complement ints in the kernel would (no UB on overflow).
  const auto wrap = [](std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
  };
  std::int64_t next = old;
  switch (op.kind) {
    case OpKind::Read: case OpKind::AtomicRead: effect.result.value = old; return;
    case OpKind::Write: case OpKind::AtomicSet: next = op.arg0; break;
    case OpKind::AtomicInc: case OpKind::AtomicIncReturn: next = wrap(old, 1); break;
    case OpKind::AtomicDec: case OpKind::AtomicDecReturn: case OpKind::AtomicDecAndTest:
      next = wrap(old, -1);
      break;
    case OpKind::AtomicAdd: next = wrap(old, op.arg0); break;
    case OpKind::AtomicSub: next = wrap(old, wrap(~op.arg0, 1)); break;
    case OpKind::Cmpxchg:
      effect.result.value = old;
      if (old == op.arg0) next = op.arg1;
      break;
    case OpKind::Xchg:
      effect.result.value = old;
      next = op.arg0;
      break;
    default: return;
  }
  cell = next;
  effect.change(op.target.addr, old, next);
  if (op.kind == OpKind::AtomicDecAndTest) effect.result.value = next == 0 ? 1 : 0;
  if (op.kind == OpKind::AtomicIncReturn || op.kind == OpKind::AtomicDecReturn) {
    effect.result.value = next;
  }
}

}  // namespace preempt::models
