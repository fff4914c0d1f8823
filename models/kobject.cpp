// kobject / kref: the refcount starts at 1; the put that reaches 0 calls the release method in the
// putting thread, in the same step (the engine then runs it as a nested call).
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

void apply_kobject(const Op& op, StepContext& ctx, StepEffect& effect) {
  KobjectState& kobj = ctx.store.kobjects[op.target.index];
  const std::string name = ctx.layout.object_name(op.target);
  const std::int64_t old = kobj.refcount;
  switch (op.kind) {
    case OpKind::KobjectGet:
      if (old <= 0) {
        effect.fail(ViolationKind::UseAfterFree,
                    fmt::format("kobject_get({}) on a freed object: its last reference was dropped "
                                "at step {}",
                                name, kobj.released_at_step));
        return;
      }
      kobj.refcount = old + 1;
      effect.change(old, old + 1);
      return;
    case OpKind::KobjectGetUnlessZero:
      if (old <= 0) {
        effect.result.value = 0;
        return;
      }
      kobj.refcount = old + 1;
      effect.change(old, old + 1);
      effect.result.value = 1;
      return;
    case OpKind::KobjectPut:
      if (old <= 0) {
        effect.fail(ViolationKind::RefcountUnderflow,
                    fmt::format("kobject_put({}) drops a reference that does not exist: the refcount "
                                "is already 0 (last reference dropped at step {})",
                                name, kobj.released_at_step));
        return;
      }
      kobj.refcount = old - 1;
      effect.change(old, old - 1);
      if (kobj.refcount == 0) {
        kobj.released_at_step = ctx.step;
        effect.result.call = ctx.layout.release_of(op.target.index, &effect.result.call_arg);
      }
      return;
    default:
      return;
  }
}

}  // namespace preempt::models
