// The search for every failure (explore/failure_search.hpp) and the hook it rests on
// (CheckConfig::on_violation): every violating execution is handed over, none is kept, the verdict
// still counts them; groups are bounded, explained and replayable; dpor and dfs find the same ones.
#include <set>
#include <string>

#include "tests/unit/explore/test_support.hpp"

#include "checker/explore/explorer.hpp"
#include "checker/explore/failure_search.hpp"

using preempt::test::load_file;

namespace preempt {

namespace {

const char* const kTwoRaces = "tests/cli/fixtures/diff/two-races-buggy.scn";

// A group as the search names it, without its example: kind and failing step's function and line,
// a deadlock's message.
std::set<std::string> group_names(const FailureSearch& search) {
  std::set<std::string> names;
  for (const FailureGroup& group : search.groups) {
    const Counterexample& c = group.example;
    std::string name = std::string(violation_spelling(c.violation->kind));
    if (c.violation->kind == ViolationKind::Deadlock) {
      names.insert(name + " " + c.violation->message);
      continue;
    }
    for (const TraceEntry& e : c.trace) {
      if (e.step == c.violation->step) name += fmt::format(" {}:{}", e.op.location, e.op.line);
    }
    names.insert(name);
  }
  return names;
}

}  // namespace

TEST_CASE("on_violation receives every violating execution and the verdict still counts them", "[failures]") {
  for (const char* path : {"scenarios/dm-sysfs-exit/buggy.scn", kTwoRaces}) {
    INFO(path);
    const auto scenario = load_file(path);
    CheckConfig config;
    config.strategy = StrategyKind::Dfs;
    config.stop_at_first_violation = false;
    config.minimize = false;
    const ExploreResult kept = explore(scenario->model(), config);
    REQUIRE(!kept.violations.empty());
    CHECK(kept.violating_executions == kept.violations.size());

    std::vector<std::string> handed;
    config.on_violation = [&](Counterexample&& c) { handed.push_back(c.schedule); };
    const ExploreResult given = explore(scenario->model(), config);
    CHECK(given.violations.empty());
    CHECK(given.verdict == Verdict::Violation);
    CHECK(given.violating_executions == kept.violating_executions);
    REQUIRE(handed.size() == kept.violations.size());
    for (std::size_t i = 0; i < handed.size(); ++i) CHECK(handed[i] == kept.violations[i].schedule);
  }
}

TEST_CASE("search_failures: one group per failing step, explained, replayable, bounded", "[failures]") {
  const auto scenario = load_file(kTwoRaces);
  const FailureSearch search = search_failures(scenario->model(), CheckConfig{.strategy = StrategyKind::Dpor}, 32);
  CHECK(search.result.verdict == Verdict::Violation);
  CHECK(search.result.violations.empty());
  REQUIRE(search.groups.size() == 2);  // the return into dm_kobject_release, the one into dm_stats_release
  CHECK(search.ungrouped == 0);
  std::uint64_t executions = 0;
  for (const FailureGroup& group : search.groups) {
    executions += group.executions;
    REQUIRE(group.example.explanation);
    CHECK(!group.example.explanation->races.empty());
    CHECK(group.example.explanation->races.front().outcome == ReversedOutcome::Avoided);
    const ExploreResult replayed = replay(scenario->model(), group.example.schedule, CheckConfig{});
    REQUIRE(replayed.verdict == Verdict::Violation);
    CHECK(replayed.violations.front().violation->kind == group.example.violation->kind);
    CHECK(replayed.violations.front().violation->step == group.example.violation->step);
  }
  CHECK(executions == search.result.violating_executions);

  const FailureSearch one = search_failures(scenario->model(), CheckConfig{.strategy = StrategyKind::Dpor}, 1);
  CHECK(one.groups.size() == 1);
  CHECK(one.ungrouped == search.groups[1].executions);
}

TEST_CASE("search_failures: dpor finds the groups dfs finds on the scenario library", "[failures][dpor]") {
  std::size_t compared = 0;
  for (const std::string& path : preempt::test::library_scenarios()) {
    std::string errors;
    const auto scenario = interp::load_scenario(path, &errors);
    if (!scenario) continue;
    CheckConfig config;
    config.max_executions = 20000;
    config.strategy = StrategyKind::Dfs;
    const FailureSearch dfs = search_failures(scenario->model(), config, 64);
    if (dfs.result.verdict != Verdict::Violation || !dfs.result.incomplete_reasons.empty()) continue;
    config.strategy = StrategyKind::Dpor;
    const FailureSearch dpor = search_failures(scenario->model(), config, 64);
    INFO(path);
    CHECK(group_names(dpor) == group_names(dfs));
    ++compared;
  }
  CHECK(compared >= 20);
}

}  // namespace preempt
