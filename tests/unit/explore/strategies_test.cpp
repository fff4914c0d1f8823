// Sampling strategies (random, pct) and the minimal counterexample, through the library API.
// The stateful strategy has its own file (stateful_test.cpp).
#include <catch2/catch.hpp>
#include <filesystem>
#include <limits>

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/lang/scenario.hpp"
#include "tests/unit/explore/program_generator.hpp"
#include "tests/unit/explore/test_support.hpp"

namespace {

using preempt::CheckConfig;
using preempt::Execution;
using preempt::ExecutionEnd;
using preempt::StrategyKind;
using preempt::Verdict;

using preempt::test::load_file;

// Every schedule of every execution a strategy runs, in order.
std::vector<std::string> schedules(const preempt::lang::LoadedScenario& scenario, CheckConfig config) {
  std::vector<std::string> out;
  config.observer = [&](const Execution& e, ExecutionEnd) {
    std::string s;
    for (const auto& t : e.reported_trace()) s += std::to_string(t.thread);
    out.push_back(s);
  };
  (void)preempt::explore(scenario.model(), config);
  return out;
}

}  // namespace

TEST_CASE("random and pct: the same seed gives the same executions, another seed others", "[sampling]") {
  const auto scenario = load_file("scenarios/classic/dining-philosophers.scn");
  for (StrategyKind strategy : {StrategyKind::Random, StrategyKind::Pct}) {
    CheckConfig config;
    config.strategy = strategy;
    config.samples = 50;
    config.stop_at_first_violation = false;
    config.seed = 42;
    const auto first = schedules(*scenario, config);
    CHECK(first.size() == 50);
    CHECK(schedules(*scenario, config) == first);
    config.seed = 43;
    CHECK(schedules(*scenario, config) != first);
  }
}

TEST_CASE("random and pct find the dm race and never call a sample safe", "[sampling]") {
  const auto buggy = load_file("scenarios/dm-sysfs-exit/buggy.scn");
  const auto fixed = load_file("scenarios/dm-sysfs-exit/fixed.scn");
  for (StrategyKind strategy : {StrategyKind::Random, StrategyKind::Pct}) {
    CheckConfig config;
    config.strategy = strategy;
    config.samples = 2000;
    const auto found = preempt::explore(buggy->model(), config);
    CHECK(found.verdict == Verdict::Violation);
    REQUIRE_FALSE(found.violations.empty());
    CHECK(found.violations.front().preemptions == 2);  // minimized
    const auto sampled = preempt::explore(fixed->model(), config);
    CHECK(sampled.verdict == Verdict::Incomplete);
    CHECK(sampled.executions == 2000);
  }
}

TEST_CASE("pct with depth 1 runs each execution without preemptions", "[sampling]") {
  // Depth 1: no change points, so each execution runs threads to completion in priority order.
  const auto scenario = load_file("scenarios/dm-sysfs-exit/buggy.scn");
  CheckConfig config;
  config.strategy = StrategyKind::Pct;
  config.pct_depth = 1;
  config.samples = 100;
  config.stop_at_first_violation = false;
  bool preempted = false;
  config.observer = [&](const Execution& e, ExecutionEnd) {
    for (const auto& t : e.reported_trace()) preempted |= t.preempted;
  };
  const auto result = preempt::explore(scenario->model(), config);
  CHECK_FALSE(preempted);
  CHECK(result.violations.empty());  // the dm race needs two preemptions
}

TEST_CASE("the reported counterexample has the fewest preemptions, then the fewest steps", "[minimize]") {
  // Independent check: an exhaustive run that records every violating execution.
  const auto check = [](const preempt::lang::LoadedScenario& scenario) {
    CheckConfig all;
    all.strategy = StrategyKind::Dfs;
    all.stop_at_first_violation = false;
    all.max_executions = 20000;
    all.minimize = false;
    std::uint32_t fewest_preemptions = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t fewest_steps = std::numeric_limits<std::uint32_t>::max();
    all.observer = [&](const Execution& e, ExecutionEnd end) {
      if (end != ExecutionEnd::Violation) return;
      std::uint32_t p = 0;
      for (const auto& t : e.reported_trace()) p += t.preempted ? 1 : 0;
      const auto steps = static_cast<std::uint32_t>(e.reported_trace().size());
      if (p < fewest_preemptions || (p == fewest_preemptions && steps < fewest_steps)) {
        fewest_preemptions = p;
        fewest_steps = steps;
      }
    };
    const auto exhaustive = preempt::explore(scenario.model(), all);
    if (!exhaustive.incomplete_reasons.empty() || fewest_steps == std::numeric_limits<std::uint32_t>::max()) {
      return false;
    }
    for (StrategyKind strategy : {StrategyKind::Dpor, StrategyKind::Dfs, StrategyKind::Stateful}) {
      CheckConfig config;
      config.strategy = strategy;
      const auto result = preempt::explore(scenario.model(), config);
      REQUIRE_FALSE(result.violations.empty());
      CHECK(result.violations.front().preemptions == fewest_preemptions);
      CHECK(result.violations.front().trace.size() == fewest_steps);
      CHECK_THAT(result.minimality, Catch::StartsWith("fewest preemptions"));
    }
    return true;
  };
  SECTION("every violating scenario of the library") {
    int checked = 0;
    for (const std::string& file : preempt::test::library_scenarios()) {
      CAPTURE(file);
      std::string errors;
      const auto scenario = preempt::lang::load_scenario(file, &errors);
      REQUIRE(scenario);
      checked += check(*scenario) ? 1 : 0;
    }
    CHECK(checked >= 10);
  }
  SECTION("random programs") {
    int checked = 0;
    for (std::uint32_t seed = 1; seed <= 300; ++seed) {
      CAPTURE(seed);
      preempt::test::ProgramGenerator generator(seed);
      std::string errors;
      const auto scenario = preempt::lang::load_scenario_text("generated.scn", generator.generate(), &errors);
      REQUIRE(scenario);
      checked += check(*scenario) ? 1 : 0;
    }
    CHECK(checked >= 50);
  }
}

TEST_CASE("spin loops: the searches stop a pass that would repeat itself, random runs them as written",
          "[spin]") {
  const auto peterson = load_file("scenarios/classic/peterson-spin.scn");
  const auto missed = load_file("scenarios/classic/missed-flag.scn");
  for (StrategyKind strategy : {StrategyKind::Dfs, StrategyKind::Dpor, StrategyKind::Stateful}) {
    CAPTURE(static_cast<int>(strategy));
    CheckConfig config;
    config.strategy = strategy;
    const auto safe = preempt::explore(peterson->model(), config);
    CHECK(safe.verdict == Verdict::Safe);
    CHECK(safe.spin_dropped > 0);
    CHECK(safe.step_limited == 0);
    if (strategy == StrategyKind::Dpor) CHECK(safe.executions == 10);
    const auto hang = preempt::explore(missed->model(), config);
    REQUIRE(hang.verdict == Verdict::Violation);
    REQUIRE(hang.violations.front().violation);
    CHECK(hang.violations.front().violation->kind == preempt::ViolationKind::Deadlock);
    CHECK_THAT(hang.violations.front().violation->message,
               Catch::Contains("consumer spins for ever at line 21: flag == 0 stays true"));
  }
  CheckConfig sampling;
  sampling.strategy = StrategyKind::Random;
  sampling.samples = 100;
  const auto sampled = preempt::explore(peterson->model(), sampling);
  CHECK(sampled.verdict == Verdict::Incomplete);  // sampling never says safe
  CHECK(sampled.spin_dropped == 0);               // every sample runs to its end
  CHECK(sampled.step_limited == 0);
  CHECK(sampled.violations.empty());
}
