#pragma once
// Stepper: an execution scheduled from outside, one choice at a time (`preempt play`, the teaching
// page). It runs init once; at() replays a list of choices from the state after init (the engine is
// deterministic, so undo is dropping the last choice) and says where the execution stands then.
// Every scheduling point's state is fingerprinted, so that a position can say it is a state the
// execution was in before (a loop went round without changing anything).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"

namespace preempt {

class Execution;

// Where an execution that followed some choices stands.
struct Position {
  bool over = false;               // it ended before the choices ran out (or init failed)
  ExecutionEnd end{};              // over: how it ended
  std::string error;               // over with a model error: why
  Counterexample so_far;           // the steps taken, as a report shows them
  Snapshot point;                  // not over: the scheduling point reached
  std::vector<ThreadId> enabled;   // not over: the threads that can take the next step
  std::vector<ThreadId> ran_alone; // the choices at() made itself (run_alone): one per step taken
  std::optional<std::uint32_t> same_state_as;  // not over: an earlier point, k steps in, whose state
                                               // (store, every thread's place and locals) is this one
  bool dropped_at_spin = false;    // over, Dropped: a loop pass stopped its thread, and another thread
                                   // then changed what it read (not a failed assume())
};

class Stepper {
 public:
  // Runs init; `config` bounds every execution (max_steps) and explanations.
  Stepper(const ModelProgram& program, const CheckConfig& config);
  ~Stepper();
  Stepper(const Stepper&) = delete;
  Stepper& operator=(const Stepper&) = delete;

  // The execution that takes `choices` (a thread per step, each enabled where it is taken), stopped
  // at the next scheduling point or where it ended. With `run_alone` > 0, a point where only one
  // thread can run is no stop: that thread runs (Position::ran_alone), up to `run_alone` steps,
  // unless the point repeats an earlier state (the thread alone would repeat itself for ever).
  [[nodiscard]] Position at(std::span<const ThreadId> choices, std::uint32_t run_alone = 0);
  // The explanation of an execution reached here that ended in a violation.
  [[nodiscard]] Explanation explain(const Counterexample& c);

 private:
  CheckConfig config_;
  std::unique_ptr<Execution> execution_;
  Position init_failed_;  // over, when init itself ended the game
  bool init_ok_ = true;
};

}  // namespace preempt
