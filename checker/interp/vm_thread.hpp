#pragma once
// The VM's private parts, shared by its source files: a thread's frames and loop passes, value
// arithmetic, and VmThread, one model thread's interpreter. Include vm.hpp to use the VM.
//
// vm_values.cpp  arithmetic with C semantics on 64-bit values, and await conditions (pure code)
// vm_thread.cpp  steps, frames and calls, loop watching, the thread's state for hashing
// vm.cpp         the dispatch loop and the Interpreter
#include <cstdint>
#include <string>
#include <vector>

#include "checker/interp/vm.hpp"
#include "checker/rt/address.hpp"
#include "checker/rt/state_hash.hpp"
#include "checker/rt/thread_context.hpp"
#include "checker/rt/violation_kind.hpp"
#include "models/step.hpp"

namespace preempt::interp::detail {

using Value = std::int64_t;
using UValue = std::uint64_t;

// What happens when a frame returns, besides going back to its caller.
enum class After : std::uint8_t {
  Call,        // a call from code: push the result if the function returns a value
  Callback,    // a kernel callback (release method): push the builtin's result if it has one
  FreeModule,  // a module exit function: free the module, then push delete_module's result (0)
  LoadModule,  // a module init function: finish the load (live, or freed when it failed), then push
               // load_module's result (0, or the init's negative errno)
};

// A loop being run: whether its current iteration can still turn out to repeat itself.
struct LoopPass {
  std::size_t depth = 0;          // frames_.size() when the loop started
  std::size_t log_begin = 0;      // the iteration's first step in loop_log_
  std::size_t stack = 0;          // operand stack depth at the top of the loop
  bool changed = false;           // the iteration changed something, or took a step that cannot be
                                  // checked again (an await, a call into module code)
  std::vector<std::int64_t> locals;  // the frame's locals at the top of the iteration
};

struct Frame {
  std::uint32_t body = 0;
  std::uint32_t pc = 0;
  std::uint32_t base = 0;        // first local slot of this frame
  After after = After::Call;
  Addr module = 0;               // FreeModule, LoadModule: the module (its object's address)
  bool push_result = false;      // Callback: the builtin that ran it returns `result` (kref_put: 1)
  std::int64_t result = 0;
  std::uint32_t call_line = 0;   // the line of the call that pushed it (delete_module's, load_module's)
  std::uint32_t user_line = 0;   // a prelude body: the line of the scenario's call into the prelude
};

// A runtime fault of the model (index out of bounds, division by zero).
struct Fault {
  ViolationKind kind = ViolationKind::OutOfBounds;
  std::string message;
};

// Arithmetic with C semantics on 64-bit two's complement values (vm_values.cpp).
Value wrap_add(Value a, Value b);
Value wrap_sub(Value a, Value b);
Value unary(UnaryOp op, Value v);
// False when the operator faults (a zero divisor); shift counts are taken modulo 64.
bool binary(BinaryOp op, Value a, Value b, Value* out);
std::string division_message(BinaryOp op, std::uint32_t line);
std::string bounds_message(const ArrayInfo& array, Value index, std::uint32_t line);
// Whether any code reads `self` (then a thread's state includes it).
bool uses_self(const CompiledScenario& compiled);

// A kthread asleep in wait_event is woken by kthread_stop too (try_to_wake_up on its task, whatever
// queue it sleeps on): the guard of its sleep step reads its task's should_stop.
class StopGuard final : public AwaitGuard {
 public:
  Addr should_stop = kNoAddr;  // kNoAddr: not a kthread (the guard never holds and reads nothing)
  [[nodiscard]] bool holds(const Store& store) const override {
    return should_stop != kNoAddr && store.get(should_stop) != 0;
  }
  [[nodiscard]] std::string describe() const override { return "kthread_should_stop()"; }
  void reads(FootprintSink& sink) const override {
    if (should_stop != kNoAddr) sink.read(Space::Cell, should_stop, should_stop);
  }
};

// One thread's interpreter. It is its own AwaitGuard: while blocked on `await`, the scheduler asks
// it whether the condition holds, evaluated over the Store with this thread's locals.
class VmThread final : public AwaitGuard, public StateSource {
 public:
  explicit VmThread(const Interpreter& interpreter)
      : compiled_(interpreter.compiled_), limits_(interpreter.limits_), interpreter_(interpreter),
        hash_self_(uses_self(interpreter.compiled_)), globals_(interpreter.compiled_.layout->initial.cells.size()) {
    frames_.reserve(64);
    slots_.reserve(256);
    stack_.reserve(256);
  }

  void run(ThreadContext& context, std::uint32_t body, Value self);
  // A context of the kernel (vm_context.cpp): waits until its object (a pointer value) is pending,
  // runs its function, and again; a kthread runs its function once and exits with its result.
  void run_context(ThreadContext& context, models::ContextKind kind, Value object);
  bool run_irq_thread(ThreadContext& context, Addr line);
  bool perform_and_call(ThreadContext& context, const Op& step);

  bool holds(const Store& store) const override {
    Fault fault;
    Value value = 0;
    // A faulting condition counts as "holds": the thread then takes the step, evaluates it again
    // itself and reports the fault as a violation of its own.
    if (!evaluate_await(store, &value, &fault)) return true;
    return value != 0;
  }
  std::string describe() const override { return compiled_.awaits[await_site_].text; }
  // Everything that decides what the thread does next: frames, locals, operands, the await it
  // is at; `self` only if some code reads it (then copies of a thread array are told apart).
  void hash_state(StateHasher& h, const PointerNames& names) const override;
  // What the condition reads in the current state: what it reads depends on the pointers it
  // follows, and it reads those pointers too, so a step that changes where they point conflicts.
  void reads(FootprintSink& sink) const override;
  bool reads_gone(const Store& store, Addr* addr, const char** expr) const override;
  // Parked at a step: the innermost frame's pc is just past the instruction that announced it (or,
  // for the free after an exit function, past the delete_module that ran it); each caller goes on
  // at its pc; a frame running an exit function frees its module when it returns.
  bool future_accesses(AccessSet& out) const override;
  // A context's: its own steps on its object, any callback, and the frames it is in.
  bool context_future(AccessSet& out) const;

 private:
  void begin(ThreadContext& context, Value self);
  // Runs instructions until the thread's outermost frame returns (for a context: its callback
  // returned, callback_returned_) or the thread ends.
  void execute(ThreadContext& context);
  // A kthread that exits (do_exit, its function's return): the step that wakes kthread_stop.
  void exit_task(Value code, std::uint32_t line);
  // The target of a builtin that names none: RCU's the kernel state, flush_scheduled_work's the
  // system workqueue, kthread_should_stop's the thread's own task. False when the thread ended.
  bool implicit_target(Op& op, const Instr& in);
  // Runs the callback a context's step asked for; false when the thread must end.
  bool run_callback(ThreadContext& context, const OpResult& result);
  // Runs the await condition over `store`.
  bool evaluate_await(const Store& store, Value* out, Fault* fault) const;
  // Runs pure code (an await condition, the address of one of its loads) over `store`.
  bool run_pure(const std::vector<Instr>& code, const Store& store, Value* out, Fault* fault) const;
  // The address a pointer value points to; a fault for NULL or a value that is no object's address.
  [[nodiscard]] bool deref(const Store& store, Value pointer, const Instr& in, Addr* out, Fault* fault) const;
  // Faults unless `addr` .. the last cell of an object of `kind` there is in the store (a pointer
  // converted through void * to the wrong struct may point past its object).
  void check_held(Addr addr, ObjectKind kind, const Instr& in) {
    // the common case: a global, which any object's cells (at most 2) fit in
    if (!is_heap(addr) && addr + 2 <= globals_) return;
    check_held_slow(addr, kind, in);
  }
  void check_held_slow(Addr addr, ObjectKind kind, const Instr& in);
  // Enters scenario function `body` (its arguments on top of the stack): a step when module code
  // is involved. False when the execution was abandoned.
  bool call(std::uint32_t body, std::uint32_t argc, std::uint32_t line);
  // The release method a kobject_put of `addr` runs: its field's (a struct's) or its global's.
  [[nodiscard]] FunctionId kobject_release(Addr addr) const;
  OpResult perform(Op& op, std::uint32_t line);
  bool push_frame(std::uint32_t body, After after, std::uint32_t line);
  [[noreturn]] void fault(ViolationKind kind, std::string message, std::uint32_t line);
  [[noreturn]] void model_error(std::string message);
  [[nodiscard]] const char* text_of(const Instr& in) const {
    return in.text == kNone ? nullptr : compiled_.texts[in.text].c_str();
  }
  Value pop() {
    const Value v = stack_.back();
    stack_.pop_back();
    return v;
  }
  [[nodiscard]] FunctionId function_of(const Frame& f) const { return compiled_.bodies[f.body].function; }
  [[nodiscard]] ModuleId module_of(const Frame& f) const { return compiled_.layout->module_of(function_of(f)); }
  // Runs the builtin at the top of the stack; returns false when the thread must end.
  bool builtin(const Instr& in);
  // Returns from the innermost frame; returns false when the thread body ended.
  bool return_from(bool has_value, std::uint32_t line);
  bool finish_load(const Frame& done, Value result);
  // Loops: starts watching an iteration of loops_[i]; logs a step into the iterations watched;
  // whether the iteration that just ended repeats itself exactly (locals, stack, nothing changed).
  void begin_iteration(std::size_t i);
  // The local instruction budget, counted down by the dispatch loop in chunks of at most
  // kStopPollInstructions: refill at a visible step; when a chunk runs out, true if the thread must
  // stop (the whole budget spent, or a stop requested: rt/stop.hpp), else the next chunk.
  void refill_local_budget();
  [[nodiscard]] bool local_budget_spent();
  void log_loop_step(const Op& op, const OpResult& result);
  [[nodiscard]] bool iteration_repeats(const LoopPass& pass) const;

  const CompiledScenario& compiled_;
  const VmLimits& limits_;
  const Interpreter& interpreter_;
  ThreadContext* context_ = nullptr;
  std::vector<Frame> frames_;
  std::vector<Value> slots_;
  std::vector<Value> stack_;
  Value self_ = 0;
  bool hash_self_ = true;
  bool kernel_context_ = false;     // a context (a kthread too): its function returns into the kernel
  bool service_ = false;            // a context that waits for work: self_ is its object
  models::ContextKind kind_ = models::ContextKind::Work;
  Value task_ = 0;                  // a kthread: its task_struct (a pointer value)
  StopGuard stop_guard_;            // a kthread's sleep in wait_event: its task's should_stop
  bool callback_returned_ = false;  // a context's callback returned (execute() stopped there)
  Value callback_value_ = 0;        //   with this value
  std::size_t globals_ = 0;         // the cells of the globals (addresses below it are a global's)
  std::uint32_t await_site_ = 0;
  std::uint32_t await_base_ = 0;    // slot base of the frame that awaits
  std::uint64_t local_budget_ = 0;  // instructions left before the next poll (of the stop request)
  std::uint64_t local_reserve_ = 0; // and after it, before the next visible step
  bool in_spin_ = false;            // evaluating a spin loop's condition: its steps are logged
  SpinReads spin_reads_;            //   here, with what they returned (part of the thread's state)
  bool spin_modified_ = false;      //   and whether one of them changed something
  // The loops being run, innermost last (LoopEnter .. LoopLeave). loop_log_ holds the steps of the
  // current iteration of each loop whose iteration has changed nothing so far, from its log_begin.
  std::vector<LoopPass> loops_;     // [0, loop_depth_) are live; the rest keep their capacity
  std::size_t loop_depth_ = 0;
  SpinReads loop_log_;
  SpinReads stopped_log_;           // a stopped iteration's steps, alive while reported
  std::string message_;             // a reported failure's message, alive while reported
};

}  // namespace preempt::interp::detail
