// libFuzzer target: a whole `preempt check` through the library API with small limits --
// load, explore with dfs, write the text and JSON reports, replay the first violation's schedule
// (which must reproduce it), then explore with dpor under the canonical-trace check: when both
// explorations are complete, they must agree on whether there is a violation, and dpor must not
// need more executions.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "checker/explore/explorer.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/report/report.hpp"

namespace {

preempt::CheckConfig small_limits() {
  preempt::CheckConfig config;
  config.max_executions = 200;
  config.max_steps = 500;
  config.max_seconds = 1.0;
  config.minimize_budget = 200;
  return config;
}

void check_replay(const preempt::interp::LoadedScenario& scenario, const preempt::ExploreResult& result,
                  const preempt::CheckConfig& config) {
  if (result.violations.empty()) return;
  const preempt::Counterexample& found = result.violations.front();
  const preempt::ExploreResult again = preempt::replay(scenario.model(), found.schedule, config);
  if (again.verdict != preempt::Verdict::Violation || again.violations.empty()) __builtin_trap();
  const preempt::Counterexample& replayed = again.violations.front();
  if (replayed.trace.size() != found.trace.size() || replayed.schedule != found.schedule) __builtin_trap();
}

bool complete(const preempt::ExploreResult& result) {
  return result.verdict != preempt::Verdict::Error && result.incomplete_reasons.empty();
}

void check_dpor(const preempt::interp::LoadedScenario& scenario, const preempt::ExploreResult& dfs,
                preempt::CheckConfig config) {
  config.strategy = preempt::StrategyKind::Dpor;
  config.check_canonical = true;
  const preempt::ExploreResult dpor = preempt::explore(scenario.model(), config);
  if (dpor.verdict == preempt::Verdict::Error && dpor.error.starts_with("reduction check")) __builtin_trap();
  if (!complete(dfs) || !complete(dpor)) return;
  if ((dfs.verdict == preempt::Verdict::Violation) != (dpor.verdict == preempt::Verdict::Violation)) __builtin_trap();
  if (dfs.verdict == preempt::Verdict::Safe && dpor.executions > dfs.executions) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string errors;
  preempt::interp::VmLimits limits;
  limits.max_local_instructions = 20'000;  // keeps one input well under the fuzzer's -timeout
  const auto scenario = preempt::interp::load_scenario_text("fuzz.scn", text, &errors, limits);
  if (!scenario) return 0;
  const preempt::CheckConfig config = small_limits();
  const preempt::ExploreResult result = preempt::explore(scenario->model(), config);
  const preempt::ScenarioReport report{"fuzz.scn", &scenario->layout(), &result, "dfs", std::nullopt, false};
  std::ostringstream out;
  preempt::write_text(out, report);
  out << preempt::to_json(report).dump();
  check_replay(*scenario, result, config);
  check_dpor(*scenario, result, config);
  return 0;
}
