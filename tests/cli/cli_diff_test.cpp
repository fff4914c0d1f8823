// `preempt diff BUGGY FIXED` through the built binary: the failure classes a fix removes, those it
// leaves and those it adds, on every buggy/fixed pair of scenarios/ and on the fixtures of
// tests/cli/fixtures/diff (two races, a fix of one, a fix that deadlocks, a hostile title).
#include "tests/catch.hpp"
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;
using preempt::test::slurp;
using Json = nlohmann::json;

namespace {

const std::string kFixtures = "tests/cli/fixtures/diff/";

Json diff_json(const std::string& buggy, const std::string& fixed, int expected_exit) {
  const auto run = run_preempt("diff --format json " + buggy + " " + fixed);
  INFO(run.out << run.err);
  CHECK(run.exit_code == expected_exit);
  return Json::parse(run.out);
}

// The `expect violation KIND;` line of a scenario file.
std::string expected_kind(const std::string& path) {
  const std::string text = slurp(std::string(PREEMPT_SOURCE_DIR) + "/" + path);
  std::smatch match;
  return std::regex_search(text, match, std::regex("expect violation ([a-z-]+);")) ? match[1].str() : "";
}

// The class of `side` with id `id` (1-based, as the JSON's lists name them).
const Json& class_of(const Json& side, const Json& id) { return side["classes"].at(id.get<std::size_t>() - 1); }

// The function a class fails in (its failing step's).
std::string failing_function(const Json& cls) { return cls["failing"].is_null() ? "" : cls["failing"]["function"].get<std::string>(); }

}  // namespace

TEST_CASE("diff names the failure each buggy/fixed pair of scenarios/ removes", "[cli][diff]") {
  std::vector<std::string> folders;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(PREEMPT_SOURCE_DIR) + "/scenarios")) {
    if (std::filesystem::exists(entry.path() / "buggy.scn") && std::filesystem::exists(entry.path() / "fixed.scn")) {
      folders.push_back(entry.path().filename().string());
    }
  }
  std::sort(folders.begin(), folders.end());
  REQUIRE(folders.size() >= 20);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& folder : folders) {
    pairs.emplace_back("scenarios/" + folder + "/buggy.scn", "scenarios/" + folder + "/fixed.scn");
  }
  // The classic teaching scenarios pair a broken algorithm with its correct version.
  for (const auto& [broken, correct] : std::vector<std::pair<std::string, std::string>>{
           {"abba-deadlock", "abba-fixed"}, {"lock-misuse", "lock-misuse-fixed"}, {"spin-sleep", "spin-sleep-fixed"},
           {"peterson-broken", "peterson"}, {"dekker-broken", "dekker"}, {"bakery-broken", "bakery"},
           {"lost-update", "lost-update-atomic"}, {"dining-philosophers", "dining-philosophers-ordered"}}) {
    pairs.emplace_back("scenarios/classic/" + broken + ".scn", "scenarios/classic/" + correct + ".scn");
  }
  for (const auto& [buggy, fixed] : pairs) {
    INFO(buggy);
    const Json j = diff_json(buggy, fixed, 0);
    CHECK(j["fixed"]["verdict"] == "safe");
    CHECK(j["fixed"]["classes"].empty());
    CHECK(j["remaining"].empty());
    CHECK(j["new"].empty());
    REQUIRE(!j["removed"].empty());
    CHECK(j["removed"].size() == j["buggy"]["classes"].size());
    // The removed failures are of the kind the buggy file expects, each named by its steps.
    const std::string kind = expected_kind(buggy);
    bool named = false;
    for (const Json& id : j["removed"]) {
      const Json& cls = class_of(j["buggy"], id);
      named = named || cls["kind"] == kind;
      CHECK(!cls["message"].get<std::string>().empty());
      // Named by its failing step, or for a deadlock by what its threads wait for (its message).
      CHECK((!cls["failing"].is_null() || cls["kind"] == "deadlock"));
    }
    CHECK(named);
  }
}

TEST_CASE("diff of a wrong fix shows the failure class it leaves", "[cli][diff]") {
  const auto run = run_preempt("diff " + kFixtures + "two-races-buggy.scn " + kFixtures + "two-races-wrong-fix.scn");
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("removed by the fix (1):"));
  CHECK_THAT(run.out, Catch::Contains("remaining (1):"));
  CHECK_THAT(run.out, Catch::Contains("new in the fix (0): none"));
  CHECK_THAT(run.out, Catch::Contains("the fix removes 1 of 2 failure classes; 1 remains, none is new"));

  const Json j = diff_json(kFixtures + "two-races-buggy.scn", kFixtures + "two-races-wrong-fix.scn", 1);
  REQUIRE(j["removed"].size() == 1);
  REQUIRE(j["remaining"].size() == 1);
  const Json& removed = class_of(j["buggy"], j["removed"][0]);
  CHECK(removed["kind"] == "unloaded-code");
  CHECK(failing_function(removed) == "dm_kobject_release");
  const Json& pair = j["remaining"][0];
  const Json& before = class_of(j["buggy"], pair["buggy"]);
  const Json& after = class_of(j["fixed"], pair["fixed"]);
  CHECK(failing_function(after) == "dm_stats_release");
  CHECK(after["kind"] == "unloaded-code");
  // Matched by code although every line moved (the wrong fix's header comment is 3 lines shorter).
  CHECK(pair["matched_by"] == "function-operation-code");
  CHECK(before["failing"]["operation"] == after["failing"]["operation"]);
  CHECK(before["failing"]["line"].get<int>() == after["failing"]["line"].get<int>() + 3);
  // Its example still shows the race that decides it: the module unloaded before the return.
  bool unload_race = false;
  for (const Json& race : after["races"]) {
    unload_race = unload_race || (race["first"]["code"] == "delete_module(dm);" && race["second"]["operation"] == "return");
  }
  CHECK(unload_race);
}

TEST_CASE("diff of a complete fix removes both races though the lines moved", "[cli][diff]") {
  const Json j = diff_json(kFixtures + "two-races-buggy.scn", kFixtures + "two-races-fixed.scn", 0);
  CHECK(j["buggy"]["classes"].size() == 2);
  CHECK(j["removed"] == Json::array({1, 2}));
  CHECK(j["summary"] == "the fix removes 2 of 2 failure classes; none remains, none is new");
}

TEST_CASE("diff shows a failure the fix introduces", "[cli][diff]") {
  const Json j = diff_json(kFixtures + "two-races-buggy.scn", kFixtures + "two-races-new-deadlock.scn", 1);
  CHECK(j["removed"].size() == 2);
  CHECK(j["remaining"].empty());
  REQUIRE(j["new"].size() == 1);
  CHECK(class_of(j["fixed"], j["new"][0])["kind"] == "deadlock");
  const auto run = run_preempt("diff " + kFixtures + "two-races-buggy.scn " + kFixtures + "two-races-new-deadlock.scn");
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("new in the fix (1):\n  - deadlock: "));
}

TEST_CASE("diff matches a failure whose line was rewritten by function and operation", "[cli][diff]") {
  const std::string reworded = kFixtures + "lost-update-reworded.scn";
  const Json j = diff_json("scenarios/classic/lost-update.scn", reworded, 1);
  REQUIRE(j["remaining"].size() == 1);
  CHECK(j["remaining"][0]["matched_by"] == "function-operation");
  CHECK(j["removed"].empty());
  CHECK(j["new"].empty());
  const auto run = run_preempt("diff scenarios/classic/lost-update.scn " + reworded);
  CHECK_THAT(run.out, Catch::Contains("at line 13 final: assert(2 == counter);"));
  CHECK_THAT(run.out, Catch::Contains("(matched by function and operation alone: the code of its failing step changed)"));
}

TEST_CASE("diff --format json has one object with both sides and the three lists", "[cli][diff][json]") {
  const Json j = diff_json("scenarios/dm-sysfs-exit/buggy.scn", "scenarios/dm-sysfs-exit/fixed.scn", 0);
  for (const char* key : {"buggy", "fixed", "removed", "remaining", "new", "summary"}) CHECK(j.contains(key));
  for (const char* side : {"buggy", "fixed"}) {
    for (const char* key : {"scenario", "title", "strategy", "verdict", "executions", "violating_executions",
                            "unclassified_executions", "incomplete_reasons", "classes"}) {
      CHECK(j[side].contains(key));
    }
  }
  CHECK(j["buggy"]["scenario"] == "scenarios/dm-sysfs-exit/buggy.scn");
  CHECK(j["buggy"]["strategy"] == "dpor");
  const Json& cls = j["buggy"]["classes"].at(0);
  for (const char* key : {"id", "kind", "message", "races", "failing", "executions", "preemptions", "schedule", "replay"}) {
    CHECK(cls.contains(key));
  }
  CHECK(cls["kind"] == "unloaded-code");
  REQUIRE(!cls["races"].empty());
  for (const char* key : {"thread", "function", "operation", "code", "line"}) CHECK(cls["races"][0]["first"].contains(key));
  // The example it names replays to the same violation.
  const auto replayed = run_preempt("replay scenarios/dm-sysfs-exit/buggy.scn --schedule " + cls["schedule"].get<std::string>());
  CHECK(replayed.exit_code == 1);
  CHECK_THAT(replayed.out, Catch::Contains("unloaded-code"));
}

TEST_CASE("diff output is the same on every run", "[cli][diff]") {
  const std::string args = "diff " + kFixtures + "two-races-buggy.scn " + kFixtures + "two-races-wrong-fix.scn";
  const auto first = run_preempt(args);
  const auto second = run_preempt(args + " --format text");
  CHECK(first.out == second.out);
}

TEST_CASE("diff --html escapes everything the scenario says", "[cli][diff][html]") {
  const std::string page = std::string(PREEMPT_TEST_TMP) + "/diff-hostile.html";
  std::remove(page.c_str());
  const auto run = run_preempt("diff --html " + page + " " + kFixtures + "hostile-title.scn " + kFixtures +
                               "hostile-title.scn");
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);  // the same file: its failure remains
  const std::string html = slurp(page);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(&#39;diff&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"));
  CHECK_THAT(html, !Catch::Contains("<script"));
  CHECK_THAT(html, !Catch::Contains("<b>bold"));
  CHECK_THAT(html, Catch::Contains("Remaining (1)"));
  CHECK_THAT(html, Catch::Contains("&lt; 2"));  // the failing assertion's code, escaped
  std::remove(page.c_str());
}

TEST_CASE("diff of bad input exits 2 with the errors of both files", "[cli][diff][untrusted]") {
  const auto run = run_preempt("diff tests/cli/fixtures/missing-semicolon.scn tests/cli/fixtures/missing-semicolon.scn");
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());
  const std::regex location("tests/cli/fixtures/missing-semicolon\\.scn:[0-9]+:[0-9]+: error:");
  const auto errors = std::distance(std::sregex_iterator(run.err.begin(), run.err.end(), location), std::sregex_iterator());
  CHECK(errors == 2);

  const auto fixed_bad = run_preempt("diff scenarios/dm-sysfs-exit/buggy.scn tests/cli/fixtures/missing-semicolon.scn");
  CHECK(fixed_bad.exit_code == 2);
  CHECK_THAT(fixed_bad.err, Catch::Contains("missing-semicolon.scn:"));

  const auto missing = run_preempt("diff scenarios/dm-sysfs-exit/buggy.scn no/such/file.scn");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("no/such/file.scn"));

  const auto folder = run_preempt("diff scenarios/dm-sysfs-exit scenarios/dm-sysfs-exit/fixed.scn");
  CHECK(folder.exit_code == 2);
  CHECK_THAT(folder.err, Catch::Contains("diff compares two scenario files"));

  const auto one = run_preempt("diff scenarios/dm-sysfs-exit/buggy.scn");
  CHECK(one.exit_code == 2);
}
