#pragma once
// The names of the exploration strategies (strategies.def), for the language's `expect executions`
// lines and the command line. explore/config.hpp's StrategyKind has one enumerator per row, in order.
#include <array>
#include <string_view>

namespace preempt {

inline constexpr std::array kStrategyNames = {
#define PREEMPT_STRATEGY(name, spelling) std::string_view(spelling),
#include "checker/rt/strategies.def"
};

// Whether `name` names a strategy.
[[nodiscard]] inline bool is_strategy_name(std::string_view name) {
  for (std::string_view s : kStrategyNames) {
    if (s == name) return true;
  }
  return false;
}

}  // namespace preempt
