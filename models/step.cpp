// The dispatch from an operation to its family's semantics, and what the table of operations
// (ops.def) says about blocking, observing and waiting.
#include "models/step.hpp"

#include <fmt/format.h>

#include "checker/rt/wording.hpp"

namespace preempt::models {

bool enabled(const Store& store, const Op& op, const ThreadKernel& kernel, ThreadId thread) {
  const OpInfo& info = op_info(op.kind);
  // In atomic context a sleeping operation is "enabled": taking it is the violation.
  if (kernel.atomic() && may_sleep(info, op.arg1)) return true;
  switch (info.block) {
    case Block::Never: return true;
    case Block::UntilPositive: return store.get(op.target.addr) > 0;
    case Block::UntilFree: return store.get(op.target.addr) == 0;
    case Block::UntilGuard: return op.guard()->holds(store);
    case Block::UntilIdle: return store.get(op.target.addr) == 0 && store.get(op.target.addr + 1) == 0;
    case Block::UntilStopped: return store.get(op.target.addr + 1) == 0;
    case Block::UntilGrace: return store.get(op.target.addr) > 0 && store.get(static_cast<Addr>(op.arg1)) == 0;
    case Block::UntilWoken:  // off the queue, or a kthread asked to stop (StopGuard in checker/interp)
      return is_woken(store, op, thread) || (op.guard() != nullptr && op.guard()->holds(store));
  }
  return true;
}

void apply(const Op& op, StepContext& ctx, StepEffect& effect) {
  switch (op_info(op.kind).family) {
    case OpFamily::Memory: apply_memory(op, ctx, effect); break;
    case OpFamily::Kobject: apply_kobject(op, ctx, effect); break;
    case OpFamily::Completion: apply_completion(op, ctx, effect); break;
    case OpFamily::Lock: apply_lock(op, ctx, effect); break;
    case OpFamily::Module: apply_module(op, ctx, effect); break;
    case OpFamily::Heap: apply_heap(op, ctx, effect); break;
    case OpFamily::Kref: apply_kref(op, ctx, effect); break;
    case OpFamily::Work: case OpFamily::Timer: case OpFamily::Tasklet: case OpFamily::Rcu:
      apply_deferred(op, ctx, effect);
      break;
    case OpFamily::Kthread: apply_kthread(op, ctx, effect); break;
    case OpFamily::Irq: apply_irq(op, ctx, effect); break;
    case OpFamily::Wait: apply_waitqueue(op, ctx, effect); break;
    case OpFamily::Sched: case OpFamily::Lang: case OpFamily::Check:
      break;  // the engine and the thread's code handle these; no object changes
  }
  if (op_info(op.kind).control == Control::Exit && !effect.violation) effect.result.exit_thread = true;
}

std::optional<std::int64_t> read_now(const Store& store, OpKind kind, ObjectRef target) {
  const Observe observe = op_info(kind).observe;
  if (observe.mode == Observe::Constant) return 0;
  if (observe.mode == Observe::Nothing) return std::nullopt;
  const std::int64_t cell = store.get(target.addr + observe.offset);
  switch (observe.mode) {
    case Observe::Value: return cell;  // the value found
    case Observe::NonZero: return cell != 0 ? 1 : 0;
    case Observe::Zero: return cell == 0 ? 1 : 0;
    case Observe::Nothing: case Observe::Constant: break;
  }
  return std::nullopt;
}

namespace {

// The words of a pending step for its `wait` template.
class WaitWords final : public WordSource {
 public:
  WaitWords(const Store& store, const ModelLayout& layout, const ThreadNames& names, const Op& op)
      : store_(store), layout_(layout), names_(names), op_(op) {}
  std::string field(std::string_view name) const override {
    if (name == "obj") return layout_.object_name(op_.target);
    if (name == "holder") {
      const ThreadId owner = owner_of(store_.get(op_.target.addr));
      return owner == kNone ? std::string("nobody") : names_.thread_name(owner);
    }
    if (name == "text") return op_.text != nullptr ? std::string(op_.text) : std::string("?");
    if (name == "guard") return op_.guard() != nullptr ? op_.guard()->describe() : std::string("?");
    return "?";
  }
  bool holds(std::string_view) const override { return false; }

 private:
  const Store& store_;
  const ModelLayout& layout_;
  const ThreadNames& names_;
  const Op& op_;
};

}  // namespace

std::string describe_wait(const Store& store, const ModelLayout& layout, const ThreadNames& names, const Op& op) {
  const std::string_view wait = op_info(op.kind).wait;
  if (wait.empty()) return fmt::format("is blocked in {}", op_name(op.kind));
  return render(wait, WaitWords(store, layout, names, op));
}

}  // namespace preempt::models
