// `preempt test`: the CI regression check over folders of scenarios.
#include "tests/catch.hpp"
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <unistd.h>
#include <vector>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;

TEST_CASE("test scenarios/: every expectation holds (part of the test suite)", "[cli][test]") {
  const auto run = run_preempt("test scenarios/");
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("PASS scenarios/dm-sysfs-exit/buggy.scn: violation unloaded-code"));
  CHECK_THAT(run.out, Catch::Contains("PASS scenarios/dm-sysfs-exit/fixed.scn: safe"));
  CHECK_THAT(run.out, Catch::EndsWith(" passed, 0 failed\n"));
  CHECK(run.out.find("FAIL") == std::string::npos);
}

TEST_CASE("test: a failed expectation is a FAIL line, the story, and exit 1", "[cli][test]") {
  const auto run = run_preempt("test tests/cli/fixtures/wrong-expectation.scn");
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("FAIL tests/cli/fixtures/wrong-expectation.scn: expected safe, got violation assertion"));
  // The failure tells its story and explains it, as `check` does.
  CHECK_THAT(run.out, Catch::Contains("-- a is preempted; b runs --"));
  CHECK_THAT(run.out, Catch::Contains(" 4. a sets counter to 1 (was 1)"));
  CHECK_THAT(run.out, Catch::Contains(" 6. final checks assert(counter == 2): it does not hold"));
  CHECK_THAT(run.out, Catch::Contains("why: the order of these racing steps decides the failure"));
  CHECK_THAT(run.out, Catch::Contains("with step 3 first the execution has no violation: schedule b:2,a:2"));
  CHECK_THAT(run.out, Catch::Contains("0 passed, 1 failed"));
}

TEST_CASE("test: expected execution counts are checked for complete explorations", "[cli][test]") {
  const auto good = run_preempt("test tests/cli/fixtures/counted.scn");  // dpor: 1 execution
  CHECK(good.exit_code == 0);
  const auto good_dfs = run_preempt("test --strategy dfs tests/cli/fixtures/counted.scn");  // dfs: 20
  CHECK(good_dfs.exit_code == 0);
  const auto bad = run_preempt("test --strategy dfs tests/cli/fixtures/miscounted.scn");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.out, Catch::Contains("expected 21 executions with strategy dfs, got 20"));
}

TEST_CASE("test: a scenario that does not compile fails with its diagnostics, exit 2", "[cli][test]") {
  const auto run = run_preempt("test tests/cli/fixtures/missing-semicolon.scn");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.out, Catch::Contains("FAIL tests/cli/fixtures/missing-semicolon.scn: the scenario does not compile"));
}

TEST_CASE("test --format json: one object per scenario with the expectation's outcome", "[cli][test][json]") {
  const auto run = run_preempt("test --format json tests/cli/fixtures/wrong-expectation.scn");
  const auto j = nlohmann::json::parse(run.out);
  CHECK(j["test"]["passed"] == false);
  CHECK(j["test"]["expected"] == "safe");
  CHECK(j["verdict"] == "violation");
}

namespace {
// The output with the timings blanked: "(2 executions, 0.003 s)" -> "(2 executions, T s)".
std::string without_timings(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      std::size_t j = i;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) != 0 || text[j] == '.')) ++j;
      if (text.compare(j, 3, " s)") == 0 || text.compare(j, 3, " s;") == 0) {
        out += "T";
        i = j - 1;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}
}  // namespace

TEST_CASE("test -j N: the scenarios run side by side, the output is that of -j 1, in file order", "[cli][test]") {
  const std::string folders = "scenarios/ tests/deferred tests/irq tests/options tests/cli/fixtures/wrong-expectation.scn";
  const auto one = run_preempt("test -j 1 " + folders);
  CHECK(one.exit_code == 1);  // the fixture's expectation is wrong on purpose
  for (const char* jobs : {"2", "3", "0"}) {
    INFO("-j " << jobs);
    const auto many = run_preempt(std::string("test -j ") + jobs + " " + folders);
    CHECK(many.exit_code == one.exit_code);
    CHECK(without_timings(many.out) == without_timings(one.out));
    CHECK(many.err == one.err);
  }
  const auto json_one = run_preempt("test --format json -j 1 tests/irq");
  const auto json_two = run_preempt("test --format json -j 2 tests/irq");
  CHECK(json_one.out.size() > 100);
  std::size_t lines_one = std::count(json_one.out.begin(), json_one.out.end(), '\n');
  CHECK(lines_one == static_cast<std::size_t>(std::count(json_two.out.begin(), json_two.out.end(), '\n')));
}

TEST_CASE("test --html DIR --dot DIR: one page and one tree per failing scenario, named after its path",
          "[cli][test][html]") {
  const std::string dir = std::string(PREEMPT_TEST_TMP) + "/test_pages_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  const auto run = run_preempt("test -j 2 --html " + dir + "/html --dot " + dir + "/dot tests/irq " +
                               "tests/cli/fixtures/wrong-expectation.scn");
  CHECK(run.exit_code == 1);
  std::vector<std::string> pages;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) pages.push_back(entry.path().lexically_relative(dir).string());
  }
  std::sort(pages.begin(), pages.end());
  CHECK(pages == std::vector<std::string>{"dot/tests_cli_fixtures_wrong-expectation.dot",
                                          "html/tests_cli_fixtures_wrong-expectation.html"});
  CHECK_THAT(preempt::test::slurp(dir + "/html/tests_cli_fixtures_wrong-expectation.html"), Catch::Contains("<html"));
  CHECK_THAT(preempt::test::slurp(dir + "/dot/tests_cli_fixtures_wrong-expectation.dot"), Catch::Contains("digraph"));
}
