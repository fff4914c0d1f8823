#pragma once
// The kernel models: the exact semantics of every visible operation, as pure transitions of the
// Store. The engine calls enabled() to know whether a parked thread can run and apply() when the
// scheduler picks it. Models never touch fibers or schedule anything themselves.
#include <cstdint>
#include <optional>
#include <string>

#include "checker/report/violation_kind.hpp"
#include "checker/rt/layout.hpp"
#include "checker/rt/op.hpp"
#include "checker/rt/store.hpp"

namespace preempt::models {

// Names threads for messages ("held by rmmod"); implemented by the execution.
class ThreadNames {
 public:
  virtual ~ThreadNames() = default;
  [[nodiscard]] virtual const std::string& thread_name(ThreadId thread) const = 0;
};

// What one step did: its result for the thread, the state change for the trace, and any violation.
struct StepEffect {
  OpResult result;
  std::int64_t before = 0;
  std::int64_t after = 0;
  bool changed = false;
  std::optional<ViolationKind> violation;
  ModuleId module = kNone;  // module involved in the violation, if any
  std::string message;

  void change(std::int64_t from, std::int64_t to) {
    before = from;
    after = to;
    changed = true;
  }
  void fail(ViolationKind kind, std::string why) {
    violation = kind;
    message = std::move(why);
  }
};

struct StepContext {
  Store& store;
  const ModelLayout& layout;
  const ThreadNames& names;
  ThreadId thread;
  std::uint32_t& spin_depth;  // spinlocks the thread holds
  std::uint32_t step;         // this step's number
};

// True when the thread that announced `op` can take the step now.
[[nodiscard]] bool enabled(const Store& store, const Op& op, ThreadId thread);
// The operations enabled() may refuse (the thread blocks): mutex_lock, spin_lock,
// wait_for_completion, await. Every other step can run in any state.
[[nodiscard]] bool may_block(OpKind kind);
// Sets the object that a step announcing `op` changed (TraceEntry::changed) to `value`, one of the
// before/after values recorded for the step. Undoing a trace's changes in reverse order, or redoing
// them in order, rebuilds the store before or after any of its steps: every value enabled() reads
// exactly (bookkeeping kept only for messages, such as the step a module was unloaded at, is not).
void assign_changed(Store& store, const Op& op, std::int64_t value);
// Applies `op` for ctx.thread. Control steps (call, return, schedule, ...) change no state.
void apply(const Op& op, StepContext& ctx, StepEffect& effect);
// What a step that changed nothing would return if it ran in `store` (a read, an xchg or cmpxchg
// that wrote what it found, a failed trylock; for a write that stored the value it found, the value
// it would find); nullopt for a step that cannot be told. A stopped spin loop compares it with what
// its pass saw.
[[nodiscard]] std::optional<std::int64_t> read_now(const Store& store, OpKind kind, ObjectRef target);
// Whether read_now() can tell for steps of this kind.
[[nodiscard]] bool can_read_again(OpKind kind);
// The operations that may sleep, forbidden while holding a spinlock.
[[nodiscard]] bool may_sleep(OpKind kind);
// Why a blocked thread cannot take `op` ("waits for completion kobj_holder (done = 0)").
[[nodiscard]] std::string describe_wait(const Store& store, const ModelLayout& layout,
                                        const ThreadNames& names, const Op& op);

// The per-family transitions, one file each (module.cpp, kobject.cpp, ...).
void apply_module(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_kobject(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_completion(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_lock(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_memory(const Op& op, StepContext& ctx, StepEffect& effect);

}  // namespace preempt::models
