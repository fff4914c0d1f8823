#pragma once
// Op: the description of one visible step, announced by a model thread before it takes effect.
//
// Protocol: a thread fills an Op and hands it to ThreadContext::perform(), which parks the thread.
// The scheduler sees every parked thread's next Op (what it touches, whether it can run now), picks
// one thread, applies its Op to the Store (models/), records a trace entry, and resumes the thread
// with an OpResult. Knowing every enabled thread's next Op is what partial-order reduction needs.
#include <cstdint>
#include <string>
#include <vector>

#include "checker/rt/footprint_sink.hpp"
#include "checker/rt/ids.hpp"

namespace preempt {

enum class OpKind : std::uint8_t {
#define PREEMPT_OP(name, spelling) name,
#include "checker/rt/ops.def"
};

[[nodiscard]] const char* op_name(OpKind kind);

class Store;

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
};

struct Op {
  OpKind kind = OpKind::Schedule;
  ObjectRef target;                  // the object the step touches (Int index for shared memory)
  std::int64_t arg0 = 0;             // value written, cmpxchg's expected value, atomic_add's amount
  std::int64_t arg1 = 0;             // cmpxchg's new value
  FunctionId location = kNone;       // the function whose code executes this step
  FunctionId other = kNone;          // Call: the callee; Return/ThreadEnd: the caller returned into
  std::uint32_t line = 0;            // source line of the step (0: unknown)
  // Await: the condition, valid only while the Op is pending (the trace keeps no guard).
  const AwaitGuard* guard = nullptr;
  // Spawn: the SpawnRequest; Fault: a C string. Valid only while pending (the trace keeps none).
  const void* payload = nullptr;
  // Words for the trace that outlive the exploration (owned by the model): an await's condition,
  // a failed check's text. Null: the trace says it from the other fields.
  const char* text = nullptr;
  // Fail: arg0 is the ViolationKind (assertion, out-of-bounds, division-by-zero).
};

// SpinFail: a pass of a spin loop's condition found it still true and changed nothing (a failed
// trylock, an xchg that wrote the value it found) -- arg0 0, text the condition -- or a whole
// iteration of any other loop did and ended with the locals it started with -- arg0 1, text the
// loop's header. Its payload is the thread's SpinReads: every step the pass took, with what it
// returned (for a write, the value it stored, which it found there). The loop would only run the same pass again, so the
// thread stops there; when nothing else can run, the execution ends as a hang if
// every such pass would read the same values again, and is dropped otherwise (the executions in
// which the pass reads the new values are explored on their own).
struct SpinRead {
  OpKind kind;
  ObjectRef target;
  std::int64_t value;
};
using SpinReads = std::vector<SpinRead>;

// What the scheduler hands back to the thread when its Op has taken effect.
struct OpResult {
  std::int64_t value = 0;          // the builtin's return value
  FunctionId call = kNone;         // a function the thread must now run as a nested call
                                   // (kobject release method, module exit function)
  std::int64_t call_arg = 0;       // its argument (the kobject array index)
  bool exit_thread = false;        // the step ended the thread (do_exit, module_put_and_kthread_exit)
  bool modified = false;           // the step changed the value of the object it touched
};

}  // namespace preempt
