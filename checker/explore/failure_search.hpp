#pragma once
// Every way a scenario fails, not only the first: an exploration that goes on past violations and
// groups the violating executions as they come, keeping one counterexample per group, within a
// bound, then explains the kept ones (explain.hpp) so that a writer can name failure classes.
//
// A group is the violation kind and the failing step (its function, operation and line): the
// same failure at the same place, however the threads got there. A deadlock is grouped by what its
// threads wait for (its message; its last step is only whichever thread happened to run last). A
// violation tied to no step otherwise is grouped by the execution's racing pairs (explain.hpp's
// racing_pairs, each named by its two steps' functions, operations and lines). The group keeps its
// best execution (fewest preemptions, then fewest steps; the first found among equals: the search
// order is deterministic). At most max_groups are kept; a violating execution that would start one
// more is only counted (FailureSearch::ungrouped).
//
// Memory is bounded by max_groups counterexamples; time by the config's limits (max_seconds,
// max_executions, a stop request) plus at most max_groups * explain_replays replays.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"

namespace preempt {

struct FailureGroup {
  Counterexample example;        // the group's best violating execution, explained
  std::uint64_t executions = 0;  // violating executions that fell in the group
};

struct FailureSearch {
  ExploreResult result;              // the exploration; its violations hold only a failure of init
  std::vector<FailureGroup> groups;  // in the order their first execution was found
  std::uint64_t ungrouped = 0;       // violating executions not kept: max_groups was reached
};

// Violations tied to no step, with traces longer than this, are grouped by their kind alone: finding the races of
// every violating execution must stay cheap (explain.hpp's relation is cubic at worst).
inline constexpr std::size_t kMaxGroupedSteps = 256;

// Explores `program` under `config` (its strategy and limits; stop_at_first_violation, minimize
// and explain are set here) and groups every violating execution.
[[nodiscard]] FailureSearch search_failures(const ModelProgram& program, CheckConfig config, std::size_t max_groups);

}  // namespace preempt
