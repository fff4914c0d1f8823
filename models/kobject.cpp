// kobject / kref: the refcount starts at 1; the put that reaches 0 calls the release method in the
// putting thread, in the same step (the engine then runs it as a nested call).
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

void apply_kobject(const Op& op, StepContext& ctx, StepEffect& effect) {
  const Addr addr = op.target.addr;
  std::int64_t& refcount = ctx.store.at(addr);
  const std::int64_t old = refcount;
  switch (op.kind) {
    case OpKind::KobjectInit:
      refcount = 1;
      effect.change(addr, old, 1);
      return;
    case OpKind::KobjectGet:
      if (fail_on_zero(op, ctx, old, effect)) return;
      refcount = old + 1;
      effect.change(addr, old, old + 1);
      return;
    case OpKind::KobjectGetUnlessZero:
      if (old <= 0) {
        effect.result.value = 0;
        return;
      }
      refcount = old + 1;
      effect.change(addr, old, old + 1);
      effect.result.value = 1;
      return;
    case OpKind::KobjectPut:
      if (fail_below_zero(op, ctx, old, effect)) return;
      refcount = old - 1;
      effect.change(addr, old, old - 1);
      if (refcount == 0) {
        ctx.store.mark(addr, ctx.step);
        // A kobject field's release method comes with the step (op.other); a global's is the layout's.
        effect.result.call = op.other != kNone ? op.other : ctx.layout.release_of(addr, nullptr);
        effect.result.call_arg = container_of(ctx, addr);
      }
      return;
    default:
      return;
  }
}

}  // namespace preempt::models
