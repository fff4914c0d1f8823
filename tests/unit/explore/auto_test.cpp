// The auto strategy (portfolio.hpp): dpor and stateful side by side. Its verdict is dfs's on
// random programs; its result is exactly the result of the search that decided, run alone (the
// same executions, states and counterexample); and it is the same on every run whatever the OS
// does with its two threads -- here with a third thread keeping a core busy.
#include "tests/catch.hpp"

#include <atomic>
#include <set>
#include <thread>

#include "checker/explore/explorer.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/rt/stop.hpp"
#include "tests/unit/explore/program_generator.hpp"
#include "tests/unit/explore/test_support.hpp"

namespace {

using preempt::CheckConfig;
using preempt::ExploreResult;
using preempt::StrategyKind;
using preempt::Verdict;
using preempt::test::load_text;

ExploreResult run(const preempt::interp::LoadedScenario& scenario, StrategyKind strategy,
                  std::uint64_t budget = 0) {
  CheckConfig config;
  config.strategy = strategy;
  config.max_executions = budget;
  config.max_steps = 500;
  config.max_memory_bytes = std::uint64_t{64} << 20;
  config.explain = true;
  return preempt::explore(scenario.model(), config);
}

// What a report shows of a result, times aside.
std::string shown(const ExploreResult& r) {
  std::string s = std::string(preempt::verdict_name(r.verdict)) + " by " + r.decided_by + ": " +
                  std::to_string(r.executions) + " executions, " + std::to_string(r.steps) + " steps, " +
                  std::to_string(r.states) + " states, " + std::to_string(r.abandoned) + " abandoned";
  for (const std::string& why : r.incomplete_reasons) s += "; " + why;
  for (const auto& c : r.violations) {
    s += "; " + c.schedule + " " + std::string(preempt::violation_spelling(c.violation->kind)) + " " +
         c.violation->message + " (" + std::to_string(c.preemptions) + " preemptions)";
    if (c.explanation) s += " explained";
  }
  return s + "; " + r.minimality + "; " + r.error;
}

void agrees_with_dfs(preempt::test::ProgramGenerator::Profile profile, std::uint32_t count) {
  std::uint32_t compared = 0;
  std::set<std::string> deciders;
  for (std::uint32_t seed = 1; seed <= count; ++seed) {
    CAPTURE(seed);
    preempt::test::ProgramGenerator generator(seed, profile);
    const std::string text = generator.generate();
    CAPTURE(text);
    // Each run on a scenario loaded afresh, as the CLI runs it: a search's counts can depend on
    // what ran on the same interpreter before (stateful's states after a dfs run, say).
    const ExploreResult dfs = run(*load_text(text), StrategyKind::Dfs, 20000);
    if (dfs.verdict == Verdict::Incomplete) continue;
    ++compared;
    const ExploreResult automatic = run(*load_text(text), StrategyKind::Auto);
    CHECK(automatic.verdict == dfs.verdict);
    // The decider's own result, to the counterexample and its explanation.
    REQUIRE((automatic.decided_by == "dpor" || automatic.decided_by == "stateful"));
    deciders.insert(automatic.decided_by);
    ExploreResult alone =
        run(*load_text(text), automatic.decided_by == "dpor" ? StrategyKind::Dpor : StrategyKind::Stateful);
    alone.decided_by = automatic.decided_by;
    CHECK(shown(alone) == shown(automatic));
  }
  CHECK(compared * 10 >= count * 8);
  CHECK(deciders.size() == 2);  // both searches win somewhere: the race is a race
}

}  // namespace

TEST_CASE("auto: dfs's verdict, and the deciding search's own result, on random programs", "[auto][random]") {
  // PREEMPT_RANDOM_PROGRAMS sets how many (the sanitizer build runs fewer).
  const std::uint32_t count = preempt::test::random_programs(600) / 4;
  SECTION("general") { agrees_with_dfs(preempt::test::ProgramGenerator::Profile::General, count); }
  SECTION("blocking") { agrees_with_dfs(preempt::test::ProgramGenerator::Profile::Blocking, count); }
  SECTION("spinning") { agrees_with_dfs(preempt::test::ProgramGenerator::Profile::Spinning, count); }
  SECTION("heap") { agrees_with_dfs(preempt::test::ProgramGenerator::Profile::Heap, count); }
}

TEST_CASE("auto: the same result on every run, with a busy core beside it", "[auto][determinism]") {
  std::atomic<bool> done{false};
  std::thread busy([&] {
    volatile std::uint64_t spin = 0;
    while (!done.load(std::memory_order_relaxed)) spin = spin + 1;
  });
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    preempt::test::ProgramGenerator generator(seed, preempt::test::ProgramGenerator::Profile::Blocking);
    const std::string text = generator.generate();
    const std::string first = shown(run(*load_text(text), StrategyKind::Auto));
    for (int again = 0; again < 4; ++again) CHECK(shown(run(*load_text(text), StrategyKind::Auto)) == first);
  }
  done = true;
  busy.join();
}

TEST_CASE("auto: a search cut short never decides", "[auto]") {
  // lastzero with 9 writers: dpor needs 1,536 executions; neither finishes within 50.
  const auto scenario = load_text(
      "int a[10];\nthread reader { int i = 9; while (a[i] != 0) { i--; } }\n"
      "thread w[9] { a[self + 1] = a[self] + 1; }\n");
  CheckConfig config;
  config.strategy = StrategyKind::Auto;
  config.max_executions = 50;
  const ExploreResult cut = preempt::explore(scenario->model(), config);
  CHECK(cut.verdict == Verdict::Incomplete);
  CHECK(cut.decided_by.empty());
  REQUIRE(cut.incomplete_reasons.size() == 2);
  CHECK(cut.incomplete_reasons[0] == "dpor: stopped at the execution limit (50 executions)");
  CHECK(cut.incomplete_reasons[1] == "stateful: stopped at the execution limit (50 executions)");
  // Stateful's memory limit cuts it; dpor concludes and decides.
  config.max_executions = 0;
  config.max_memory_bytes = 1;
  const ExploreResult decided = preempt::explore(scenario->model(), config);
  CHECK(decided.verdict == Verdict::Safe);
  CHECK(decided.decided_by == "dpor");
  CHECK(decided.executions == 1536);
}

TEST_CASE("auto: a stop request ends both searches, incomplete", "[auto]") {
  const auto scenario = load_text(
      "int a[16];\nthread reader { int i = 15; while (a[i] != 0) { i--; } }\n"
      "thread w[15] { a[self + 1] = a[self] + 1; }\n");
  CheckConfig config;
  config.strategy = StrategyKind::Auto;
  config.max_seconds = 0.3;
  const ExploreResult cut = preempt::explore(scenario->model(), config);
  CHECK(cut.verdict == Verdict::Incomplete);
  REQUIRE(cut.incomplete_reasons.size() == 2);
  CHECK(cut.incomplete_reasons[0] == "dpor: stopped at the time limit (0.3 s)");
  CHECK(cut.incomplete_reasons[1] == "stateful: stopped at the time limit (0.3 s)");
  CHECK(cut.seconds < 5);
}
