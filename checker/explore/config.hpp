#pragma once
// CheckConfig: every bound and choice of an exploration, with its documented default.
#include <cstdint>
#include <functional>
#include <optional>

namespace preempt {

class Execution;
struct Counterexample;
enum class ExecutionEnd : std::uint8_t;
struct WorkDone;

// The strategies, one per row of rt/strategies.def (their names), in that order:
//   Dfs       exhaustive: every interleaving of the visible steps
//   Dpor      optimal DPOR: one execution per Mazurkiewicz trace (equivalence class of interleavings)
//   Random    sampling: a uniformly random enabled thread at every point
//   Pct       sampling: probabilistic concurrency testing with bug depth pct_depth
//   Stateful  depth-first search of the state graph with state caching (scenario models)
//   Auto      dpor and stateful side by side; the one that concludes with less work decides
//             (portfolio.hpp)
enum class StrategyKind : std::uint8_t {
#define PREEMPT_STRATEGY(name, spelling) name,
#include "checker/rt/strategies.def"
};

// A running exploration's progress, as CheckConfig::progress sees it.
struct ExploreProgress {
  std::uint64_t executions = 0;  // executions run so far
  std::uint32_t depth = 0;       // steps of the latest execution
  double seconds = 0;            // wall time since the exploration began
};

struct CheckConfig {
  StrategyKind strategy = StrategyKind::Dfs;
  std::uint32_t max_steps = 10000;                // steps per execution; more: the execution is cut
  std::uint64_t max_executions = 0;               // 0: no limit
  double max_seconds = 0;                         // wall time; 0: no limit
  std::optional<std::uint32_t> preemption_bound;  // most preemptions per execution; none: unbounded
  bool stop_at_first_violation = true;
  // Sampling strategies (random, pct): the seed, how many executions, PCT's bug depth.
  std::uint64_t seed = 1;
  std::uint64_t samples = 1000;
  std::uint32_t pct_depth = 3;
  // After a violation, search for one with the fewest preemptions, then the fewest steps
  // (preemption-bounded exhaustive searches with bound 0, 1, ...), within this many executions.
  bool minimize = true;
  std::uint64_t minimize_budget = 200000;
  // For the reported counterexamples (and a replayed execution): explain the races that decide
  // each violation (explain.hpp: at most explain_replays reversals replayed, explain_races kept),
  // and record the state at every step of the first one (walkthrough.hpp).
  bool explain = false;
  std::uint32_t explain_replays = 12;
  std::uint32_t explain_races = 3;
  bool walkthrough = false;
  // Debugging the reduction: compute every execution's canonical trace (canonical.hpp) and stop
  // with an error if one is explored twice. Costs a footprint per step and a set of all traces.
  bool check_canonical = false;
  // Testing the loop semantics: run every loop as written, as random sampling does, instead of
  // stopping a thread at a loop pass that would only repeat itself (scenario-language.md, "Spin
  // loops"). Threads that spin then run until the step limit.
  bool loops_as_written = false;
  // Stateful strategy: merge states equal up to a permutation of a thread array's copies; reduce
  // by sleep sets stored with the states and one-thread ample sets (off: expand every state fully);
  // the most memory its visited set may take.
  bool symmetry = true;
  bool reduction = true;
  std::uint64_t max_memory_bytes = std::uint64_t{4} << 30;
  // Called after every execution the strategy did not abandon (tests and debugging: final
  // states, canonical traces). Not called for init.
  std::function<void(const Execution&, ExecutionEnd)> observer;
  // When set, every violating execution (a DPOR witness too) is handed to it instead of being kept
  // in ExploreResult::violations: a search that goes on past violations (stop_at_first_violation
  // false) keeps only what its caller needs, so memory stays bounded. The verdict still counts
  // them (ExploreResult::violating_executions). Called on the exploring thread, between executions.
  std::function<void(Counterexample&&)> on_violation;
  // Called with how far the exploration has got, at most every progress_interval seconds (the
  // clock is read every 16 executions), never before the first interval has passed (a progress
  // display: cli/progress.hpp). Not called by replay().
  std::function<void(const ExploreProgress&)> progress;
  double progress_interval = 0.2;
  // The auto strategy's race (portfolio.hpp); both empty otherwise. `outrun` is asked before every
  // execution with the work done so far (Execution::work()): true ends the search, inconclusive.
  // `concluded` hears the work at the search's end when it ended conclusively (safe over the
  // whole space, a violation, a model error), before the counterexample is minimized; false: the
  // result will not be used (another search concluded first), so it is neither minimized nor explained.
  std::function<bool(const WorkDone&)> outrun;
  std::function<bool(const WorkDone&)> concluded;
};

}  // namespace preempt
