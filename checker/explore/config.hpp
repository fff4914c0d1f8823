#pragma once
// CheckConfig: every bound and choice of an exploration, with its documented default.
#include <cstdint>
#include <optional>

namespace preempt {

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
};

}  // namespace preempt
