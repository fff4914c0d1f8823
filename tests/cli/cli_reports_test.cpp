// The report files CI reads: `test --junit`, `check/test --sarif`, `check --dot`, written by the
// real binary on real scenario files and validated against the schemas in ../shared/schemas/
// (xmllint from libxml2-utils, python3-jsonschema: scripts/install-deps.sh installs both).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/catch.hpp"
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;
using preempt::test::slurp;

namespace {

const std::string kSchemas = std::string(PREEMPT_SOURCE_DIR) + "/../shared/schemas/";

std::string temp_file(const std::string& name) {
  return std::string(PREEMPT_TEST_TMP) + "/reports" + std::to_string(::getpid()) + "_" + name;
}

// Runs a validator; its exit code (0: valid), with its complaints in *output.
int validate(const std::string& command, std::string* output) {
  const std::string log = temp_file("validator.log");
  const int status = std::system((command + " >" + log + " 2>&1").c_str());
  *output = slurp(log);
  std::remove(log.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void require_valid_junit(const std::string& file) {
  std::string output;
  const int code = validate("xmllint --noout --schema " + kSchemas + "junit.xsd " + file, &output);
  INFO(output << slurp(file));
  REQUIRE(code == 0);
}

void require_valid_sarif(const std::string& file) {
  std::string output;
  const int code = validate(std::string("python3 ") + PREEMPT_SOURCE_DIR + "/tests/cli/validate_sarif.py " +
                                kSchemas + "sarif-schema-2.1.0.json " + file,
                            &output);
  INFO(output << slurp(file));
  REQUIRE(code == 0);
}

enum class Schema { None, Junit, Sarif };

struct Written {
  preempt::test::Run run;
  std::string report;  // the file's contents
};

// Runs `preempt ARGS OPTION FILE` with FILE a fresh temporary file, validates FILE against its
// schema, and returns the run and FILE's contents (FILE is removed).
Written run_writing(const std::string& args, const std::string& option, const std::string& name, Schema schema) {
  const std::string file = temp_file(name);
  Written w{run_preempt(args + " " + option + " " + file), {}};
  INFO(w.run.out << w.run.err);
  if (schema == Schema::Junit) require_valid_junit(file);
  if (schema == Schema::Sarif) require_valid_sarif(file);
  w.report = slurp(file);
  std::remove(file.c_str());
  return w;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("the validators are installed (scripts/install-deps.sh)", "[cli][reports]") {
  std::string output;
  CHECK(validate("xmllint --version", &output) == 0);
  CHECK(validate("python3 -c 'import jsonschema'", &output) == 0);
}

TEST_CASE("test --junit: one valid test case per scenario, all passing for scenarios/", "[cli][reports][junit]") {
  const auto [run, report] = run_writing("test scenarios/", "--junit", "all.xml", Schema::Junit);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(report, Catch::Contains("<testcase classname=\"scenarios/dm-sysfs-exit\" name=\"buggy.scn\""));
  CHECK_THAT(report, Catch::Contains("<testcase classname=\"scenarios/classic\" name=\"peterson.scn\""));
  CHECK_THAT(report, !Catch::Contains("<failure"));
  CHECK_THAT(report, !Catch::Contains("<error"));
}

TEST_CASE("test --junit: a failed expectation is a <failure> with the trace, bad input an <error>",
          "[cli][reports][junit]") {
  const auto [run, report] = run_writing("test tests/cli/fixtures/wrong-expectation.scn "
                                         "tests/cli/fixtures/missing-semicolon.scn scenarios/dm-sysfs-exit/fixed.scn",
                                         "--junit", "failing.xml", Schema::Junit);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 2);  // the scenario that does not compile is bad input
  CHECK_THAT(report, Catch::Contains("<testsuite name=\"tests/cli/fixtures\""));
  CHECK_THAT(report, Catch::Contains("tests=\"2\" failures=\"1\" errors=\"1\""));
  CHECK_THAT(report, Catch::Contains("<failure message=\"expected safe, got violation assertion\" type=\"expectation\">"));
  CHECK_THAT(report, Catch::Contains("-- a is preempted; b runs --"));
  CHECK_THAT(report, Catch::Contains("replay:   preempt replay tests/cli/fixtures/wrong-expectation.scn"));
  CHECK_THAT(report, Catch::Contains("<error message=\"the scenario does not compile\" type=\"compile-error\">"));
  CHECK_THAT(report, Catch::Contains("expected ';', found 'thread'"));
  CHECK_THAT(report, Catch::Contains("<testcase classname=\"scenarios/dm-sysfs-exit\" name=\"fixed.scn\""));
}

TEST_CASE("check --sarif: the dm race located at its failing line, its trace a thread flow", "[cli][reports][sarif]") {
  const auto [run, sarif_text] = run_writing("check scenarios/dm-sysfs-exit/buggy.scn",
                                             "--sarif", "dm.sarif", Schema::Sarif);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  const auto log = nlohmann::json::parse(sarif_text);
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const auto& r = log["runs"][0];
  CHECK(r["tool"]["driver"]["name"] == "preempt");
  CHECK(r["tool"]["driver"]["rules"].size() == 9);  // every kind in violation_kinds.def
  CHECK(r["tool"]["driver"]["rules"][0]["id"] == "unloaded-code");
  REQUIRE(r["results"].size() == 1);
  const auto& result = r["results"][0];
  CHECK(result["ruleId"] == "unloaded-code");
  CHECK(result["level"] == "error");
  CHECK(result["message"]["text"] ==
        "sysfs_reader returns into dm_kobject_release: code of module dm, unloaded at step 9");
  const auto& where = result["locations"][0]["physicalLocation"];
  CHECK(where["artifactLocation"]["uri"] == "scenarios/dm-sysfs-exit/buggy.scn");
  CHECK(where["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(where["region"]["startLine"] == 11);  // `}` of dm_kobject_release: the return into freed text
  CHECK(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "dm::dm_kobject_release");
  CHECK(result.contains("suppressions") == false);
  const auto& steps = result["codeFlows"][0]["threadFlows"][0]["locations"];
  REQUIRE(steps.size() == 10);
  for (std::size_t i = 0; i < steps.size(); ++i) CHECK(steps[i]["executionOrder"] == i + 1);
  CHECK(steps[0]["location"]["message"]["text"] ==
        "1. sysfs_reader takes a reference to dm_kobj (refcount 1 -> 2)");
  CHECK(steps[0]["location"]["physicalLocation"]["region"]["startLine"] == 23);
  CHECK_THAT(steps[8]["location"]["message"]["text"].get<std::string>(), Catch::Contains("9. rmmod unloads module dm"));
  CHECK(steps[1]["properties"]["preempted"] == true);
  CHECK(steps[1]["importance"] == "essential");
}

TEST_CASE("test --sarif: expected violations are suppressed, compile errors are notifications",
          "[cli][reports][sarif]") {
  const auto [run, sarif_text] = run_writing("test scenarios/dm-sysfs-exit/ tests/cli/fixtures/wrong-expectation.scn "
                                             "tests/cli/fixtures/missing-semicolon.scn",
                                             "--sarif", "test.sarif", Schema::Sarif);
  INFO(run.out << run.err);
  const auto log = nlohmann::json::parse(sarif_text);
  const auto& r = log["runs"][0];
  REQUIRE(r["results"].size() == 2);  // buggy.scn (expected) and wrong-expectation.scn (not)
  CHECK(r["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "scenarios/dm-sysfs-exit/buggy.scn");
  CHECK(r["results"][0]["suppressions"][0]["kind"] == "inSource");
  CHECK(r["results"][1]["ruleId"] == "assertion");
  CHECK(r["results"][1].contains("suppressions") == false);
  CHECK(r["invocations"][0]["executionSuccessful"] == false);
  const auto& notes = r["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0]["message"]["text"].get<std::string>(), Catch::Contains("expected ';'"));
}

TEST_CASE("check --sarif: a safe scenario is a valid log without results", "[cli][reports][sarif]") {
  const auto [run, sarif_text] = run_writing("check scenarios/dm-sysfs-exit/fixed.scn",
                                             "--sarif", "safe.sarif", Schema::Sarif);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  const auto log = nlohmann::json::parse(sarif_text);
  CHECK(log["runs"][0]["results"].empty());
  CHECK(log["runs"][0]["invocations"][0]["executionSuccessful"] == true);
}

TEST_CASE("check --dot: the explored tree of the dm race, the violating leaf in red", "[cli][reports][dot]") {
  const auto [run, graph] = run_writing("check --strategy dfs scenarios/dm-sysfs-exit/buggy.scn",
                                        "--dot", "dm.dot", Schema::None);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  INFO(graph);
  CHECK_THAT(graph, Catch::Contains("digraph preempt {"));
  CHECK_THAT(graph, Catch::EndsWith("}\n"));
  CHECK_THAT(graph, Catch::Contains("(3 executions)"));
  CHECK_THAT(graph, Catch::Contains("label=\"violation unloaded-code\\n(the reported counterexample)\", fillcolor=red"));
  CHECK_THAT(graph, Catch::Contains("[label=\"sysfs_reader: kobject_get_unless_zero(dm_kobj)\""));
  CHECK_THAT(graph, Catch::Contains("[label=\"rmmod: delete_module(dm)\""));
  CHECK_THAT(graph, !Catch::Contains("capped"));
  // Three executions share their first step: a tree, not three chains.
  CHECK(occurrences(graph, " -> ") == 24);
  CHECK(std::count(graph.begin(), graph.end(), '{') == std::count(graph.begin(), graph.end(), '}'));
}

TEST_CASE("check --dot: the minimized counterexample is drawn and marked even when found outside the tree",
          "[cli][reports][dot]") {
  const auto [run, graph] = run_writing("check --strategy dfs scenarios/classic/peterson-broken.scn",
                                        "--dot", "peterson.dot", Schema::None);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  INFO(graph);
  // The exploration's first violation, and the one with the fewest steps that the report prints.
  CHECK(occurrences(graph, "label=\"violation assertion") == 2);
  CHECK_THAT(graph, Catch::Contains("label=\"violation assertion\\n(the reported counterexample)\""));
}

TEST_CASE("check --dot: the tree is capped at 2000 edges and says so", "[cli][reports][dot]") {
  const auto [run, graph] = run_writing("check --strategy dfs scenarios/classic/dining-philosophers-ordered.scn "
                                        "scenarios/completion-reinit/fixed.scn",
                                        "--dot", "big.dot", Schema::None);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(graph, Catch::Contains("// capped at 2000 edges"));
  CHECK_THAT(graph, Catch::Contains("subgraph cluster_1"));
  CHECK(occurrences(graph, " -> ") == 2000);
}

TEST_CASE("report files that cannot be written are bad input, exit 2", "[cli][reports]") {
  const auto run = run_preempt("test scenarios/dm-sysfs-exit/fixed.scn --junit /nonexistent-dir/x.xml");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("/nonexistent-dir/x.xml: error: cannot write the JUnit report"));
  const auto check = run_preempt("check scenarios/dm-sysfs-exit/fixed.scn --sarif /nonexistent-dir/x.sarif");
  CHECK(check.exit_code == 2);
  CHECK_THAT(check.err, Catch::Contains("cannot write the SARIF log"));
}
