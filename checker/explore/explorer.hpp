#pragma once
// The exploration entry points: explore() runs a strategy over a model program until the space is
// covered, a violation is found, or a limit ends it; replay() runs exactly one given schedule.
#include <atomic>
#include <string_view>

#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"
#include "checker/rt/stop.hpp"

namespace preempt {

// g_stop_requested (rt/stop.hpp), set from a signal handler say, stops an exploration early, within
// milliseconds even inside an execution; the result is then "incomplete". So does max_seconds.

class Execution;

// The report of one execution that has ended (up to its reported end): its violation, steps,
// thread names, schedule and preemptions.
[[nodiscard]] Counterexample counterexample_of(const Execution& execution);

[[nodiscard]] ExploreResult explore(const ModelProgram& program, const CheckConfig& config);
[[nodiscard]] ExploreResult replay(const ModelProgram& program, std::string_view schedule,
                                   const CheckConfig& config);

// Explains counterexamples an explore() of `program` under `config` found and handed away
// (CheckConfig::on_violation): each one's races, replayed under config's limits and explain_replays,
// explain_races (explain.hpp). Returns false, explaining none, when init does not complete.
[[nodiscard]] bool explain_counterexamples(const ModelProgram& program, const CheckConfig& config,
                                           std::vector<Counterexample>& examples);

// Runs one schedule on `execution`, whose initial state is already the one after init, and
// reports it as replay() does (without explaining it).
[[nodiscard]] ExploreResult replay_on(Execution& execution, std::string_view schedule, const CheckConfig& config);
// The snapshots of counterexample `c` replayed on `execution` (walkthrough.hpp); none for a trace
// longer than kMaxWalkthroughSteps.
[[nodiscard]] std::vector<Snapshot> walk(Execution& execution, const Counterexample& c);

}  // namespace preempt
