#pragma once
// ThreadContext: one model thread as the scheduler sees it, and the single choke point through which
// the thread's code announces every visible step.
//
// Protocol (thread side): perform(op) parks the thread with `op` pending and returns the OpResult
// once the scheduler has applied it. report(op) parks the thread for good with an immediate event
// (a failed assert, a failed assume, a model fault) that the scheduler handles without a choice.
// Protocol (scheduler side): start() with an entry, resume() to let it run up to its next
// announcement; status() tells what happened; abandon() ends an unfinished thread at the end of an
// execution. Slots are reused across executions.
//
// Abandoning: by default the thread's stack is unwound (Boost throws forced_unwind through it, so
// that destructors of C++ model code run), which costs a few microseconds a thread. Code that
// calls set_returns_on_abandon() promises to return from its entry at once, without another step,
// whenever perform() comes back with exit_thread set (abandon() makes it do so; the scenario
// interpreter keeps the promise): then abandoning costs one context switch. A thread that parks
// again is unwound as before.
//
// Restarting: a thread parked at its first step need not keep a stack. Code that calls
// set_restartable() (with set_returns_on_abandon()) promises that what it does before its first
// perform() touches nothing outside its own explicit state, which a run from its entry rebuilds
// exactly (the scenario VM: its locals before the first visible step come from constants only).
// Then release_stack() ends the coroutine there, keeping the thread parked at the same pending
// step, and its stack goes back to the pool; resume() runs the entry again on a stack from the
// pool, and the first perform() returns the step's result at once instead of parking. So an
// execution of thousands of threads that run one after another maps stacks only for those that
// have got past their first step at once (Execution decides which threads release theirs).
#include <cstdint>
#include <functional>
#include <string>

#include "checker/rt/state_hash.hpp"
#include "checker/rt/fiber.hpp"
#include "checker/rt/op.hpp"

namespace preempt {

enum class ThreadStatus : std::uint8_t {
  Idle,      // not started in this execution
  Running,   // executing local code (only while the scheduler has resumed it)
  Pending,   // parked before `pending()`; the scheduler decides when it runs
  Reporting, // parked for good with an immediate event in `pending()`
  Finished,  // its entry returned
};

class ThreadContext;
// The code a thread runs. It must return normally; do_exit is expressed by returning early.
using ThreadEntry = std::function<void(ThreadContext&)>;

class ThreadContext {
 public:
  ThreadContext(ThreadId id, StackPool& pool) : id_(id), pool_(pool) {}
  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;

  // --- thread side ---
  // Parks the thread at `op`; the step's result once applied (exit_thread, when abandoned()).
  OpResult perform(const Op& op);
  [[noreturn]] void report(const Op& op);
  [[nodiscard]] ThreadId id() const { return id_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  // The shared state as it is now, read-only (an interpreter re-checks an await's condition).
  [[nodiscard]] const Store& store_view() const { return *store_; }
  // See "Abandoning" above; reset by every start().
  void set_returns_on_abandon() { returns_on_abandon_ = true; }
  // See "Restarting" above; reset by every start().
  void set_restartable() { restartable_ = true; }

  // --- scheduler side ---
  // Prepares a run of `entry` (not owned: it must outlive the execution) under `name`, whose body
  // is `body` (the thread body's FunctionId, for locations).
  void start(const std::string& name, const ThreadEntry* entry, FunctionId body);
  void resume();
  void abandon();  // unwinds an unfinished thread at the end of an execution
  // Parked at its first step and restartable: gives its stack back (see "Restarting"); false when
  // it cannot.
  bool release_stack();
  [[nodiscard]] bool released() const { return released_; }
  void set_result(const OpResult& result) { result_ = result; }
  void attach_store(const Store* store) { store_ = store; }
  [[nodiscard]] ThreadStatus status() const { return status_; }
  [[nodiscard]] const Op& pending() const { return pending_; }
  // The thread's local state, for state caching (null: the thread cannot be hashed).
  void set_state_source(const StateSource* source) { state_source_ = source; }
  [[nodiscard]] const StateSource* state_source() const { return state_source_; }
  [[nodiscard]] FunctionId body() const { return body_; }

  bool stop_spins = true;        // a spin loop's pass that would only repeat itself stops the thread
  std::int64_t argument = 0;     // a context's object (a pointer value), set before start()
  // The execution is being abandoned: perform() returned only to let the code return.
  [[nodiscard]] bool abandoned() const { return abandoning_; }

 private:
  static void run_entry(void* self);

  ThreadId id_;
  StackPool& pool_;
  Coroutine coroutine_;
  std::string name_;
  const ThreadEntry* entry_ = nullptr;
  FunctionId body_ = kNone;
  const Store* store_ = nullptr;
  const StateSource* state_source_ = nullptr;
  ThreadStatus status_ = ThreadStatus::Idle;
  bool returns_on_abandon_ = false;  // the code returns by itself when abandoned (see above)
  bool abandoning_ = false;          // abandon() resumed the thread to let it return
  bool restartable_ = false;         // the code can be run again up to its first step (above)
  bool released_ = false;            // parked at its first step without a coroutine
  bool rerunning_ = false;           // run again up to its first step: perform() does not park
  std::uint32_t performs_ = 0;       // perform() calls since start()
  Op pending_;
  OpResult result_;
};

}  // namespace preempt
