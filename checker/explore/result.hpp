#pragma once
// ExploreResult: what an exploration established. "safe" is only ever claimed when the whole space
// was explored; any limit that cut it short makes the verdict "incomplete" and says why.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/explore/explain.hpp"
#include "checker/explore/walkthrough.hpp"
#include "checker/rt/trace.hpp"

namespace preempt {

enum class Verdict : std::uint8_t { Safe, Violation, Incomplete, Error };

// How one execution ended.
enum class ExecutionEnd : std::uint8_t {
  Complete,    // every thread finished (and final passed)
  Violation,   // violation() says what
  Dropped,     // an assume() failed: the execution does not count
  StepLimit,   // cut at max_steps
  ModelError,  // the model itself is broken (error() says why)
  Stopped,     // the chooser stopped it (its error() says why)
};

[[nodiscard]] const char* verdict_name(Verdict verdict);

// One execution, complete enough to print, replay and explain: a failing one (violation set), or
// the one that replay() ran.
struct Counterexample {
  std::optional<Violation> violation;
  std::vector<TraceEntry> trace;
  std::vector<TraceEntry> init_trace;     // the steps of init, which it starts after (not numbered in it)
  std::vector<std::string> thread_names;  // by ThreadId, as in this execution
  std::string schedule;                   // replayable: see schedule.hpp
  std::uint32_t preemptions = 0;
  std::optional<Explanation> explanation;  // CheckConfig::explain: its deciding races
  std::vector<Snapshot> walkthrough;       // CheckConfig::walkthrough: the state at each step

  [[nodiscard]] TraceView view() const { return {trace, init_trace}; }
};

struct ExploreResult {
  Verdict verdict = Verdict::Safe;
  std::uint64_t executions = 0;    // executions run (complete, failing, dropped or cut)
  std::uint64_t steps = 0;         // steps taken over all executions
  std::uint64_t dropped = 0;       // executions dropped by a failed assume()
  std::uint64_t spin_dropped = 0;  // executions dropped where a stopped spin loop would read new values
  std::uint64_t step_limited = 0;  // executions cut at the step limit
  std::uint64_t abandoned = 0;     // executions the strategy abandoned (dpor: sleep-set blocked)
  std::uint64_t cut_after_end = 0;  // dpor: runs whose part after an early end was cut short
  std::uint64_t reruns = 0;        // runs that repeat an execution (not counted): dpor's after an early
                                   // end, and any search's under nondet values it does not reach
  std::uint32_t max_depth = 0;     // most steps in one execution
  std::uint64_t states = 0;           // stateful: distinct states stored
  std::uint64_t distinct_traces = 0;  // check_canonical: Mazurkiewicz traces among the executions
  double seconds = 0;
  std::vector<std::string> incomplete_reasons;  // why the space was not covered (empty: covered)
  std::vector<Counterexample> violations;
  std::uint64_t violating_executions = 0;  // executions (and DPOR witnesses) that ended in a violation
  std::optional<Counterexample> replayed;  // replay(): the execution that ran
  std::string error;               // Verdict::Error: what is wrong with the model
  std::string note;                // e.g. replay: the schedule ended before the execution did
  // How the reported counterexample was chosen (fewest preemptions, proven or not).
  std::string minimality;
  std::uint64_t minimize_executions = 0;  // executions the search for a smaller one ran
  std::string decided_by;  // the auto strategy: the strategy whose result this is ("": neither concluded)
};

}  // namespace preempt
