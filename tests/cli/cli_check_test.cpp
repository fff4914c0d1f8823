// `preempt check` and `preempt replay` on real scenario files, through the built binary.
#include "tests/catch.hpp"
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;
using Json = nlohmann::json;

namespace {
const char* const kBuggy = "scenarios/dm-sysfs-exit/buggy.scn";
const char* const kFixed = "scenarios/dm-sysfs-exit/fixed.scn";
const char* const kSchedule = "sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader";
}  // namespace

TEST_CASE("check: the dm race is found, with the dm story as its trace", "[cli][check]") {
  const auto run = run_preempt(std::string("check ") + kBuggy);
  CHECK(run.exit_code == 1);
  CHECK(run.err == "");  // (the sanitizer runtime's fiber warning is not the program's: run_binary.hpp)
  CHECK_THAT(run.out, Catch::Contains("verdict: VIOLATION"));
  // The numbered story of the dm comment, in the scenario's words.
  CHECK_THAT(run.out, Catch::Contains(" 1. sysfs_reader takes a reference to dm_kobj (refcount 1 -> 2)"));
  CHECK_THAT(run.out, Catch::Contains(" 3. rmmod drops its reference to dm_kobj (refcount 2 -> 1)"));
  CHECK_THAT(run.out, Catch::Contains(
      " 4. sysfs_reader drops its reference to dm_kobj (refcount 1 -> 0) and calls\n"
      "      dm_kobject_release [module dm]\n"));  // wrapped to 80 columns
  CHECK_THAT(run.out, Catch::Contains(" 5. sysfs_reader completes kobj_holder (done 0 -> 1), waking rmmod"));
  CHECK_THAT(run.out, Catch::Contains("-- sysfs_reader is preempted inside dm_kobject_release [dm]; rmmod runs --"));
  CHECK_THAT(run.out, Catch::Contains(" 6. rmmod waits for kobj_holder and goes on (done 1 -> 0)"));
  CHECK_THAT(run.out, Catch::Contains(" 9. rmmod unloads module dm"));
  CHECK_THAT(run.out, Catch::Contains(
      "10. sysfs_reader runs again: complete() returns into dm_kobject_release\n"
      "      [module dm], whose code is gone\n"));
  CHECK_THAT(run.out, Catch::Contains("dm_kobject_release [dm], line 11"));
  // Each step cites where it runs and the operation as the scenario spells it.
  CHECK_THAT(run.out, Catch::Contains("rmmod, line 31: delete_module(dm)"));
  CHECK_THAT(run.out, Catch::Contains("dm_kobject_release [dm], line 10: complete(kobj_holder)"));
  CHECK_THAT(run.out, Catch::Contains(
      "unloaded-code: sysfs_reader returns into dm_kobject_release: code of module dm, unloaded at step 9"));
  // Engine internals stay out of the story.
  CHECK_THAT(run.out, !Catch::Contains("ThreadEnd") && !Catch::Contains("OpKind") && !Catch::Contains("fiber"));
  CHECK_THAT(run.out, Catch::Contains("preemptions: 2"));
  CHECK_THAT(run.out, Catch::Contains(std::string("schedule: ") + kSchedule));
  CHECK_THAT(run.out, Catch::Contains(std::string("replay:   preempt replay ") + kBuggy + " --schedule " + kSchedule));

  // The same execution as a table of operations and state changes.
  const auto table = run_preempt(std::string("check --trace table ") + kBuggy);
  CHECK(table.exit_code == 1);
  CHECK_THAT(table.out, Catch::Contains("operation"));
  CHECK_THAT(table.out, Catch::Contains("delete_module(dm)"));
  CHECK_THAT(table.out, Catch::Contains("module dm unloaded"));
  CHECK_THAT(table.out, Catch::Contains("-- sysfs_reader is preempted inside dm_kobject_release [dm]; rmmod runs --"));
  CHECK_THAT(table.out, Catch::Contains(std::string("schedule: ") + kSchedule));
  const auto bad = run_preempt(std::string("check --trace prose ") + kBuggy);
  CHECK(bad.exit_code == 2);
}

TEST_CASE("check: the fixed dm scenario is proved safe, exit 0", "[cli][check]") {
  // auto (the default) runs dpor and stateful side by side: stateful concludes with less work
  // here, on every machine. dpor runs one execution per class of equivalent interleavings; dfs
  // runs them all.
  const auto run = run_preempt(std::string("check ") + kFixed);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("verdict: SAFE -- every interleaving explored (1 execution, 9 steps"));
  CHECK_THAT(run.out, Catch::Contains("13 states"));
  CHECK_THAT(run.out, Catch::Contains("strategy auto (stateful decided))"));
  const auto dpor = run_preempt(std::string("check --strategy dpor ") + kFixed);
  CHECK(dpor.exit_code == 0);
  CHECK_THAT(dpor.out, Catch::Contains("verdict: SAFE -- every interleaving explored (3 executions"));
  CHECK_THAT(dpor.out, Catch::Contains("strategy dpor)"));
  const auto dfs = run_preempt(std::string("check --strategy dfs ") + kFixed);
  CHECK(dfs.exit_code == 0);
  CHECK_THAT(dfs.out, Catch::Contains("verdict: SAFE -- every interleaving explored (12 executions"));
}

TEST_CASE("check --format json carries the verdict, counts and the trace", "[cli][check][json]") {
  const auto run = run_preempt(std::string("check --format json ") + kBuggy);
  CHECK(run.exit_code == 1);
  const Json j = Json::parse(run.out);
  CHECK(j["scenario"] == kBuggy);
  CHECK(j["title"] == "dm: kobject release method inside the dm module");
  CHECK(j["verdict"] == "violation");
  CHECK(j["executions"].get<int>() >= 1);
  CHECK(j["steps"].get<int>() >= 10);
  REQUIRE(j["violations"].size() == 1);
  const Json& v = j["violations"][0];
  CHECK(v["kind"] == "unloaded-code");
  CHECK(v["thread"] == "sysfs_reader");
  CHECK(v["module"] == "dm");
  CHECK(v["schedule"] == kSchedule);
  REQUIRE(v["trace"].size() == 10);
  const Json& last = v["trace"][9];
  CHECK(last["step"] == 10);
  CHECK(last["thread"] == "sysfs_reader");
  CHECK(last["op"] == "returns from dm_kobject_release()");
  CHECK(last["line"] == 11);
  CHECK(last["preempted"] == false);
  CHECK(v["trace"][5]["preempted"] == true);
  CHECK(v["trace"][8]["note"] == "module dm unloaded");
}

TEST_CASE("check over several files: one JSON object per scenario, the worst exit code", "[cli][check][json]") {
  const auto run = run_preempt(std::string("check --format json ") + kFixed + " " + kBuggy);
  CHECK(run.exit_code == 1);
  std::istringstream lines(run.out);
  std::string line;
  std::vector<Json> objects;
  while (std::getline(lines, line)) objects.push_back(Json::parse(line));
  REQUIRE(objects.size() == 2);
  CHECK(objects[0]["verdict"] == "safe");
  CHECK(objects[1]["verdict"] == "violation");
}

TEST_CASE("replay prints the identical trace, and rejects a schedule that does not fit", "[cli][replay]") {
  const auto found = run_preempt(std::string("check --format json ") + kBuggy);
  const auto replayed = run_preempt(std::string("replay --format json ") + kBuggy + " --schedule '" + kSchedule + "'");
  CHECK(replayed.exit_code == 1);
  CHECK(Json::parse(replayed.out)["execution"]["trace"] == Json::parse(found.out)["violations"][0]["trace"]);

  const auto text = run_preempt(std::string("replay ") + kBuggy + " --schedule '" + kSchedule + "'");
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("unloaded-code: sysfs_reader returns into dm_kobject_release"));

  const auto wrong = run_preempt(std::string("replay ") + kBuggy + " --schedule 'sysfs_reader,kworker'");
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("step 2 names thread 'kworker', but the threads are: sysfs_reader, rmmod"));

  // rmmod first, then (past the end of the schedule) no preemptions: rmmod runs to the end alone.
  const auto passing = run_preempt(std::string("replay ") + kBuggy + " --schedule rmmod");
  CHECK(passing.exit_code == 0);
  CHECK_THAT(passing.out, Catch::Contains("this execution: no violation"));
  CHECK_THAT(passing.out, Catch::Contains("note: the schedule ended after 1 steps; the execution went on without preemptions"));
}

namespace {
std::string write_edited(const std::string& name, const std::string& from, const std::string& to) {
  std::string text = preempt::test::slurp(std::string(PREEMPT_SOURCE_DIR) + "/" + kBuggy);
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  const std::string path = std::string(PREEMPT_TEST_TMP) + "/edited" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("a schedule names threads: it survives edits that do not touch its steps, and says when it no longer fits",
          "[cli][replay]") {
  // Comments, blank lines, local computation and a new thread that the schedule never names: the
  // same story, the lines shifted by the three inserted lines.
  const std::string edited = write_edited("comments.scn", "thread sysfs_reader {",
                                          "// an edit\n\nint unrelated;\nthread sysfs_reader {\n    int local = 2 * 21;");
  const auto moved = run_preempt("replay " + edited + " --schedule '" + kSchedule + "'");
  INFO(moved.out << moved.err);
  CHECK(moved.exit_code == 1);
  CHECK_THAT(moved.out, Catch::Contains(
      "10. sysfs_reader runs again: complete() returns into dm_kobject_release\n"
      "      [module dm], whose code is gone\n"));
  CHECK_THAT(moved.out, Catch::Contains("sysfs_reader, line 27"));  // was line 23
  const std::string extra = write_edited("extra-thread.scn", "thread rmmod {", "thread watcher { int x = 1; }\nthread rmmod {");
  const auto with_extra = run_preempt("replay " + extra + " --schedule '" + kSchedule + "'");
  CHECK(with_extra.exit_code == 1);
  CHECK_THAT(with_extra.out, Catch::Contains("unloaded-code: sysfs_reader returns into dm_kobject_release"));

  // An edit that removes a step the schedule names: a clear error, exit 2, no crash.
  const std::string shorter = write_edited("no-wait.scn", "    wait_for_completion(kobj_holder);\n", "");
  const auto broken = run_preempt("replay " + shorter + " --schedule '" + kSchedule + "'");
  INFO(broken.out << broken.err);
  CHECK(broken.exit_code == 2);
  CHECK_THAT(broken.err, Catch::Contains("step 10 names thread 'sysfs_reader'") ||
                             Catch::Contains("names thread rmmod, which has finished"));
  for (const std::string& path : {edited, extra, shorter}) std::remove(path.c_str());
}

TEST_CASE("every violation's schedule in scenarios/ replays to the identical trace", "[cli][replay]") {
  namespace fs = std::filesystem;
  int replayed = 0;
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(std::string(PREEMPT_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".scn") files.push_back(fs::relative(entry.path(), PREEMPT_SOURCE_DIR).string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 20);
  for (const std::string& file : files) {
    CAPTURE(file);
    const auto found = run_preempt("check --format json " + file);
    const Json j = Json::parse(found.out);
    REQUIRE(j["verdict"] != "error");
    for (const Json& v : j["violations"]) {
      const auto again = run_preempt("replay --format json " + file + " --schedule '" + v["schedule"].get<std::string>() + "'");
      CHECK(again.exit_code == 1);
      const Json r = Json::parse(again.out);
      CHECK(r["execution"]["trace"] == v["trace"]);
      CHECK(r["execution"]["message"] == v["message"]);
      ++replayed;
    }
  }
  CHECK(replayed >= 10);
}

TEST_CASE("limits: a cut exploration is incomplete, exit 3, and says what was explored", "[cli][limits]") {
  const auto run = run_preempt(std::string("check --strategy dfs --max-executions 3 ") + kFixed);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("verdict: INCOMPLETE -- no violation found, but the space was not covered (3 executions"));
  CHECK_THAT(run.out, Catch::Contains("stopped at the execution limit (3 executions)"));
  const auto json = run_preempt(std::string("check --strategy dfs --format json --max-executions 3 ") + kFixed);
  CHECK(Json::parse(json.out)["verdict"] == "incomplete");
}

TEST_CASE("bad input: a missing file, a syntax error, a bad option all exit 2 with a clear message", "[cli][errors]") {
  const auto missing = run_preempt("check no/such/file.scn");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("no/such/file.scn: error: no such file or folder"));

  const auto syntax = run_preempt("check tests/cli/fixtures/missing-semicolon.scn");
  CHECK(syntax.exit_code == 2);
  CHECK_THAT(syntax.err, Catch::StartsWith("tests/cli/fixtures/missing-semicolon.scn:4:6: error: expected ';'"));
  CHECK_THAT(syntax.err, Catch::Contains("error:"));
  CHECK_THAT(syntax.err, Catch::Contains("^"));

  const auto option = run_preempt(std::string("check --strategy nope ") + kFixed);
  CHECK(option.exit_code == 2);
  const auto no_command = run_preempt("");
  CHECK(no_command.exit_code == 2);
}

TEST_CASE("the version and help flags", "[cli]") {
  const auto version = run_preempt("--version");
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("preempt "));
  const auto help = run_preempt("--help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("Examples:"));
  const auto check_help = run_preempt("check --help");
  CHECK(check_help.exit_code == 0);
  CHECK_THAT(check_help.out, Catch::Contains("--max-steps"));
}
