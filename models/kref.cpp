// struct kref (include/linux/kref.h) and refcount_t (include/linux/refcount.h, lib/refcount.c):
// reference counts that start at 0 until kref_init / refcount_set. As refcount_t warns, an
// increment of a count at 0 is a use-after-free ("addition on 0"), a decrement below 0 an
// underflow, and refcount_dec() that reaches 0 leaks the object ("decrement hit 0; leaking
// memory"). kref_put() that drops the last reference calls its release method with the struct
// that holds the kref, in the same step (the engine runs it as a nested call), and returns 1.
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

void apply_kref(const Op& op, StepContext& ctx, StepEffect& effect) {
  const Addr addr = op.target.addr;
  std::int64_t& count = ctx.store.at(addr);
  const std::int64_t old = count;
  const auto set = [&](std::int64_t value) {
    count = value;
    effect.change(addr, old, value);
  };
  switch (op.kind) {
    case OpKind::KrefInit: set(1); return;
    case OpKind::RefcountSet: set(op.arg0); return;
    case OpKind::KrefGet: case OpKind::RefcountInc:
      if (!fail_on_zero(op, ctx, old, effect)) set(old + 1);
      return;
    case OpKind::KrefGetUnlessZero: case OpKind::RefcountIncNotZero:
      effect.result.value = old > 0 ? 1 : 0;
      if (old > 0) set(old + 1);
      return;
    case OpKind::KrefRead: case OpKind::RefcountRead: effect.result.value = old; return;
    case OpKind::KrefPut: case OpKind::RefcountDecAndTest:
      if (fail_below_zero(op, ctx, old, effect)) return;
      set(old - 1);
      if (count != 0) return;
      effect.result.value = 1;
      ctx.store.mark(addr, ctx.step);
      if (op.kind == OpKind::KrefPut && op.other != kNone) {
        effect.result.call = op.other;
        effect.result.call_arg = container_of(ctx, addr);
      }
      return;
    case OpKind::RefcountDec:
      if (fail_below_zero(op, ctx, old, effect)) return;
      set(old - 1);
      if (count == 0) {
        ctx.store.mark(addr, ctx.step);
        effect.fail(ViolationKind::MemoryLeak,
                    fmt::format("refcount_dec({}) at line {} drops the count to 0: decrement hit 0, leaking memory "
                                "(the last reference needs refcount_dec_and_test)",
                                op_expr(op, ctx.layout), op.line));
      }
      return;
    default:
      return;
  }
}

}  // namespace preempt::models
