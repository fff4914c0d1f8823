// struct completion with the kernel's `done` counter semantics (kernel/sched/completion.c).
#include "models/step.hpp"

namespace preempt::models {

void apply_completion(const Op& op, StepContext& ctx, StepEffect& effect) {
  std::int64_t& done = ctx.store.at(op.target.addr);
  const std::int64_t old = done;
  // Consumes one completion, as wait_for_completion and try_wait_for_completion do.
  const auto consume = [&] {
    if (done != kCompleteAll) --done;
  };
  switch (op.kind) {
    case OpKind::Complete:
      if (done != kCompleteAll) ++done;
      break;
    case OpKind::CompleteAll:
      done = kCompleteAll;
      break;
    case OpKind::WaitForCompletion:
      consume();  // only applied when enabled: done > 0
      break;
    case OpKind::TryWaitForCompletion:
      effect.result.value = done == 0 ? 0 : 1;
      if (done != 0) consume();
      break;
    case OpKind::CompletionDone:
      effect.result.value = done != 0 ? 1 : 0;
      return;
    case OpKind::ReinitCompletion:
      done = 0;
      break;
    default:
      return;
  }
  if (done != old || op.kind == OpKind::ReinitCompletion) effect.change(op.target.addr, old, done);
}

}  // namespace preempt::models
