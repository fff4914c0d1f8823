#pragma once
// Execution: runs one execution of a model from its initial state, asking a Chooser at every
// scheduling point, and records the trace. Strategies run many executions through one Execution
// object, which reuses its thread slots, fiber stacks, store and trace buffers (no allocation per
// execution once warm).
//
// The loop: start every thread (each runs its local code up to its first visible step and parks);
// then repeatedly compute the enabled threads, ask the chooser for one, apply its pending Op to the
// Store (models/), record the step, resume the thread. It ends when every thread has finished (then
// `final` runs alone), on a violation, on a dropped execution (a failed assume), on a deadlock, at
// the step limit, or when the chooser stops it.
//
// For a chooser that wants maximal executions (DPOR), an execution that ends with a violation or a
// failed assume goes on: the thread at fault is halted and the others run to their end, with no
// further report (a later violation only halts its thread too). Everything the execution reports
// -- its end, its violation, steps(), reported_trace() -- stops where it ended; trace() has the
// whole run.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/explore/chooser.hpp"
#include "checker/explore/footprint.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"
#include "checker/explore/walkthrough.hpp"
#include "checker/rt/fiber.hpp"
#include "checker/rt/stop.hpp"
#include "checker/rt/store.hpp"
#include "checker/rt/trace.hpp"
#include "models/step.hpp"

namespace preempt {

// Limits and switches of an Execution.
struct ExecutionOptions {
  std::uint32_t max_steps = 10000;  // steps per execution; more: the execution is cut
  bool record_footprints = false;   // debugging the reduction: keep each step's footprint
  bool loops_as_written = false;    // testing: run loops as written even when the chooser would stop
                                    // passes that repeat themselves
  // A kernel context that runs more often than this in one execution (a timer that re-arms itself,
  // a work item that re-queues itself) cuts the execution: the stateless strategies would
  // otherwise explore ever longer executions. 0: no bound (the stateful search caches the cycle).
  std::uint32_t max_context_runs = 0;
};

// A violation in the part after the reported end: the scheduling choice whose step caused it.
struct LaterViolation {
  std::uint32_t choice = 0;
  ViolationKind kind = ViolationKind::Assertion;
};

// How an execution ended, as far as it has: what the reported end was, and what happened after.
struct Outcome {
  std::optional<ExecutionEnd> end;    // the reported end; unset while the execution goes on
  std::optional<Violation> violation;
  std::string error;                  // ModelError, Stopped: why
  std::uint32_t steps = 0;            // steps up to the reported end (so far, before it)
  std::uint32_t choices = 0;          // scheduling choices before the reported end (so far, before it)
  // Dropped because a thread stopped at a spin loop would read new values if it ran its
  // condition again (the executions in which it does are explored on their own).
  bool dropped_at_spin = false;
  // StepLimit: the thread that was running when the limit hit, and non-zero when it ran without
  // end between two visible steps, the line it loops at.
  ThreadId limit_thread = kNone;
  std::uint32_t limit_line = 0;
  // A context that ran max_context_runs times could have run again (ExecutionOptions): the
  // executions in which it does were not explored. bound_thread: that context.
  bool context_bound = false;
  ThreadId bound_thread = kNone;
  // Why the run after the reported end stopped before every thread had finished or blocked (a step
  // limit, a thread looping without a visible step, a model error): races of the steps it never
  // took were not seen. Empty when that part ran to its end.
  std::string cut_after_end;
  std::vector<LaterViolation> later_violations;  // in the part after the reported end
};

// Work done by an Execution over its life (Execution::work()).
struct WorkDone {
  std::uint64_t steps = 0;  // steps taken, in every run
  std::uint64_t runs = 0;   // runs begun (init, executions, witnesses, reruns)
};

class Execution final : public models::ThreadNames {
 public:
  Execution(const ModelProgram& program, const ExecutionOptions& options);
  ~Execution() override;
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // The state every execution starts from (default: the layout's initial store).
  // Makes the store every execution starts from (after init, whose trace it keeps for reports).
  void set_initial(const Store& store) {
    initial_.assign_from(store);
    init_trace_ = trace_;
    init_contexts_ = contexts_started_;
  }
  [[nodiscard]] const std::vector<TraceEntry>& init_trace() const { return init_trace_; }
  // Runs the program's threads to the end (then `final`, alone, after a complete execution).
  ExecutionEnd run(Chooser& chooser);
  // Runs `spec` alone in `phase` (init), from the initial state, to its end.
  ExecutionEnd run_alone(Phase phase, const ThreadSpec& spec);

  [[nodiscard]] const Outcome& outcome() const { return outcome_; }
  // The work this execution object has done: every run begun and every step taken, the current
  // run's so far included. A deterministic measure of effort (the auto strategy's race).
  [[nodiscard]] WorkDone work() const { return {work_.steps + steps_, work_.runs}; }
  // Every step run, including those after the reported end (see above).
  [[nodiscard]] const std::vector<TraceEntry>& trace() const { return trace_; }
  // The steps up to and including the reported end.
  [[nodiscard]] std::span<const TraceEntry> reported_trace() const {
    return {trace_.data(), outcome_.end ? reported_length_ : trace_.size()};
  }
  // The changes of steps that changed more than one cell, beyond their first (TraceEntry::extra_begin).
  [[nodiscard]] const std::vector<CellChange>& extra_changes() const { return extra_changes_; }
  // ExecutionOptions::record_footprints: footprints()[i] belongs to trace()[i].
  [[nodiscard]] const std::vector<Footprint>& footprints() const { return footprints_; }
  [[nodiscard]] const Store& store() const { return store_; }
  [[nodiscard]] const ModelLayout& layout() const { return layout_; }
  // Where the execution stands now: the state and each thread's position (walkthrough.hpp).
  [[nodiscard]] Snapshot snapshot() const;

  [[nodiscard]] std::uint32_t thread_count() const { return thread_count_; }
  [[nodiscard]] const std::string& thread_name(ThreadId thread) const override;
  [[nodiscard]] std::vector<std::string> thread_names() const;
  // The step a parked thread announced.
  [[nodiscard]] const Op& pending(ThreadId thread) const { return slots_[thread]->pending(); }
  // Why a parked thread cannot run now ("waits for mutex B, held by t2"), or its state.
  [[nodiscard]] std::string describe_thread(ThreadId thread) const;
  // A thread parked at a step it has not taken, not halted by a fault (after run(): blocked or
  // never scheduled again).
  [[nodiscard]] bool waiting_at_end(ThreadId thread) const;
  // Whether a parked thread's pending step could run if the shared objects were as in `store` (a
  // state the strategy rebuilt; the thread's own state, such as the spinlocks it holds, as now).
  [[nodiscard]] bool enabled_in(ThreadId thread, const Store& store) const;

  // State caching. The fingerprint of the current state (store, and every thread's status,
  // pending step and local state); nullopt when a thread's state cannot be hashed (C++ models).
  // With `symmetry`, threads running the same code (copies of a thread array) are anonymous:
  // states that differ only by a permutation of them, lock owners included, get the same
  // fingerprint.
  [[nodiscard]] std::optional<Fingerprint> fingerprint(bool symmetry) const;
  // After fingerprint(): each thread's place in the canonical order of the threads that the
  // fingerprint hashed (its own id without symmetry). States with equal fingerprints map onto each
  // other thread by thread through these ranks.
  [[nodiscard]] std::span<const ThreadId> fingerprint_ranks() const { return fingerprint_rank_; }
  // Adds to `out` every object that the steps `thread` may still take may touch (nothing for a
  // thread that has finished or stopped); false when its model cannot tell (C++ models).
  [[nodiscard]] bool future_accesses(ThreadId thread, AccessSet& out) const;
  // Whether the step `thread` announced starts a thread when taken now (a spawn, a kthread, the
  // first context of a work item, timer or RCU callback): it becomes thread thread_count().
  [[nodiscard]] bool spawns(ThreadId thread) const;
  // A context of the kernel that waits for work (its object is not pending): not a thread that
  // is stuck, whatever else happens (execution_contexts.cpp).
  [[nodiscard]] bool idle_context(ThreadId thread) const;

 private:
  void begin();
  [[nodiscard]] bool is_enabled(ThreadId thread) const;
  // State hashing (fingerprint()): a cell's role, one thread's part, the heap's part.
  [[nodiscard]] CellRole role_of(Addr addr) const;
  [[nodiscard]] bool hash_thread(ThreadId t, const PointerNames& names, StateHasher& h) const;
  template <class CellHash>
  void hash_heap(const PointerNames& names, StateHasher& h, const CellHash& cell) const;
  void finish();
  ThreadContext& start_thread(const ThreadSpec& spec, const std::string* name = nullptr, std::int64_t argument = 0);
  // Starts the context a step asked for (execution_contexts.cpp); its name says what it runs.
  void start_context(const models::ContextRequest& request);
  [[nodiscard]] std::string context_name(const models::ContextRequest& request) const;
  // A context that ran max_context_runs times cannot run again in this execution; when nothing
  // else can run and one of them could, the execution ends cut (Outcome::context_bound) instead of
  // completing or deadlocking without it.
  [[nodiscard]] bool at_context_bound(ThreadId thread) const {
    return context_runs_[thread] >= options_.max_context_runs &&
           op_info(slots_[thread]->pending().kind).control == Control::Idle;
  }
  bool context_bound_hit();
  // Whether a stop request ends the execution before its next step: polled every kStopPollSteps
  // steps, and at every step when there are that many threads (a step then costs O(threads): the
  // enabled set, a stateful strategy's fingerprint of every thread, 6 ms at 2000 threads).
  [[nodiscard]] bool stop_due() const {
    return (thread_count_ >= kStopPollSteps || steps_ % kStopPollSteps == 0) && stop_polled();
  }
  void step(ThreadId thread, bool preempted, Phase phase);
  // The value of thread `id`'s next nondet(n) step, from the chooser of run() (0 in init and alone);
  // -1 when the chooser stops the execution (a replayed value out of range: chooser error()).
  std::int64_t nondet_value(ThreadId id, std::int64_t n);
  void after_resume(ThreadContext& thread);
  // The models' context for a step (or an exit) of `thread`.
  [[nodiscard]] models::StepContext context(ThreadId thread, std::uint32_t step);
  // Ends the execution with the violation a model check put in `effect`.
  void fail_with(ThreadId thread, const models::StepEffect& effect);
  // Ends the execution as a model error (a limit of the engine the model ran into).
  void model_error(ThreadId thread, const std::string& why);
  // Every thread has finished (and `final`): the checks of the whole execution, then its end.
  void complete();
  // Records the reported end (the first one); later calls only stop the run going on.
  void end_with(ExecutionEnd end);
  // Whether the run goes on after its reported end, and halting a thread in that part.
  [[nodiscard]] bool going_on() const;
  void halt(ThreadId thread);
  void fail(ViolationKind kind, ThreadId thread, std::string message, ModuleId module = kNone);
  void deadlock();
  // Nothing can run and some threads stopped at spin loops: drops the execution if one of them
  // would read something new, else reports that they spin for ever.
  void end_spinning();
  // Runs `spec` alone in `phase` (init, final) until it ends, blocks or reaches the step limit.
  void continue_alone(Phase phase, const ThreadSpec& spec);
  void note_wakeups();

  const ModelProgram& program_;
  const ModelLayout& layout_;
  ExecutionOptions options_;
  StackPool pool_;
  std::vector<std::unique_ptr<ThreadContext>> slots_;
  std::uint32_t thread_count_ = 0;
  std::deque<ThreadSpec> spawned_;  // threads created in this execution (stable addresses)
  std::vector<models::ContextRequest> contexts_started_;  // this execution's, in order
  std::vector<models::ContextRequest> init_contexts_;     // init's: every execution starts them
  Store initial_;
  std::vector<TraceEntry> init_trace_;  // the steps of init (set_initial)
  Store store_;
  std::vector<TraceEntry> trace_;
  std::vector<CellChange> extra_changes_;
  std::vector<Footprint> footprints_;
  // Scratch of fingerprint(), called at every scheduling point of a stateful search.
  struct ThreadKey {
    FunctionId group;   // the thread's code: copies of a thread array share it
    Fingerprint local;  // its status, pending step and local state
  };
  mutable std::vector<ThreadKey> fingerprint_keys_;
  mutable std::vector<std::uint32_t> fingerprint_order_;
  mutable std::vector<ThreadId> fingerprint_rank_;
  mutable std::vector<std::uint32_t> fingerprint_heap_order_;
  std::vector<ThreadId> enabled_;
  std::vector<char> blocked_;       // per slot: parked and not enabled at the last point
  std::vector<char> halted_;        // per slot: stopped by its fault, after the reported end
  std::vector<models::ThreadKernel> kernel_;  // per slot: the locks it holds
  std::vector<std::int64_t> scratch_cells_;    // the models' scratch (a new heap object's fields)
  std::vector<std::size_t> last_entry_;        // per slot: its latest step in trace_ (kNoEntry: none)
  std::vector<std::uint32_t> nondet_count_;    // per slot: the nondet steps it has taken
  std::vector<std::uint32_t> context_runs_;    // per slot: how often a context ran its object
  std::vector<char> service_;                  // per slot: a `service thread`
  Chooser* chooser_ = nullptr;                 // the chooser of run(), which picks nondet values
  static constexpr std::size_t kNoEntry = ~std::size_t{0};
  static constexpr ThreadId kStacksKeptAtFirstStep = 16;  // see start_thread()
  bool maximal_ = false;            // the chooser wants maximal executions
  bool stop_spins_ = true;          // the chooser stops spin loops (Chooser::stops_spin_loops)
  bool run_on_ = false;             // running on after the reported end
  std::uint32_t spinning_ = 0;      // threads stopped at a spin loop (SpinReads in rt/op.hpp)
  std::uint32_t choices_ = 0;       // every scheduling choice, after the reported end too
  std::uint32_t steps_ = 0;         // every step, after the reported end too
  WorkDone work_;                   // the runs begun and the steps of the runs before this one
  std::size_t reported_length_ = 0;
  Phase phase_ = Phase::Threads;
  Outcome outcome_;
};

}  // namespace preempt
