// struct completion with the kernel's `done` counter semantics (kernel/sched/completion.c).
#include "models/step.hpp"

namespace preempt::models {

namespace {
using Done = std::uint64_t;
constexpr Done kAll = CompletionState::kCompleteAll;

// Consumes one completion, as wait_for_completion and try_wait_for_completion do.
void consume(CompletionState& c) {
  if (c.done != kAll) --c.done;
}
}  // namespace

void apply_completion(const Op& op, StepContext& ctx, StepEffect& effect) {
  CompletionState& c = ctx.store.completions[op.target.index];
  const auto old = static_cast<std::int64_t>(c.done);
  switch (op.kind) {
    case OpKind::Complete:
      if (c.done != kAll) ++c.done;
      break;
    case OpKind::CompleteAll:
      c.done = kAll;
      break;
    case OpKind::WaitForCompletion:
      consume(c);  // only applied when enabled: done > 0
      break;
    case OpKind::TryWaitForCompletion:
      effect.result.value = c.done == 0 ? 0 : 1;
      if (c.done != 0) consume(c);
      break;
    case OpKind::CompletionDone:
      effect.result.value = c.done != 0 ? 1 : 0;
      return;
    case OpKind::ReinitCompletion:
      c.done = 0;
      break;
    default:
      return;
  }
  const auto now = static_cast<std::int64_t>(c.done);
  if (now != old || op.kind == OpKind::ReinitCompletion) effect.change(old, now);
}

}  // namespace preempt::models
