// Sampling strategies (random, pct) and the minimal counterexample, through the library API.
// The stateful strategy has its own file (stateful_test.cpp).
#include "tests/catch.hpp"
#include <filesystem>
#include <limits>
#include <set>
#include <string>

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/interp/scenario.hpp"
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
std::vector<std::string> schedules(const preempt::interp::LoadedScenario& scenario, CheckConfig config) {
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
  const auto check = [](const preempt::interp::LoadedScenario& scenario) {
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
      const auto scenario = preempt::interp::load_scenario(file, &errors);
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
      const auto scenario = preempt::interp::load_scenario_text("generated.scn", generator.generate(), &errors);
      REQUIRE(scenario);
      checked += check(*scenario) ? 1 : 0;
    }
    CHECK(checked >= 50);
  }
}

namespace {
// A scenario whose loops spin, explored to a safe verdict: some executions dropped where a stopped
// pass would read new values, none cut at the step limit.
preempt::ExploreResult explore_spinning_safely(const preempt::interp::LoadedScenario& scenario, StrategyKind strategy) {
  CheckConfig config;
  config.strategy = strategy;
  auto result = preempt::explore(scenario.model(), config);
  CHECK(result.verdict == Verdict::Safe);
  CHECK(result.spin_dropped > 0);
  CHECK(result.step_limited == 0);
  return result;
}

// The first violation's message, or the verdict's name when there is none.
std::string outcome(const std::string& text, StrategyKind strategy) {
  const auto scenario = preempt::test::load_text(text);
  CheckConfig config;
  config.strategy = strategy;
  config.max_steps = 200;
  const auto result = preempt::explore(scenario->model(), config);
  if (!result.violations.empty() && result.violations.front().violation) {
    return result.violations.front().violation->message;
  }
  return result.verdict == Verdict::Safe ? "safe" : result.verdict == Verdict::Incomplete ? "incomplete" : "other";
}
}  // namespace

TEST_CASE("loops: an iteration that changes nothing stops the thread like a spin loop's pass", "[spin]") {
  const auto dekker = load_file("scenarios/classic/dekker.scn");
  for (StrategyKind strategy : {StrategyKind::Dfs, StrategyKind::Dpor, StrategyKind::Stateful}) {
    CAPTURE(static_cast<int>(strategy));
    const auto safe = explore_spinning_safely(*dekker, strategy);
    if (strategy == StrategyKind::Dpor) CHECK(safe.executions == 12);
    if (strategy == StrategyKind::Dfs) CHECK(safe.executions == 1450);

    // An exit in the middle: finite with a writer, a hang without one.
    const std::string wait = "int ready;\nthread w {\n  for (;;) { if (ready == 1) { break; } }\n}\n";
    CHECK(outcome(wait + "thread s { ready = 1; }\n", strategy) == "safe");
    CHECK_THAT(outcome(wait, strategy),
               Catch::Contains("w spins for ever at line 3: each iteration of for (;;) changes nothing"));
    // A read into a local: the same from the second iteration on. A schedule() changes nothing.
    CHECK_THAT(outcome("int x;\nthread t {\n  int r;\n  while (x == 0) { r = x; schedule(); }\n}\n", strategy),
               Catch::Contains("t spins for ever at line 4: each iteration of while (x == 0)"));
    // Returning from inside the loop of a function leaves the loop.
    const std::string ask = "int ready;\nint ready_now() { while (1) { if (ready == 1) { return 1; } } return 0; }\n"
                            "thread w { int r = ready_now(); assert(r == 1); }\n";
    CHECK(outcome(ask + "thread s { ready = 1; }\n", strategy) == "safe");
    CHECK_THAT(outcome(ask, strategy), Catch::Contains("each iteration of while (1) changes nothing"));
    // A counter changes every iteration; so does a write of a new value: run as written.
    CHECK(outcome("int x;\nthread t { for (int i = 0; ; i++) { int r = x; } }\n", strategy) == "incomplete");
    CHECK(outcome("int x;\nthread t { while (1) { x = x + 1; } }\n", strategy) == "incomplete");
    // An iteration that awaits runs as written, even when it changes nothing (the stateful search
    // closes the cycle it makes in the state graph).
    CHECK(outcome("int x;\nthread t { while (1) { await(x == 0); } }\n", strategy) ==
          (strategy == StrategyKind::Stateful ? "safe" : "incomplete"));
  }
  CheckConfig sampling;
  sampling.strategy = StrategyKind::Random;
  sampling.samples = 50;
  const auto sampled = preempt::explore(dekker->model(), sampling);
  CHECK(sampled.spin_dropped == 0);  // every sample runs its loops as written, to their end
  CHECK(sampled.violations.empty());
}

namespace {
struct Reached {
  std::set<std::string> final_states;
  std::set<std::string> violation_kinds;
  bool covered = false;  // every execution ran to its end within the budget and the step limit
};
Reached reached(const preempt::interp::LoadedScenario& scenario, bool as_written, std::uint64_t budget) {
  Reached r;
  CheckConfig config;
  config.strategy = StrategyKind::Dfs;
  config.stop_at_first_violation = false;
  config.minimize = false;
  config.max_executions = budget;
  config.max_steps = 300;
  config.loops_as_written = as_written;
  config.observer = [&](const Execution& e, ExecutionEnd end) {
    if (end == ExecutionEnd::Complete) r.final_states.insert(preempt::test::state_key(e.store()));
    if (end == ExecutionEnd::Violation) {
      r.violation_kinds.insert(std::string(preempt::violation_spelling(e.outcome().violation->kind)));
    }
  };
  const auto result = preempt::explore(scenario.model(), config);
  r.covered = result.incomplete_reasons.empty() && result.step_limited == 0;
  return r;
}
}  // namespace

// Stopping a thread at a pass that changed nothing and would repeat itself is a reduction: such a
// pass can be cut out of any execution without changing anything, so the loops as written must
// reach the same final states and violations -- checked on the random programs with loops whose
// every schedule ends (as written) within the step limit.
TEST_CASE("loops: stopping a pass that would repeat itself loses nothing against the loops as written",
          "[spin][differential][random]") {
  std::uint32_t compared = 0;
  const std::uint32_t count = preempt::test::random_programs(2000) / 10;
  for (std::uint32_t seed = 1; seed <= count; ++seed) {
    CAPTURE(seed);
    preempt::test::ProgramGenerator generator(seed, preempt::test::ProgramGenerator::Profile::Spinning);
    const std::string text = generator.generate();
    INFO(text);
    const auto scenario = preempt::test::load_text(text);
    const Reached written = reached(*scenario, true, 5000);
    if (!written.covered) continue;
    const Reached stopped = reached(*scenario, false, 0);
    CHECK(stopped.covered);
    CHECK(stopped.final_states == written.final_states);
    CHECK(stopped.violation_kinds == written.violation_kinds);
    ++compared;
  }
  CHECK(compared * 4 >= count);  // most programs with loops end under every schedule
}

TEST_CASE("spin loops: the searches stop a pass that would repeat itself, random runs them as written",
          "[spin]") {
  const auto peterson = load_file("scenarios/classic/peterson-spin.scn");
  const auto missed = load_file("scenarios/classic/missed-flag.scn");
  for (StrategyKind strategy : {StrategyKind::Dfs, StrategyKind::Dpor, StrategyKind::Stateful}) {
    CAPTURE(static_cast<int>(strategy));
    const auto safe = explore_spinning_safely(*peterson, strategy);
    if (strategy == StrategyKind::Dpor) CHECK(safe.executions == 10);
    CheckConfig config;
    config.strategy = strategy;
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
