// kobject / kref: the refcount starts at 1; the put that reaches 0 calls the release method in the
// putting thread, in the same step (the engine then runs it as a nested call).
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

void apply_kobject(const Op& op, StepContext& ctx, StepEffect& effect) {
  const Addr addr = op.target.addr;
  std::int64_t& refcount = ctx.store.at(addr);
  const std::string name = ctx.layout.object_name(op.target);
  const std::int64_t old = refcount;
  switch (op.kind) {
    case OpKind::KobjectGet:
      if (old <= 0) {
        effect.fail(ViolationKind::UseAfterFree,
                    fmt::format("kobject_get({}) on a freed object: its last reference was dropped "
                                "at step {}",
                                name, ctx.store.marked_at(addr)));
        return;
      }
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
      if (old <= 0) {
        effect.fail(ViolationKind::RefcountUnderflow,
                    fmt::format("kobject_put({}) drops a reference that does not exist: the refcount "
                                "is already 0 (last reference dropped at step {})",
                                name, ctx.store.marked_at(addr)));
        return;
      }
      refcount = old - 1;
      effect.change(addr, old, old - 1);
      if (refcount == 0) {
        ctx.store.mark(addr, ctx.step);
        effect.result.call = ctx.layout.release_of(addr, &effect.result.call_arg);
      }
      return;
    default:
      return;
  }
}

}  // namespace preempt::models
