#pragma once
// The minimal counterexample by a search over states: a violating execution with the fewest
// preemptions, and among those the fewest steps, found by a best-first search (Dijkstra) over the
// nodes (state, thread that took the last step if it could go on). A step costs one step, plus one
// preemption when it switches away from a thread that could go on; what the cheapest violation from
// a node costs depends only on the node, so each node is expanded once, at its cheapest cost, and
// the search stops as soon as no node left can lead to a cheaper violation than the best found.
//
// Nodes are identified by the state's fingerprint (Execution::fingerprint, with symmetry when asked:
// then a node stands for all its permutations, whose futures cost the same) and the rank of the
// previous thread. States cannot be copied, so each edge is an execution: replay the path to the
// node from the initial state, take one step, fingerprint where it leads. The counterexample is
// the path of concrete thread ids the search took, re-run: a full schedule that `replay`
// reproduces.
//
// The result is exact (equal to what an exhaustive search of every interleaving would give) unless
// two different nodes share a fingerprint, or the search is cut short (`keep_going` said no, or the
// node table reached `max_bytes`), in which case `proven` is false and `best` is the best found.
#include <cstdint>
#include <functional>
#include <optional>

#include "checker/explore/execution.hpp"
#include "checker/explore/result.hpp"

namespace preempt {

struct MinimalSearch {
  std::optional<Counterexample> best;  // the cheapest violating execution found
  bool proven = false;                 // no cheaper one exists
  std::uint64_t executions = 0;        // executions the search ran
};

// Searches from the initial state of `execution` (init already run). `keep_going` is asked before
// every execution (a budget, the time limit, an interrupt).
[[nodiscard]] MinimalSearch minimal_counterexample(Execution& execution, bool symmetry, std::uint64_t max_bytes,
                                                   const std::function<bool()>& keep_going);

}  // namespace preempt
