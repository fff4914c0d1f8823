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
      "- nothing forces step 9 (rmmod: delete_module(dm)) before step 10 (sysfs_reader: returns from "
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

TEST_CASE("play: a script schedules the dm race, with a wrong name and two undos on the way", "[cli][play]") {
  // After step 3 rmmod waits for the completion: sysfs_reader alone can run, and takes steps 4-5
  // without asking; the first undo takes them back with step 3, the choice before them.
  const auto run = run_with_input(std::string("play ") + kBuggy,
                                  "sysfs_reader\nrmmod\nrmmod\nundo\nrmmod\nbogus\nrmmod\nundo\nrmmod\nrmmod\n"
                                  "rmmod\nrmmod\nsysfs_reader\n");
  CHECK(run.exit_code == 1);
  CHECK(run.err == "");
  CHECK_THAT(run.out, Catch::Contains("  [2] rmmod          next: calls dm_sysfs_exit()"));
  CHECK_THAT(run.out, Catch::Contains("(only sysfs_reader could run: it took steps 4-5 without asking)"));
  CHECK_THAT(run.out, Catch::Contains("> undo\nundone: back to step 2\n"));
  CHECK_THAT(run.out, Catch::Contains("no thread 'bogus' can run"));
  CHECK_THAT(run.out, Catch::Contains("> undo\nundone: back to step 5\n"));
  CHECK_THAT(run.out, Catch::Contains("(only sysfs_reader could run: it took step 10 without asking)"));
  CHECK_THAT(run.out, Catch::Contains("state after step 8:\n  module dm            live, refcount 0"));
  CHECK_THAT(run.out, Catch::Contains(
      "unloaded-code: sysfs_reader returns into dm_kobject_release: code of module dm, unloaded at step 9"));
  CHECK_THAT(run.out, Catch::Contains("schedule: sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader"));
  CHECK_THAT(run.out, Catch::Contains("1 distinct failing class."));
  CHECK_THAT(run.out, Catch::Contains("<- you found this one"));
}

TEST_CASE("play: threads by prefix and number, an empty line runs the last thread again, help and show",
          "[cli][play]") {
  const auto run = run_with_input(std::string("play ") + kBuggy, "\nhelp\nsys\n2\n9\n\nshow\ns\n");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("step 1: who runs? (1 sysfs_reader, 2 rmmod, help) > \n"
                                      "no thread has run yet: type a thread's name or number"));
  CHECK_THAT(run.out, Catch::Contains("  undo      take your last choice back"));
  CHECK_THAT(run.out, Catch::Contains("step 1: sysfs_reader takes a reference to dm_kobj (refcount 1 -> 2)"));
  CHECK_THAT(run.out, Catch::Contains("step 2: rmmod calls dm_sysfs_exit [module dm]"));
  CHECK_THAT(run.out, Catch::Contains("no thread number 9: the threads that can run are numbered 1 to 2"));
  CHECK_THAT(run.out, Catch::Contains("step 3: rmmod drops its reference to dm_kobj (refcount 2 -> 1)"));
  // `show` prints the state again and takes no step; "s" is the start of sysfs_reader only
  CHECK_THAT(run.out, Catch::Contains("> show\nstate after step 5:"));
  CHECK_THAT(run.out, Catch::Contains("step 6: sysfs_reader returns from dm_kobject_release [module dm]"));
  const auto ambiguous = run_with_input("play scenarios/classic/peterson-spin.scn", "p\np[1\nquit\n");
  CHECK_THAT(ambiguous.out, Catch::Contains("'p' could be p[0], p[1]: type more of the name"));
  CHECK_THAT(ambiguous.out, Catch::Contains("step 1: p[1] sets flag[1] to 1"));
}

TEST_CASE("play: a spin loop stays runnable while another thread can change what it reads", "[cli][play]") {
  // p[1] spins (steps 5-8) while p[0] holds the lock; play says the passes change nothing and never
  // that p[1] spins for ever, p[0] leaves, and p[1] gets in.
  const auto run = run_with_input("play scenarios/classic/peterson-spin.scn",
                                  "p[0]\np[0]\np[1]\np[1]\np[1]\n\n\n\np[0]\n\n\n\n\n\n\n\n\n\n");
  CHECK(run.err == "");
  CHECK_THAT(run.out, Catch::Contains("(the state after step 6 is the state after step 4: steps 5-6 changed nothing;\n"
                                      " run alone, p[1] would repeat them for ever: only another thread can change what\n"
                                      " it reads)"));
  CHECK(run.out.find("spins for ever") == std::string::npos);
  CHECK(run.out.find("assume") == std::string::npos);
  CHECK_THAT(run.out, Catch::Contains("every thread finished: no violation in this execution"));
  CHECK(run.exit_code == 0);
}

TEST_CASE("play: a thread that alone repeats itself ends the game as a hang", "[cli][play]") {
  const auto run = run_with_input("play tests/cli/fixtures/spin-alone.scn", "setter\n");
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("(only waiter could run: it took step 2 without asking)"));
  CHECK_THAT(run.out, Catch::Contains("  hang: waiter runs for ever: the state after step 2 is the state after step\n"
                                      "    1, and no other thread can run to change what it reads"));
  CHECK_THAT(run.out, Catch::Contains("waiter spins for ever at line 9"));
  CHECK_THAT(run.out, Catch::Contains("<- you found this one"));
}

TEST_CASE("play: at a terminal the arrow keys edit the line, they insert nothing", "[cli][play]") {
  // Typed after each prompt: "sysfs_readr", Left, "e"; "xrmmod", Home, Delete; Up (recalls
  // "rmmod"), "zz", Ctrl-U, "quit".
  const std::string keys = temp_path("keys.txt");
  std::ofstream(keys) << "sysfs_readr\x1b[De\nxrmmod\x1b[H\x1b[3~\n\x1bOAzz\x15quit\n";
  const std::string out = temp_path("pty.out");
  const std::string command = std::string("cd ") + PREEMPT_SOURCE_DIR + " && python3 tests/cli/play_pty.py " + out +
                              " " + keys + " " + PREEMPT_BINARY + " play " + kBuggy;
  const int status = std::system(command.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const std::string screen = slurp(out);
  CHECK_THAT(screen, Catch::Contains("step 1: sysfs_reader takes a reference to dm_kobj"));
  CHECK_THAT(screen, Catch::Contains("step 2: rmmod calls dm_sysfs_exit [module dm]"));
  CHECK_THAT(screen, Catch::EndsWith("quit.\r\n"));
  CHECK(screen.find("no thread") == std::string::npos);
  std::remove(keys.c_str());
  std::remove(out.c_str());
}

TEST_CASE("play: a safe ending, then the classes still to find, quit and end of input", "[cli][play]") {
  // rmmod, then empty lines: rmmod again and again; sysfs_reader, alone at the end, finds dm_kobj gone
  const auto safe = run_with_input(std::string("play ") + kBuggy, "rmmod\n\n\n\n\n\n\n\n");
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
  const auto nothing_to_undo = run_with_input(std::string("play ") + kBuggy, "undo\nquit\n");
  CHECK_THAT(nothing_to_undo.out, Catch::Contains("nothing to undo"));
}

TEST_CASE("the story fits 80 columns or COLUMNS, its citations on lines of their own when it must",
          "[cli][explain]") {
  ::unsetenv("COLUMNS");
  const auto narrow = run_preempt(std::string("check ") + kBuggy);
  const std::size_t first = narrow.out.find("   1. ");
  const std::string story = narrow.out.substr(first, narrow.out.find("\n\n  unloaded-code") - first);
  std::size_t start = 0;
  while (start < story.size()) {
    const std::size_t end = std::min(story.find('\n', start), story.size());
    CHECK(end - start <= 80);
    start = end + 1;
  }
  CHECK_THAT(story, Catch::Contains(
      "   4. sysfs_reader drops its reference to dm_kobj (refcount 1 -> 0) and calls\n"
      "      dm_kobject_release [module dm]\n"
      "                                     sysfs_reader, line 24: kobject_put(dm_kobj)\n"));
  ::setenv("COLUMNS", "200", 1);
  const auto wide = run_preempt(std::string("check ") + kBuggy);
  ::unsetenv("COLUMNS");
  CHECK_THAT(wide.out, Catch::Contains(
      "   9. rmmod unloads module dm" + std::string(111 - 29, ' ') + "rmmod, line 31: delete_module(dm)\n"));
}

TEST_CASE("play: the objects init allocated are named for init, not \"?\"",
          "[cli][play]") {
  const auto run = run_with_input("play tests/irq/free-before-free-irq.scn", "quit\n");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("dev                  -> struct foo_dev #1 of init"));
  CHECK(run.out.find(" of ?") == std::string::npos);
}
