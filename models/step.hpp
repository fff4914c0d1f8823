#pragma once
// The kernel models: the exact semantics of every visible operation, as transitions of the Store,
// and the kernel's rules about who may run what (code of unloaded modules, sleeping in atomic
// context, locks held at exit). The engine asks enabled() whether a parked thread can run,
// check_step() before a step takes effect, apply() when the scheduler picks it, check_call() for
// a function the step calls, and check_exit() when a thread ends. Models never touch fibers or
// schedule anything themselves. What each operation is -- family, footprint, blocking, sleeping,
// words -- is its row of checker/rt/ops.def; the per-family semantics are one file each.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/rt/layout.hpp"
#include "checker/rt/op.hpp"
#include "checker/rt/state_hash.hpp"
#include "checker/rt/store.hpp"
#include "checker/rt/trace.hpp"
#include "checker/rt/violation_kind.hpp"

namespace preempt::models {

// Names threads for messages ("held by rmmod"); implemented by the execution.
class ThreadNames {
 public:
  virtual ~ThreadNames() = default;
  [[nodiscard]] virtual const std::string& thread_name(ThreadId thread) const = 0;
};

// What the kernel knows about a thread besides its code: the locks it holds. Part of the state.
struct ThreadKernel {
  std::uint32_t spinlocks = 0;  // spinlocks held: the thread is in atomic context
  std::uint32_t locks = 0;      // mutexes and spinlocks held
  std::uint32_t rcu = 0;        // depth of its RCU read-side sections
  std::uint32_t softirq = 0;    // it runs a timer or RCU callback (1: softirq context) or an
                                // interrupt handler (2: hardirq context)

  [[nodiscard]] bool atomic() const { return spinlocks > 0 || rcu > 0 || softirq > 0; }
  void hash(StateHasher& h) const {
    h.add(spinlocks);
    h.add(locks);
    h.add(rcu);
    h.add(softirq);
  }
};

// The contexts the kernel runs code in on its own (deferred execution).
enum class ContextKind : std::uint8_t { Work, Timer, Rcu, Kthread, Tasklet, Irq };
inline constexpr std::size_t kContextKinds = 6;

// A context's two steps of its own: the one that waits for its object and takes it (a kworker
// takes its work item), the one after its function returned; and the kind of its object.
struct ContextSteps {
  OpKind run;
  OpKind done;
  ObjectKind object;
};
[[nodiscard]] ContextSteps context_steps(ContextKind kind);
// Every step a context takes of its own: its run and done steps, and an interrupt line's thread's
// (IrqThreadRun, IrqThreadDone): what it may still touch besides its function's code.
[[nodiscard]] std::span<const OpKind> context_own_steps(ContextKind kind);
// The context that runs the objects of a family (work items: a kworker); nullopt for a family
// without one.
[[nodiscard]] std::optional<ContextKind> context_of(OpFamily family);

// A context the engine must start after the step: a kworker for a work item queued for the first
// time, a timer's softirq, an RCU callback's, a new kthread. `object` is its object's first cell
// (a kthread's: its task_struct's).
struct ContextRequest {
  ContextKind kind = ContextKind::Work;
  Addr object = kNoAddr;
};

// What one step did: its result for the thread, the cell it changed for the trace, and any
// violation.
struct StepEffect {
  // The cells a step changes besides the first (deferred execution: pending and running, a
  // workqueue's count, the kernel state's): partial-order reduction rebuilds states from them.
  static constexpr std::size_t kMaxExtraChanges = 6;
  OpResult result;
  Addr changed = kNoAddr;
  std::int64_t before = 0;
  std::int64_t after = 0;
  std::optional<ViolationKind> violation;
  ModuleId module = kNone;  // module involved in the violation, if any
  std::string message;
  std::string model_error;  // set: the model itself is broken (a limit of the engine), not a violation
  std::optional<ContextRequest> start;  // a context to start

  std::array<CellChange, kMaxExtraChanges> extra{};
  std::uint8_t extra_count = 0;

  void change(Addr cell, std::int64_t from, std::int64_t to) {
    changed = cell;
    before = from;
    after = to;
  }
  // Records a change: the first as the step's change, the others as extra ones.
  void record(Addr cell, std::int64_t from, std::int64_t to) {
    if (changed == kNoAddr) {
      change(cell, from, to);
    } else if (extra_count < kMaxExtraChanges) {
      extra[extra_count++] = {cell, from, to};
    }
  }
  void fail(ViolationKind kind, std::string why) {
    violation = kind;
    message = std::move(why);
  }
  void fail_model(std::string why) { model_error = std::move(why); }
};

struct StepContext {
  Store& store;
  const ModelLayout& layout;
  const ThreadNames& names;
  ThreadId thread;
  ThreadKernel& kernel;
  std::uint32_t step;                       // this step's number
  std::vector<std::int64_t>& initial_cells;  // scratch, reused: a new object's fields
  ThreadId heap_owner = kNone;              // the name of what it allocates (kNone: `thread`;
                                            // init's objects: kInitHeapOwner)
};

// The cells of one object as a step changes them: each change is recorded in the effect (the
// first is the step's own, the one the trace shows; the others are its extra changes, which
// partial-order reduction rebuilds states from). Setting a cell to its value records nothing.
class ObjectCells {
 public:
  ObjectCells(StepContext& ctx, StepEffect& effect, Addr base) : ctx_(ctx), effect_(effect), base_(base) {}
  [[nodiscard]] std::int64_t get(Addr cell) const { return ctx_.store.get(base_ + cell); }
  void set(Addr cell, std::int64_t value) {
    std::int64_t& c = ctx_.store.at(base_ + cell);
    if (c == value) return;
    effect_.record(base_ + cell, c, value);
    c = value;
  }

 private:
  StepContext& ctx_;
  StepEffect& effect_;
  Addr base_;
};

// True when a thread in state `kernel` that announced `op` can take the step now. A sleeping
// operation in atomic context always can: taking it is the violation.
[[nodiscard]] bool enabled(const Store& store, const Op& op, const ThreadKernel& kernel, ThreadId thread);
// Whether enabled() may refuse steps of this kind (the thread blocks).
[[nodiscard]] inline bool may_block(OpKind kind) { return op_info(kind).block != Block::Never; }
// The rules checked before a step takes effect: code of an unloaded module (the function the step
// runs in, the callee of a call, the caller a return lands in), a sleeping operation in atomic
// context. `previous` is the thread's step before this one (null: none). True, with the violation
// in `effect`, when the step must not take effect.
[[nodiscard]] bool check_step(const Op& op, const Op* previous, const StepContext& ctx, StepEffect& effect);
// A function a step calls (a release method, an exit function) must not be code of an unloaded
// module. True, with the violation in `effect`, when it is.
[[nodiscard]] bool check_call(FunctionId callee, const StepContext& ctx, StepEffect& effect);
// A thread that ends must not hold a lock. True, with the violation in `effect`, when it does.
[[nodiscard]] bool check_exit(const StepContext& ctx, StepEffect& effect);
// When an execution is complete (every thread has finished, `final` too): every allocated object
// must be freed or reachable from the globals (kmemleak's rule). True, with the violation, if not.
[[nodiscard]] bool check_complete(const StepContext& ctx, StepEffect& effect);
// A step on a cell of a freed heap object, or of data of an unloaded module, is a use-after-free.
// True, with the violation in `effect`, when the step's target is gone.
[[nodiscard]] bool check_alive(const Op& op, const StepContext& ctx, StepEffect& effect);
// Whether `addr` is a cell of a freed heap object or of data of an unloaded module (or of one not
// loaded yet).
[[nodiscard]] bool is_gone(const Store& store, const ModelLayout& layout, Addr addr);
// Why a module whose status cell is `status` is absent: "unloaded at step N", "which is not loaded".
[[nodiscard]] std::string module_gone_words(const Store& store, Addr status);
// Applies `op` for ctx.thread.
void apply(const Op& op, StepContext& ctx, StepEffect& effect);
// What a step that changed nothing would return if it ran in `store` (a read, an xchg or cmpxchg
// that wrote what it found, a failed trylock; for a write that stored the value it found, the value
// it would find); nullopt for a step that cannot be told. A stopped spin loop compares it with what
// its pass saw.
[[nodiscard]] std::optional<std::int64_t> read_now(const Store& store, OpKind kind, ObjectRef target);
// Whether read_now() can tell for steps of this kind.
[[nodiscard]] inline bool can_read_again(OpKind kind) { return op_info(kind).observe.mode != Observe::Nothing; }
// Why a blocked thread cannot take `op` ("waits for completion kobj_holder (done = 0)").
[[nodiscard]] std::string describe_wait(const Store& store, const ModelLayout& layout, const ThreadNames& names,
                                        const Op& op);

// The per-family transitions, one file each (memory.cpp, kobject.cpp, ...).
void apply_memory(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_kobject(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_completion(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_lock(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_module(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_heap(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_kref(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_deferred(const Op& op, StepContext& ctx, StepEffect& effect);  // Work, Timer, Rcu
void apply_kthread(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_irq(const Op& op, StepContext& ctx, StepEffect& effect);
void apply_waitqueue(const Op& op, StepContext& ctx, StepEffect& effect);
// Whether `thread`, asleep in wait_event on the wait queue of `op`, is off its queue: woken.
[[nodiscard]] bool is_woken(const Store& store, const Op& op, ThreadId thread);
// Whether `op`, taken in `store`, starts a context (its effect's `start`): the engine knows which
// thread a step creates before it is taken (partial-order reduction orders the context after it).
[[nodiscard]] bool starts_context(const Store& store, const Op& op);
// A context's step after its function returned (work done, timer done, ...): it touches nothing of
// an object the function may have freed.
[[nodiscard]] inline bool is_context_done(OpKind kind) {
  return kind == OpKind::WorkDone || kind == OpKind::TimerDone || kind == OpKind::TaskletDone ||
         kind == OpKind::RcuDone || kind == OpKind::IrqDone;
}
// A heap object of struct `type` (kmalloc's, alloc_workqueue's, kthread_run's task), its pointer
// in effect.result.value; and freeing one (kfree's, destroy_workqueue's, kfree_rcu's).
void allocate_object(const Op& op, std::uint32_t type, StepContext& ctx, StepEffect& effect);
void free_whole_object(HeapObject& object, StepContext& ctx, StepEffect& effect, std::uint32_t line);

// Words and places the families share (objects.cpp).
// The target of `op` as the source names it ("c->ref", "dm_kobj").
[[nodiscard]] std::string op_expr(const Op& op, const ModelLayout& layout);
// The call as the scenario wrote it ("kref_get(&p->ref)"), else as "name(target)".
[[nodiscard]] std::string call_text(const Op& op, const StepContext& ctx);
// A get of a count at 0 is a use-after-free ("addition on 0"), a put of one an underflow: true,
// with the violation in `effect`, when `count` is 0 (or less).
[[nodiscard]] bool fail_on_zero(const Op& op, const StepContext& ctx, std::int64_t count, StepEffect& effect);
[[nodiscard]] bool fail_below_zero(const Op& op, const StepContext& ctx, std::int64_t count, StepEffect& effect);
// " (its last reference was dropped at step N)" when the count at `addr` reached 0 before.
[[nodiscard]] std::string released_since(const StepContext& ctx, Addr addr);
// The pointer a release method of the object at `addr` receives: the struct that holds it (for a
// kobject of a global array, the element's index; 0 when there is none).
[[nodiscard]] std::int64_t container_of(const StepContext& ctx, Addr addr);
// "the struct nbd_config allocated by opener at line 27 (step 3)", "freed by closer at line 39
// (step 8)": KASAN's words for a heap object.
[[nodiscard]] std::string describe_heap_object(const StepContext& ctx, const HeapObject& object);
[[nodiscard]] std::string describe_free(const StepContext& ctx, const HeapObject& object);

}  // namespace preempt::models
