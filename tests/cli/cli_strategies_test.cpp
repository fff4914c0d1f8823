// The strategies through the CLI: auto by default (the same output on every run), the preemption bound, random and pct sampling
// with their seed in every report, the minimal counterexample, and the canonical-trace check.
#include "tests/catch.hpp"
#include <atomic>
#include <regex>
#include <sstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;
using Json = nlohmann::json;

namespace {
const std::string kBuggy = "scenarios/dm-sysfs-exit/buggy.scn";
const std::string kFixed = "scenarios/dm-sysfs-exit/fixed.scn";
}  // namespace

TEST_CASE("strategies: a preemption bound below the race's two is incomplete, not safe", "[cli][strategies]") {
  const auto one = run_preempt("check --preemption-bound 1 " + kBuggy);
  CHECK(one.exit_code == 3);
  CHECK_THAT(one.out, Catch::Contains("verdict: INCOMPLETE"));
  CHECK_THAT(one.out, Catch::Contains("preemption bound 1"));
  CHECK_THAT(one.out, Catch::Contains("the preemption bound (1) cut schedules with more preemptions"));
  const auto two = run_preempt("check --preemption-bound 2 " + kBuggy);
  CHECK(two.exit_code == 1);
  CHECK_THAT(two.out, Catch::Contains("preemptions: 2"));
  const auto zero_json = run_preempt("check --format json --preemption-bound 0 " + kBuggy);
  CHECK(zero_json.exit_code == 3);
  const Json j = Json::parse(zero_json.out);
  CHECK(j["verdict"] == "incomplete");
  CHECK(j["preemption_bound"] == 0);
}

TEST_CASE("strategies: every strategy reports the dm race with its two preemptions", "[cli][strategies]") {
  for (const std::string strategy : {"dpor", "dfs", "random", "pct"}) {
    CAPTURE(strategy);
    const auto run = run_preempt("check --strategy " + strategy + " --format json " + kBuggy);
    CHECK(run.exit_code == 1);
    const Json j = Json::parse(run.out);
    CHECK(j["strategy"] == strategy);
    REQUIRE(j["violations"].size() == 1);
    CHECK(j["violations"][0]["kind"] == "unloaded-code");
    CHECK(j["violations"][0]["preemptions"] == 2);
    CHECK(j["violations"][0]["schedule"] == "sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader");
    CHECK_THAT(j["minimality"].get<std::string>(), Catch::StartsWith("fewest preemptions"));
  }
}

TEST_CASE("strategies: sampling names its seed, repeats itself, and is never safe", "[cli][strategies]") {
  const auto a = run_preempt("check --strategy random --seed 9 --executions 300 " + kFixed);
  CHECK(a.exit_code == 3);
  CHECK_THAT(a.out, Catch::Contains("strategy random, seed 9"));
  CHECK_THAT(a.out, Catch::Contains("random sampling (seed 9) ran 300 executions"));
  const auto json = run_preempt("check --strategy pct --depth 2 --seed 5 --executions 100 --format json " + kFixed);
  CHECK(json.exit_code == 3);
  const Json j = Json::parse(json.out);
  CHECK(j["seed"] == 5);
  CHECK(j["executions"] == 100);
  CHECK(j["verdict"] == "incomplete");
  // The same seed twice: the same report (apart from timings).
  const auto again = run_preempt("check --strategy pct --depth 2 --seed 5 --executions 100 --format json " + kFixed);
  Json k = Json::parse(again.out);
  Json l = j;
  k.erase("seconds");
  l.erase("seconds");
  CHECK(k == l);
}

TEST_CASE("strategies: --no-minimize reports the first violation found", "[cli][strategies]") {
  const auto run = run_preempt("check --no-minimize --strategy random --seed 3 " + kBuggy);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, !Catch::Contains("minimal:"));
}

TEST_CASE("strategies: --check-traces proves dpor explored no trace twice", "[cli][strategies]") {
  const auto run = run_preempt("check --check-traces --strategy dpor --format json " + kFixed);
  CHECK(run.exit_code == 0);
  const Json j = Json::parse(run.out);
  CHECK(j["distinct_traces"] == j["executions"]);
  const auto dfs = run_preempt("check --check-traces --strategy dfs --format json " + kFixed);
  const Json d = Json::parse(dfs.out);
  CHECK(d["executions"] == 12);
  CHECK(d["distinct_traces"] == j["executions"]);  // dfs runs the same 3 traces, 12 interleavings
}

TEST_CASE("strategies: dpor abandons no execution on any scenario file", "[cli][strategies]") {
  // Every wakeup-tree branch dpor starts can run to its end: "abandoned" (executions cut as
  // sleep-set blocked) is 0 on the whole library and on the test fixtures (slow.scn is cut by time;
  // missing-semicolon.scn is an input error with no counts).
  const auto run = run_preempt("check --strategy dpor --format json --no-minimize --max-time 1 scenarios tests/cli/fixtures");
  CHECK(run.exit_code == 2);  // the fixture with a syntax error
  std::istringstream lines(run.out);
  std::size_t reports = 0;
  for (std::string line; std::getline(lines, line);) {
    const Json j = Json::parse(line);
    CAPTURE(j["scenario"]);
    if (j["verdict"] == "error") continue;
    ++reports;
    CHECK(j["strategy"] == "dpor");
    CHECK(j["abandoned"] == 0);
  }
  CHECK(reports >= 30);
}

TEST_CASE("strategies: dpor counts the runs after an early end apart", "[cli][strategies]") {
  const std::string file = "tests/cli/fixtures/early-end.scn";
  const auto text = run_preempt("check --strategy dpor " + file);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("7 executions") && Catch::Contains("1 dropped by assume") &&
                           Catch::Contains("5 more runs repeating an execution"));
  const Json j = Json::parse(run_preempt("check --strategy dpor --format json " + file).out);
  CHECK(j["executions"] == 7);
  CHECK(j["dropped"] == 1);
  CHECK(j["reruns"] == 5);
  const Json d = Json::parse(run_preempt("check --strategy dfs --format json " + file).out);
  CHECK(d["executions"] == 76);
  CHECK(d["reruns"] == 0);
  CHECK(run_preempt("test " + file).exit_code == 0);
  CHECK(run_preempt("test --strategy dfs " + file).exit_code == 0);
}

TEST_CASE("strategies: bad strategy options are usage errors", "[cli][strategies]") {
  CHECK(run_preempt("check --strategy bfs " + kBuggy).exit_code == 2);
  CHECK(run_preempt("check --strategy pct --depth 0 " + kBuggy).exit_code == 2);
  CHECK(run_preempt("check --strategy random --executions 0 " + kBuggy).exit_code == 2);
  CHECK(run_preempt("check --strategy random --seed -1 " + kBuggy).exit_code == 2);
}

TEST_CASE("strategies: stateful proves 1e17 interleavings safe through symmetry, and stops at its memory limit",
          "[cli][strategies][stateful]") {
  // slow.scn: four copies of a thread writing x eight times, 32!/(8!)^4 interleavings.
  const auto proof = run_preempt("check --strategy stateful --format json tests/cli/fixtures/slow.scn");
  CHECK(proof.exit_code == 0);
  const Json j = Json::parse(proof.out);
  CHECK(j["verdict"] == "safe");
  CHECK(j["states"].get<std::uint64_t>() < 5000);
  // many-states.scn: 59,048 states with no symmetry to merge them; 1 MiB holds 24,576.
  const auto cut = run_preempt("check --strategy stateful --max-memory 1 tests/cli/fixtures/many-states.scn");
  CHECK(cut.exit_code == 3);
  CHECK_THAT(cut.out, Catch::Contains("stopped at the memory limit (1 MiB) after 24576 states"));
  const auto found = run_preempt("check --strategy stateful " + kBuggy);
  CHECK(found.exit_code == 1);
  CHECK_THAT(found.out, Catch::Contains("schedule: sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader"));
  CHECK_THAT(found.out, Catch::Contains("minimal:  fewest preemptions: no execution with fewer than 2 preemptions"));
}

TEST_CASE("strategies: stateful without reduction stores more states for the same verdict",
          "[cli][strategies][stateful]") {
  const auto states = [](const std::string& options) {
    const auto run = run_preempt("check --strategy stateful --format json " + options + " scenarios/dm-sysfs-exit/fixed.scn");
    CHECK(run.exit_code == 0);
    const Json j = Json::parse(run.out);
    CHECK(j["verdict"] == "safe");
    return j["states"].get<std::uint64_t>();
  };
  CHECK(states("") < states("--no-reduction"));
}

namespace {
// The output with its timings ("0.012 s", "seconds": 0.012) blanked: all that may differ.
std::string untimed(const std::string& out) {
  static const std::regex timing(R"(\d+\.\d+ s\b|"seconds":[0-9.e-]+)");
  return std::regex_replace(out, timing, "T");
}
}  // namespace

TEST_CASE("strategies: auto gives byte-identical output on every run, with a busy core beside it", "[cli][strategies][auto]") {
  std::atomic<bool> done{false};
  std::thread busy([&] {
    volatile unsigned long spin = 0;
    while (!done.load(std::memory_order_relaxed)) spin = spin + 1;
  });
  // Scenarios where each search decides, and where the two are close in work.
  for (const std::string& file : {kBuggy, kFixed, std::string("scenarios/classic/filter-lock.scn"),
                                  std::string("scenarios/classic/peterson.scn"),
                                  std::string("scenarios/nbd-config-work/buggy.scn"),
                                  std::string("scenarios/sysfs-remove-self/fixed.scn")}) {
    CAPTURE(file);
    const auto first = run_preempt("check " + file);
    const auto json = run_preempt("check --format json " + file);
    CHECK_THAT(first.out, Catch::Contains("decided)"));
    for (int again = 0; again < 4; ++again) {
      CHECK(untimed(run_preempt("check " + file).out) == untimed(first.out));
      CHECK(untimed(run_preempt("check --format json " + file).out) == untimed(json.out));
    }
  }
  done = true;
  busy.join();
}

TEST_CASE("strategies: test has a default time limit per scenario, and a cut scenario names it", "[cli][strategies]") {
  const auto help = run_preempt("test --help");
  CHECK_THAT(help.out, Catch::Contains("--max-time FLOAT:NONNEGATIVE=120"));
  const auto cut = run_preempt("test --strategy dfs --max-time 0.5 tests/cli/fixtures/slow.scn");
  CHECK(cut.exit_code == 1);
  CHECK_THAT(cut.out, Catch::Contains("FAIL tests/cli/fixtures/slow.scn: expected safe, got incomplete (stopped at "
                                      "the time limit (0.5 s))"));
}
