// The teaching side of the CLI, through the built binary: the explanation of a violation (text and
// JSON), the --html page (its content; tests/cli/html_chromium_test.sh runs it in a browser), and
// `preempt play` driven by a script on stdin.
#include "tests/catch.hpp"
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;
using preempt::test::slurp;
using Json = nlohmann::json;

namespace {

const char* const kBuggy = "scenarios/dm-sysfs-exit/buggy.scn";
const char* const kFixed = "scenarios/dm-sysfs-exit/fixed.scn";

// run_preempt with `input` on stdin (one choice per line, as a script would type them).
preempt::test::Run run_with_input(const std::string& args, const std::string& input) {
  static int counter = 0;
  const std::string file = std::string(PREEMPT_TEST_TMP) + "/stdin" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++);
  std::ofstream(file) << input;
  const std::string command = std::string("cd ") + PREEMPT_SOURCE_DIR + " && " + PREEMPT_BINARY + " " + args +
                              " <" + file + " >" + file + ".out 2>" + file + ".err";
  const int status = std::system(command.c_str());
  preempt::test::Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(file + ".out");
  run.err = preempt::test::slurp_err(file + ".err");
  for (const std::string& f : {file, file + ".out", file + ".err"}) std::remove(f.c_str());
  return run;
}

std::string temp_path(const std::string& name) { return std::string(PREEMPT_TEST_TMP) + "/" + name; }

}  // namespace

TEST_CASE("check explains the dm race by its racing steps, each reversal replayed", "[cli][explain]") {
  const auto run = run_preempt(std::string("check ") + kBuggy);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("why: the order of these racing steps decides the failure"));
  CHECK_THAT(run.out, Catch::Contains(
      "- nothing orders step 9 (rmmod: delete_module(dm)) after step 10 (sysfs_reader: returns from "
      "dm_kobject_release()); both touch module dm (loaded or not)"));
  CHECK_THAT(run.out, Catch::Contains(
      "with step 10 first the execution has no violation: schedule "
      "sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:3,sysfs_reader,rmmod"));
  // The reversed schedule it names is a real, safe execution.
  const auto reversed = run_preempt(std::string("replay ") + kBuggy +
                                    " --schedule sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:3,sysfs_reader,rmmod");
  CHECK(reversed.exit_code == 0);
  // complete() -> wait_for_completion() is a dependence, but not a race: the wait cannot go first.
  CHECK_THAT(run.out, !Catch::Contains("step 5 (sysfs_reader: complete(kobj_holder)) after"));
}

TEST_CASE("check --format json carries the explanation", "[cli][explain][json]") {
  const auto run = run_preempt(std::string("check --format json ") + kBuggy);
  CHECK(run.exit_code == 1);
  const Json j = Json::parse(run.out);
  const Json& races = j["violations"][0]["explanation"]["races"];
  REQUIRE(races.size() >= 1);
  CHECK(races[0]["first"]["step"] == 9);
  CHECK(races[0]["first"]["op"] == "delete_module(dm)");
  CHECK(races[0]["second"]["step"] == 10);
  CHECK(races[0]["second"]["thread"] == "sysfs_reader");
  CHECK(races[0]["reversed_outcome"] == "avoided");
  CHECK(races[0]["reversed_schedule"] == "sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:3,sysfs_reader,rmmod");
}

TEST_CASE("check --html writes one self-contained page: the scheduler over the scenario's state graph", "[cli][html]") {
  const std::string page_path = temp_path("dm.html");
  const auto run = run_preempt(std::string("check --html ") + page_path + " " + kBuggy);
  CHECK(run.exit_code == 1);
  const std::string page = slurp(page_path);
  std::remove(page_path.c_str());
  CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(page, !Catch::Contains("http://") && !Catch::Contains("https://") && !Catch::Contains(" src="));
  CHECK_THAT(page, Catch::Contains("[\"module dm\",\"unloaded at step 9\"]"));
  CHECK_THAT(page, Catch::Contains("\"    delete_module(dm);\""));
  CHECK_THAT(page, Catch::Contains("\"kind\":\"unloaded-code\""));
  // Where each thread stands: [name, status, where, line, next step].
  CHECK_THAT(page, Catch::Contains(
      "[\"sysfs_reader\",\"can run (return)\",\"dm_kobject_release [module dm]\",11,\"returns from dm_kobject_release()\"]"));
  // The violating order and the safe one, side by side.
  CHECK_THAT(page, Catch::Contains("\"orders\":{\"race\":\"Steps 9 (rmmod) and 10 (sysfs_reader) race"));
}

TEST_CASE("replay --html pages the replayed execution, a safe check pages its state graph", "[cli][html]") {
  const std::string page_path = temp_path("replay.html");
  const auto run = run_preempt(std::string("replay --html ") + page_path + " " + kBuggy +
                               " --schedule sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:3,sysfs_reader,rmmod");
  CHECK(run.exit_code == 0);
  CHECK_THAT(slurp(page_path), Catch::Contains("\"verdict\":\"this execution: no violation (10 steps)\"") &&
                                   Catch::Contains("\"violation\":null"));
  const auto safe = run_preempt(std::string("check --html ") + page_path + " " + kFixed);
  CHECK(safe.exit_code == 0);
  CHECK_THAT(slurp(page_path), Catch::Contains("\"verdict\":\"verdict: SAFE -- every interleaving explored (") &&
                                   Catch::Contains("\"graph\":{\"threads\":"));
  std::remove(page_path.c_str());
  const auto bad = run_preempt(std::string("check --html /nonexistent/dir/x.html ") + kBuggy);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("cannot write the HTML report"));
}

TEST_CASE("play: a script schedules the dm race, with a wrong name and an undo on the way", "[cli][play]") {
  const auto run = run_with_input(std::string("play ") + kBuggy,
                                  "sysfs_reader\nrmmod\nrmmod\nbogus\nrmmod\nsysfs_reader\nsysfs_reader\n"
                                  "sysfs_reader\nundo\nrmmod\nrmmod\nrmmod\nrmmod\nsysfs_reader\n");
  CHECK(run.exit_code == 1);
  CHECK(run.err == "");
  CHECK_THAT(run.out, Catch::Contains("rmmod          next: calls dm_sysfs_exit()"));
  CHECK_THAT(run.out, Catch::Contains("no runnable thread 'bogus'"));
  CHECK_THAT(run.out, Catch::Contains(
      "rmmod cannot run now: it waits for completion kobj_holder (done = 0)"));
  CHECK_THAT(run.out, Catch::Contains("undone: back to step 5"));
  CHECK_THAT(run.out, Catch::Contains("  module dm            unloaded at step 9"));
  CHECK_THAT(run.out, Catch::Contains(
      "unloaded-code: sysfs_reader returns into dm_kobject_release: code of module dm, unloaded at step 9"));
  CHECK_THAT(run.out, Catch::Contains("schedule: sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader"));
  CHECK_THAT(run.out, Catch::Contains("1 distinct failing class."));
  CHECK_THAT(run.out, Catch::Contains("<- you found this one"));
}

TEST_CASE("play: a safe ending, then the classes still to find, quit and end of input", "[cli][play]") {
  const auto safe = run_with_input(std::string("play ") + kBuggy, "rmmod\nrmmod\nrmmod\nrmmod\nrmmod\nrmmod\n"
                                                                  "rmmod\nsysfs_reader\nrmmod\n");
  CHECK(safe.exit_code == 0);
  CHECK_THAT(safe.out, Catch::Contains("no violation in this execution"));
  CHECK_THAT(safe.out, Catch::Contains("You found none of them this time"));
  const auto quit = run_with_input(std::string("play ") + kBuggy, "rmmod\nquit\n");
  CHECK(quit.exit_code == 0);
  CHECK_THAT(quit.out, Catch::EndsWith("quit.\n"));
  const auto eof = run_with_input(std::string("play ") + kBuggy, "");
  CHECK(eof.exit_code == 0);
  CHECK_THAT(eof.out, Catch::Contains("(end of input)"));
  const auto fixed = run_with_input(std::string("play ") + kFixed, "quit\n");
  CHECK(fixed.exit_code == 0);
}

TEST_CASE("play: the objects init allocated are named for init, not \"?\"",
          "[cli][play]") {
  const auto run = run_with_input("play tests/irq/free-before-free-irq.scn", "quit\n");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("dev                  -> struct foo_dev #1 of init"));
  CHECK(run.out.find(" of ?") == std::string::npos);
}
