// The report files CI reads: `test --junit`, `check/test --sarif`, `check --dot`, written by the
// real binary on real scenario files and validated against the schemas in schemas/ (xmllint from
// libxml2-utils, python3-jsonschema: scripts/install-deps.sh test installs both).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/catch.hpp"
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;
using preempt::test::slurp;

namespace {

const std::string kSchemas = std::string(PREEMPT_SOURCE_DIR) + "/schemas/";

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

// Valid against the Ant schema with `file` and `line` declared (junit-preempt.xsd), and against the
// unmodified Ant schema once those two attributes are removed: nothing else goes beyond it.
void require_valid_junit(const std::string& file) {
  std::string output;
  const int code = validate("xmllint --noout --schema " + kSchemas + "junit-preempt.xsd " + file, &output);
  INFO(output << slurp(file));
  REQUIRE(code == 0);
  const std::string stripped = file + ".ant.xml";
  REQUIRE(validate("cp " + file + " " + stripped + " && sed -i -E 's/ (file|line)=\"[^\"]*\"//g' " + stripped, &output) == 0);
  const int ant = validate("xmllint --noout --schema " + kSchemas + "junit.xsd " + stripped, &output);
  std::remove(stripped.c_str());
  INFO(output);
  REQUIRE(ant == 0);
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

// The scenario file copied with `blank_lines` blank lines and a comment line inserted before each
// top-level declaration: every line moves, no step changes.
std::string moved_copy(const std::string& scenario, int blank_lines, const std::string& name) {
  const std::string copy = temp_file(name);
  std::ifstream in(std::string(PREEMPT_SOURCE_DIR) + "/" + scenario);
  std::ofstream out(copy);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '}' && line[0] != '/') {
      for (int i = 0; i < blank_lines; ++i) out << "\n";
      out << "// an unrelated comment\n";
    }
    out << line << "\n";
  }
  return copy;
}

std::string preempt_version() {
  const auto run = run_preempt("--version");  // "preempt 0.1.0 (revision ...)"
  const std::size_t space = run.out.find(' ');
  return run.out.substr(space + 1, run.out.find(' ', space + 1) - space - 1);
}

}  // namespace

TEST_CASE("the schemas are in the repository, the validators are installed (scripts/install-deps.sh)",
          "[cli][reports]") {
  std::string output;
  CHECK(validate("test -f " + kSchemas + "sarif-schema-2.1.0.json -a -f " + kSchemas + "junit.xsd -a -f " + kSchemas +
                     "junit-preempt.xsd",
                 &output) == 0);
  CHECK(validate("xmllint --version", &output) == 0);
  CHECK(validate("python3 -c 'import jsonschema'", &output) == 0);
}

TEST_CASE("test --junit: one valid test case per scenario, all passing for scenarios/", "[cli][reports][junit]") {
  const auto [run, report] = run_writing("test scenarios/", "--junit", "all.xml", Schema::Junit);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(report, Catch::Contains("<testcase classname=\"scenarios/dm-sysfs-exit\" name=\"buggy.scn\""));
  CHECK_THAT(report, Catch::Contains("<testcase classname=\"scenarios/classic\" name=\"peterson.scn\""));
  // file and line: the scenario as given, and its `expect` line (the case passed).
  CHECK_THAT(report, Catch::Contains("file=\"scenarios/dm-sysfs-exit/buggy.scn\" line=\"34\"/>"));
  CHECK_THAT(report, Catch::Contains("file=\"scenarios/dm-sysfs-exit/fixed.scn\" line=\"69\"/>"));
  CHECK(occurrences(report, "<testcase ") == occurrences(report, " file=\"scenarios/"));
  CHECK(occurrences(report, "<testcase ") == occurrences(report, " line=\""));
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
  // A failed expectation points at its failing step (the final assert, line 7); a compile error at
  // the error (line 4).
  CHECK_THAT(report, Catch::Contains("file=\"tests/cli/fixtures/wrong-expectation.scn\" line=\"7\">"));
  CHECK_THAT(report, Catch::Contains("file=\"tests/cli/fixtures/missing-semicolon.scn\" line=\"4\">"));
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
  const auto& driver = r["tool"]["driver"];
  CHECK(driver["name"] == "preempt");
  CHECK(driver["version"] == preempt_version());
  CHECK(driver["semanticVersion"] == preempt_version());
  REQUIRE(driver["rules"].size() == 14);  // every kind in violation_kinds.def, then compile-error
  CHECK(driver["rules"][0]["id"] == "unloaded-code");
  CHECK(driver["rules"][8]["id"] == "division-by-zero");
  CHECK(driver["rules"][9]["id"] == "double-free");
  CHECK(driver["rules"][12]["id"] == "memory-leak");
  CHECK(driver["rules"][13]["id"] == "compile-error");
  for (const auto& rule : driver["rules"]) {
    INFO(rule.dump());
    CHECK(rule["help"]["text"].get<std::string>().size() > 60);
    CHECK(rule["help"]["markdown"].get<std::string>().size() >= rule["help"]["text"].get<std::string>().size());
    CHECK_THAT(rule["help"]["text"].get<std::string>(), !Catch::Contains("`"));
    CHECK(!rule["shortDescription"]["text"].get<std::string>().empty());
  }
  CHECK_THAT(driver["rules"][0]["help"]["markdown"].get<std::string>(), Catch::Contains("`delete_module`"));
  CHECK(r["columnKind"] == "utf16CodeUnits");
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
  CHECK(where["region"]["startColumn"] == 1);
  CHECK(where["region"]["endLine"] == 11);
  CHECK(where["region"]["endColumn"] == 2);
  CHECK(where["region"]["snippet"]["text"] == "}");
  CHECK(where["contextRegion"]["snippet"]["text"] == "}");
  CHECK(result["partialFingerprints"]["preemptViolation/v1"].get<std::string>().size() == 16);
  CHECK(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "dm::dm_kobject_release");
  CHECK(result.contains("suppressions") == false);
  const auto& steps = result["codeFlows"][0]["threadFlows"][0]["locations"];
  REQUIRE(steps.size() == 10);
  for (std::size_t i = 0; i < steps.size(); ++i) CHECK(steps[i]["executionOrder"] == i + 1);
  CHECK(steps[0]["location"]["message"]["text"] ==
        "1. sysfs_reader takes a reference to dm_kobj (refcount 1 -> 2)");
  // A step's region is its operation where the line spells it: `    if (kobject_get_unless_zero(dm_kobj)) {`.
  const auto& first = steps[0]["location"]["physicalLocation"];
  CHECK(first["region"]["startLine"] == 23);
  CHECK(first["region"]["startColumn"] == 9);
  CHECK(first["region"]["endColumn"] == 41);
  CHECK(first["region"]["snippet"]["text"] == "kobject_get_unless_zero(dm_kobj)");
  CHECK(first["contextRegion"]["snippet"]["text"] == "    if (kobject_get_unless_zero(dm_kobj)) {");
  // Otherwise the statement, its comment left out: `    dm_sysfs_exit();` (rmmod calls it).
  CHECK(steps[1]["location"]["physicalLocation"]["region"]["snippet"]["text"] == "dm_sysfs_exit();");
  CHECK(steps[1]["location"]["physicalLocation"]["region"]["startColumn"] == 5);
  CHECK_THAT(steps[8]["location"]["message"]["text"].get<std::string>(), Catch::Contains("9. rmmod unloads module dm"));
  CHECK(steps[1]["properties"]["preempted"] == true);
  CHECK(steps[1]["importance"] == "essential");
}

TEST_CASE("test --sarif: expected violations are suppressed, compile errors are located results",
          "[cli][reports][sarif]") {
  const auto [run, sarif_text] = run_writing("test scenarios/dm-sysfs-exit/ tests/cli/fixtures/wrong-expectation.scn "
                                             "tests/cli/fixtures/missing-semicolon.scn",
                                             "--sarif", "test.sarif", Schema::Sarif);
  INFO(run.out << run.err);
  const auto log = nlohmann::json::parse(sarif_text);
  const auto& r = log["runs"][0];
  // buggy.scn (expected), wrong-expectation.scn (not), the error of missing-semicolon.scn
  REQUIRE(r["results"].size() == 3);
  CHECK(r["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "scenarios/dm-sysfs-exit/buggy.scn");
  CHECK(r["results"][0]["suppressions"][0]["kind"] == "inSource");
  CHECK(r["results"][1]["ruleId"] == "assertion");
  CHECK(r["results"][1].contains("suppressions") == false);
  CHECK(r["results"][1]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] == "assert(counter == 2)");
  // The compile error: a result at its line and column (`int y` lacks its ';' at 4:6), not a
  // notification only.
  const auto& error = r["results"][2];
  CHECK(error["ruleId"] == "compile-error");
  CHECK(error["level"] == "error");
  CHECK(r["tool"]["driver"]["rules"][error["ruleIndex"].get<int>()]["id"] == "compile-error");
  CHECK(error["message"]["text"] == "expected ';', found 'thread'");
  const auto& at = error["locations"][0]["physicalLocation"];
  CHECK(at["artifactLocation"]["uri"] == "tests/cli/fixtures/missing-semicolon.scn");
  CHECK(at["region"]["startLine"] == 4);
  CHECK(at["region"]["startColumn"] == 6);
  CHECK(at["contextRegion"]["snippet"]["text"] == "int y");
  CHECK(error["partialFingerprints"].contains("preemptCompileError/v1"));
  // The scenario was not checked: the run says so.
  CHECK(r["invocations"][0]["executionSuccessful"] == false);
  const auto& notes = r["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0]["message"]["text"].get<std::string>(), Catch::Contains("does not compile"));
}

TEST_CASE("check --sarif: a compile error's region is the token at its column", "[cli][reports][sarif]") {
  const std::string scenario = temp_file("undeclared.scn");
  std::ofstream(scenario) << "thread t {\n    kobject_put(nowhere);\n}\n";
  const auto [run, sarif_text] = run_writing("check " + scenario, "--sarif", "undeclared.sarif", Schema::Sarif);
  std::remove(scenario.c_str());
  INFO(run.out << run.err << sarif_text);
  CHECK(run.exit_code == 2);
  const auto log = nlohmann::json::parse(sarif_text);
  REQUIRE(log["runs"][0]["results"].size() == 1);
  const auto& result = log["runs"][0]["results"][0];
  CHECK(result["ruleId"] == "compile-error");
  const auto& region = result["locations"][0]["physicalLocation"]["region"];
  CHECK(region["startLine"] == 2);
  CHECK(region["startColumn"] == 17);
  CHECK(region["endColumn"] == 24);
  CHECK(region["snippet"]["text"] == "nowhere");
}

TEST_CASE("check --sarif: fingerprints survive moved lines, and tell findings apart", "[cli][reports][sarif]") {
  const auto fingerprint_and_line = [](const std::string& scenario, const std::string& name) {
    const auto [run, sarif_text] = run_writing("check " + scenario, "--sarif", name, Schema::Sarif);
    INFO(run.out << run.err);
    const auto log = nlohmann::json::parse(sarif_text);
    REQUIRE(log["runs"][0]["results"].size() == 1);
    const auto& result = log["runs"][0]["results"][0];
    return std::make_pair(result["partialFingerprints"]["preemptViolation/v1"].get<std::string>(),
                          result["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>());
  };
  const auto original = fingerprint_and_line("scenarios/dm-sysfs-exit/buggy.scn", "dm-original.sarif");
  const std::string moved_file = moved_copy("scenarios/dm-sysfs-exit/buggy.scn", 3, "dm-moved.scn");
  const auto moved = fingerprint_and_line(moved_file, "dm-moved.sarif");
  std::remove(moved_file.c_str());
  CHECK(moved.second > original.second + 10);  // every line moved...
  CHECK(moved.first == original.first);        // ...and the finding is the same
  const auto other = fingerprint_and_line("tests/cli/fixtures/wrong-expectation.scn", "other.sarif");
  CHECK(other.first != original.first);
  const auto deadlock = fingerprint_and_line("scenarios/classic/abba-deadlock.scn", "abba.sarif");
  CHECK(deadlock.first != original.first);
  CHECK(deadlock.first != other.first);
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
