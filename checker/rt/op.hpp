#pragma once
// Op: the description of one visible step, announced by a model thread before it takes effect,
// and OpInfo: what every consumer needs to know about an operation, one row of ops.def each.
//
// Protocol: a thread fills an Op and hands it to ThreadContext::perform(), which parks the thread.
// The scheduler sees every parked thread's next Op (what it touches, whether it can run now), picks
// one thread, applies its Op to the Store (models/), records a trace entry, and resumes the thread
// with an OpResult. Knowing every enabled thread's next Op is what partial-order reduction needs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checker/rt/footprint_sink.hpp"
#include "checker/rt/ids.hpp"

namespace preempt {

enum class OpKind : std::uint8_t {
#define PREEMPT_OP(name, spelling, family, args, result, footprint, block, sleeps, observe, control, operation, \
                   note, story, wait)                                                                          \
  name,
#include "checker/rt/ops.def"
};

// Which models/<family>.cpp gives an operation its semantics. The kernel's primitives are every
// family but Lang (the language's own steps) and Check (immediate events).
enum class OpFamily : std::uint8_t {
  Memory, Kobject, Completion, Lock, Module, Heap, Kref, Work, Timer, Tasklet, Rcu, Kthread, Irq, Wait, Sched, Lang, Check
};
// When a parked thread can take the step (see ops.def).
enum class Block : std::uint8_t {
  Never, UntilPositive, UntilFree, UntilGuard,
  UntilIdle,     // cells 0 and 1 are 0: a deferred object neither pending nor running
  UntilStopped,  // cell 1 is 0: not running
  UntilGrace,    // cell 0 > 0 and no RCU reader is inside a read-side section (the kernel state's cell
                 // 0, at op.arg1): an RCU callback's grace period has ended
  UntilWoken,    // no cell 0-3 names the thread that takes the step: a wake_up took it off the wait queue;
                 // or its guard holds (a kthread asked to stop: kthread_stop wakes it)
};
// What the step does to the thread's control flow.
enum class Control : std::uint8_t {
  None,    // a kernel primitive or an await: the thread goes on after it
  Call,    // enters op.other
  Return,  // leaves op.location for op.other
  End,     // a thread body in a module returns: the thread ends
  Exit,    // the thread exits from any depth (do_exit, module_put_and_kthread_exit)
  Spawn,   // creates a thread
  Activate,  // may make a deferred object pending: the first time, the engine starts its context
  Idle,      // a context waiting for work: not a deadlock when it waits for ever
  Report,  // an immediate event: the thread is parked for good
};

// What a step that changed nothing saw, that decides whether it would do the same again.
struct Observe {
  enum Mode : std::uint8_t { Nothing, Value, NonZero, Zero, Constant };
  Mode mode = Nothing;
  std::uint8_t offset = 0;  // the target's cell it reads
};

struct OpInfo {
  std::string_view name;       // the kernel's name (the builtin), or the word traces use
  OpFamily family;
  std::string_view args;       // the builtin's arguments: object letters K C M S D I, or v
  bool builtin;                // a builtin of the scenario language (Result Int or Void)
  bool returns_value;          // the builtin returns an int
  std::uint16_t reads;         // bit N: reads cell N of the target object
  std::uint16_t writes;        // bit N: writes cell N of the target object
  bool enters_callee;          // may enter the target's release or exit function
  bool reads_guard;            // reads what its await guard reads
  std::uint8_t kernel;         // bit N: writes cell N of the kernel state (layout.kernel)
  bool enters_any_module;      // reads every module's status (a callback it may run)
  bool frees_target;           // writes the header of the heap object its target lies in
  Block block;
  std::uint8_t sleeps;         // 0 never, 1 may sleep, kSleepsIfGfp: may when arg1's gfp flags say so
  Observe observe;
  Control control;
  std::string_view operation;  // wording templates (ops.def explains them)
  std::string_view note;
  std::string_view story;
  std::string_view wait;
};

}  // namespace preempt

#include "checker/rt/op_table.hpp"

namespace preempt {

[[nodiscard]] inline const OpInfo& op_info(OpKind kind) { return detail::kOps[static_cast<std::size_t>(kind)]; }
// The gfp flags of an allocation: which may sleep (GFP_KERNEL, GFP_NOIO, GFP_NOFS, GFP_USER) and
// which may not (GFP_ATOMIC, GFP_NOWAIT). The language names them; the values are the model's.
inline constexpr std::uint8_t kSleepsIfGfp = 2;
inline constexpr std::int64_t kGfpMaySleep = 0x1;
inline constexpr std::int64_t kGfpKernel = 0x1;
inline constexpr std::int64_t kGfpAtomic = 0x2;
inline constexpr std::int64_t kGfpNowait = 0x4;
inline constexpr std::int64_t kGfpNoio = 0x9;
inline constexpr std::int64_t kGfpNofs = 0x11;
inline constexpr std::int64_t kGfpUser = 0x21;
inline constexpr std::int64_t kGfpZero = 0x100;

// nondet(N) takes 1 <= N <= kMaxNondetChoices.
inline constexpr std::int64_t kMaxNondetChoices = 65536;
// The kernel's interrupt lines a scenario may request: 0 .. kIrqLines - 1.
inline constexpr std::int64_t kIrqLines = 32;

// Whether the step may sleep (the sleeps column, with the gfp flags of an allocation).
[[nodiscard]] inline bool may_sleep(const OpInfo& info, std::int64_t gfp) {
  return info.sleeps == 1 || (info.sleeps == kSleepsIfGfp && (gfp & kGfpMaySleep) != 0);
}
[[nodiscard]] inline const char* op_name(OpKind kind) { return op_info(kind).name.data(); }
// A kernel primitive the thread calls (complete(), module_put(), schedule(), ...), as opposed to
// the language's own steps and immediate events.
[[nodiscard]] inline bool is_primitive(OpKind kind) {
  const OpFamily f = op_info(kind).family;
  return f != OpFamily::Lang && f != OpFamily::Check;
}
// The kind of object a builtin's argument letter names (K C M S D I); nullopt for v, a value.
[[nodiscard]] constexpr std::optional<ObjectKind> object_kind_of_letter(char letter) {
  switch (letter) {
    case 'I': return ObjectKind::Int;
    case 'K': return ObjectKind::Kobject;
    case 'C': return ObjectKind::Completion;
    case 'M': return ObjectKind::Mutex;
    case 'S': return ObjectKind::Spinlock;
    case 'D': return ObjectKind::Module;
    case 'R': return ObjectKind::Kref;
    case 'T': return ObjectKind::Refcount;
    case 'W': return ObjectKind::Work;
    case 'L': return ObjectKind::Timer;
    case 'H': return ObjectKind::RcuHead;
    case 'B': return ObjectKind::Tasklet;
    case 'E': return ObjectKind::WaitQueue;
    default: return std::nullopt;
  }
}
// The operation a builtin of the scenario language named `name` announces, if any.
[[nodiscard]] bool find_builtin_op(std::string_view name, OpKind* out);

class Store;
struct SpawnRequest;

// A condition a blocked `await` waits for. The thread that awaits owns the guard and keeps it alive
// while its Op is pending; the scheduler evaluates it against the current Store.
class AwaitGuard {
 public:
  virtual ~AwaitGuard() = default;
  [[nodiscard]] virtual bool holds(const Store& store) const = 0;
  // The condition in the user's words, for deadlock reports ("flag == 1").
  [[nodiscard]] virtual std::string describe() const = 0;
  // Lists every object the condition may read, whatever the state (for the dependence relation).
  virtual void reads(FootprintSink& sink) const = 0;
  // A cell of a freed heap object or of unloaded module data the condition reads in `store` (the
  // step that passes the await reads it: a use-after-free), with the place as written ("p->ready",
  // may be null); false when there is none.
  [[nodiscard]] virtual bool reads_gone(const Store& store, Addr* addr, const char** expr) const {
    (void)store, (void)addr, (void)expr;
    return false;
  }
};

// SpinFail: a pass of a spin loop's condition found it still true and changed nothing (a failed
// trylock, an xchg that wrote the value it found) -- arg0 0, text the condition -- or a whole
// iteration of any other loop did and ended with the locals it started with -- arg0 1, text the
// loop's header. Its payload is the thread's SpinReads: every step the pass took, with what it
// returned (for a write, the value it stored, which it found there). The loop would only run the
// same pass again, so the thread stops there; when nothing else can run, the execution ends as a
// hang if every such pass would read the same values again, and is dropped otherwise (the
// executions in which the pass reads the new values are explored on their own).
struct SpinRead {
  OpKind kind;
  ObjectRef target;
  std::int64_t value;
};
using SpinReads = std::vector<SpinRead>;

// What a pending step carries besides its fields, valid only while it is pending (the trace keeps
// none): an await's guard, a spawn's request, a stopped loop's reads, a failure's message.
using OpPayload = std::variant<std::monostate, const AwaitGuard*, const SpawnRequest*, const SpinReads*, const char*>;

struct Op {
  OpKind kind = OpKind::Schedule;
  ObjectRef target;                  // the object the step touches
  std::int64_t arg0 = 0;             // value written, cmpxchg's expected value, atomic_add's amount
  std::int64_t arg1 = 0;             // cmpxchg's new value
  std::int64_t arg2 = 0;             // a third value (request_threaded_irq's dev_id)
  FunctionId location = kNone;       // the function whose code executes this step
  FunctionId other = kNone;          // Call: the callee; Return/ThreadEnd: the caller returned into
  std::uint32_t line = 0;            // source line of the step (0: unknown)
  OpPayload payload;
  // Words for the trace that outlive the exploration (owned by the model): an await's condition,
  // a failed check's text. Null: the trace says it from the other fields.
  const char* text = nullptr;
  // The target as the source names it ("c->ref", "ops.owner"), when that is not a global's own
  // name (owned by the model, like text). Null: the layout names it.
  const char* expr = nullptr;
  // Fail: arg0 is the ViolationKind (assertion, out-of-bounds, division-by-zero).

  [[nodiscard]] const AwaitGuard* guard() const {
    const auto* g = std::get_if<const AwaitGuard*>(&payload);
    return g != nullptr ? *g : nullptr;
  }
  [[nodiscard]] const char* message() const {
    const auto* m = std::get_if<const char*>(&payload);
    return m != nullptr ? *m : nullptr;
  }
};

// What the scheduler hands back to the thread when its Op has taken effect.
struct OpResult {
  std::int64_t value = 0;          // the builtin's return value
  FunctionId call = kNone;         // a function the thread must now run as a nested call
                                   // (kobject release method, module exit function)
  std::int64_t call_arg = 0;       // its argument (the kobject array index)
  std::int64_t call_arg2 = 0;      // a second one (an interrupt handler's dev_id)
  bool exit_thread = false;        // the step ended the thread (do_exit, module_put_and_kthread_exit)
  bool modified = false;           // the step changed the value of the object it touched
};

}  // namespace preempt
