// The contexts the kernel starts on its own (deferred execution): the engine starts one when a
// step asks for it (models::StepEffect::start), names it as the kernel would ("kworker/nbd_work",
// "timer/qca_wq_timeout", "rcu/free_rcu", "kthread/poll_fn", "irq/5-foo_irq") and never counts one that waits for
// work as stuck.
#include <fmt/format.h>

#include "checker/explore/execution.hpp"
#include "models/step.hpp"

namespace preempt {

namespace {
constexpr std::uint32_t kMaxThreadsAndContexts = 4096;
static_assert(std::tuple_size_v<decltype(ModelProgram::contexts)> == models::kContextKinds,
              "one context's code per models::ContextKind");
}  // namespace

bool Execution::spawns(ThreadId thread) const {
  if (thread >= thread_count_) return false;
  const Op& op = slots_[thread]->pending();
  const Control control = op_info(op.kind).control;
  if (control == Control::Spawn && op.kind == OpKind::Spawn) return true;
  if (control != Control::Activate && control != Control::Spawn) return false;
  return models::starts_context(store_, op);
}

bool Execution::idle_context(ThreadId thread) const {
  if (thread >= thread_count_) return false;
  const ThreadContext& t = *slots_[thread];
  return t.status() == ThreadStatus::Pending &&
         (op_info(t.pending().kind).control == Control::Idle || service_[thread] != 0) && !is_enabled(thread);
}

std::string Execution::context_name(const models::ContextRequest& request) const {
  const char* prefix = "kworker/";
  Addr function_cell = request.object + 2;
  switch (request.kind) {
    case models::ContextKind::Work: break;
    case models::ContextKind::Timer: prefix = "timer/"; break;
    case models::ContextKind::Rcu: prefix = "rcu/"; break;
    case models::ContextKind::Tasklet: prefix = "tasklet/"; break;
    case models::ContextKind::Kthread: prefix = "kthread/"; function_cell = request.object + 4; break;
    case models::ContextKind::Irq:  // named for its handler, or its thread function without one
      prefix = "irq/";
      if (store_.get(function_cell) == 0) function_cell = request.object + 8;
      break;
  }
  const std::int64_t f = store_.get(function_cell);
  std::string base = prefix;
  if (request.kind == models::ContextKind::Irq) {  // the kernel's "irq/5-foo_irq"
    base += fmt::format("{}-", (request.object - layout_.irq_lines) / object_kind_info(ObjectKind::Irq).cells);
  }
  if (request.kind == models::ContextKind::Rcu && store_.get(request.object + 4) != 0) {
    base += "kfree";
  } else {
    base += f > 0 ? layout_.function_name(static_cast<FunctionId>(f - 1)) : std::string("idle");
  }
  // Two contexts running the same function are told apart by their order: "kworker/put_work-2".
  std::uint32_t same = 0;
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    const std::string& name = slots_[t]->name();
    if (name == base || (name.size() > base.size() + 1 && name.compare(0, base.size() + 1, base + "-") == 0)) ++same;
  }
  return same == 0 ? base : fmt::format("{}-{}", base, same + 1);
}

bool Execution::context_bound_hit() {
  for (ThreadId t = 0; t < thread_count_; ++t) {
    const ThreadContext& thread = *slots_[t];
    if (thread.status() != ThreadStatus::Pending || halted_[t] != 0 || !at_context_bound(t)) continue;
    if (!models::enabled(store_, thread.pending(), kernel_[t], t)) continue;
    if (run_on_) {
      outcome_.cut_after_end = fmt::format("context {} running {} times", thread.name(), options_.max_context_runs + 1);
      run_on_ = false;
      return true;
    }
    outcome_.limit_thread = t;
    outcome_.context_bound = true;
    outcome_.bound_thread = t;
    end_with(ExecutionEnd::StepLimit);
    return true;
  }
  return false;
}

void Execution::start_context(const models::ContextRequest& request) {
  const auto kind = static_cast<std::size_t>(request.kind);
  if (kind >= program_.contexts.size() || !program_.contexts[kind]) {
    model_error(thread_count_ == 0 ? 0 : thread_count_ - 1, "this model cannot start kernel contexts");
    return;
  }
  // Contexts are threads: a scenario that starts them in a loop is bounded like one that declares
  // them (the language's limit on threads).
  if (thread_count_ >= kMaxThreadsAndContexts) {
    model_error(thread_count_ - 1, fmt::format("more than {} threads and kernel contexts: a scenario may start at "
                                               "most that many (each work item, timer, tasklet, rcu_head and "
                                               "kthread that runs is one)",
                                               kMaxThreadsAndContexts));
    return;
  }
  contexts_started_.push_back(request);
  const std::string name = context_name(request);
  start_thread(*program_.contexts[kind], &name, pointer_to(request.object));
}

}  // namespace preempt
