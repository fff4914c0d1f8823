#pragma once
// CheckConfig: every bound and choice of an exploration, with its documented default.
#include <cstdint>
#include <functional>
#include <optional>

namespace preempt {

class Execution;
enum class ExecutionEnd : std::uint8_t;

enum class StrategyKind : std::uint8_t {
  Dfs,   // exhaustive: every interleaving of the visible steps
  Dpor,  // optimal DPOR: one execution per Mazurkiewicz trace (equivalence class of interleavings)
};

struct CheckConfig {
  StrategyKind strategy = StrategyKind::Dfs;
  std::uint32_t max_steps = 10000;                // steps per execution; more: the execution is cut
  std::uint64_t max_executions = 0;               // 0: no limit
  double max_seconds = 0;                         // wall time; 0: no limit
  std::optional<std::uint32_t> preemption_bound;  // most preemptions per execution; none: unbounded
  bool stop_at_first_violation = true;
  // Debugging the reduction: compute every execution's canonical trace (canonical.hpp) and stop
  // with an error if one is explored twice. Costs a footprint per step and a set of all traces.
  bool check_canonical = false;
  // Called after every execution the strategy did not abandon (tests and debugging: final
  // states, canonical traces). Not called for init.
  std::function<void(const Execution&, ExecutionEnd)> observer;
};

}  // namespace preempt
