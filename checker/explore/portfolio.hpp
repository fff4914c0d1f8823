#pragma once
// The auto strategy: dpor and stateful search the same program side by side, each on its own OS
// thread with its own program instance (ModelProgram::another) and its own Execution, and the one
// that concludes with less work decides.
//
// Neither wins everywhere (docs/performance.md, "The default strategy"): dpor is fast where
// threads are many and independent, stateful where interleavings reach few distinct states. Which
// one decides must not depend on timing, so work is counted in deterministic units -- the steps
// and runs of each search's Execution (Execution::work()), weighted by a per-strategy cost
// calibrated so that a unit is about the same time in both. A search that concludes (safe over the
// whole space, a violation, a model error) publishes its units C; the other goes on only while its
// own units are below C, and any later conclusion of its own counts only if its C is smaller (ties:
// dpor). So the winner, its result, counts, counterexample and reports are a function of the input
// alone, and the wall time is about the faster search's.
//
// A search cut short (--max-time, --max-executions, stateful's memory limit, an interrupt) or that
// ended without covering the space (an execution at the step limit, say) never decides: the other
// one does if it concludes; if neither does the result is incomplete with both searches' reasons.
// With a preemption bound both searches are the bounded dfs, with an observer (which wants one
// search's executions) or without a second program instance (the C++ API), dpor runs alone.
#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"

namespace preempt {

// Runs the auto strategy (config.strategy is Auto; each search gets a copy of config with its own
// strategy). The result is the deciding search's, with decided_by naming it.
[[nodiscard]] ExploreResult explore_auto(const ModelProgram& program, const CheckConfig& config);

}  // namespace preempt
