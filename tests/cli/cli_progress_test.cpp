// The progress line: on stderr while a run takes over a second, only when stderr is a terminal,
// never with --format json, never in stdout, and erased at the end.
#include "tests/catch.hpp"
#include <cstdio>

#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;
using preempt::test::Run;

namespace {

constexpr const char* kSlow = "tests/cli/fixtures/slow.scn";

// Runs preempt with stderr on a pseudo-terminal (tests/cli/stderr_pty.py) and stdout on a file.
Run run_on_terminal(const std::string& args) {
  const std::string base = std::string(PREEMPT_TEST_TMP) + "/pty" + std::to_string(::getpid());
  const std::string command = std::string("cd ") + PREEMPT_SOURCE_DIR + " && python3 tests/cli/stderr_pty.py " +
                              base + ".out " + base + ".err " + PREEMPT_BINARY + " " + args;
  const int status = std::system(command.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = preempt::test::slurp(base + ".out");
  run.err = preempt::test::slurp_err(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return run;
}

}  // namespace

TEST_CASE("progress: a run over a second shows a progress line on a terminal, then erases it", "[cli][progress]") {
  const auto run = run_on_terminal(std::string("check --strategy dfs --max-time 2 ") + kSlow);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.err, Catch::Contains("\r  "));
  CHECK_THAT(run.err, Catch::Contains(" executions  "));
  CHECK_THAT(run.err, Catch::Contains("/s  depth 32  "));
  CHECK_THAT(run.err, Catch::EndsWith("\r\033[K"));  // the last thing written erases the line
  CHECK_THAT(run.out, Catch::Contains("verdict: INCOMPLETE"));
  CHECK_THAT(run.out, !Catch::Contains("/s  depth"));
}

TEST_CASE("progress: `test` shows it too", "[cli][progress]") {
  const auto run = run_on_terminal(std::string("test --strategy dfs --max-time 2 ") + kSlow);
  CHECK_THAT(run.err, Catch::Contains(" executions  "));
  CHECK_THAT(run.out, Catch::Contains("FAIL tests/cli/fixtures/slow.scn"));
}

TEST_CASE("progress: nothing of it with --format json or when stderr is not a terminal", "[cli][progress]") {
  const auto json = run_on_terminal(std::string("check --strategy dfs --format json --max-time 1.5 ") + kSlow);
  CHECK(json.exit_code == 3);
  CHECK(json.err.empty());
  const auto piped = run_preempt(std::string("check --strategy dfs --max-time 1.5 ") + kSlow);
  CHECK(piped.exit_code == 3);
  CHECK(piped.err.empty());
}

TEST_CASE("progress: a run under a second draws nothing", "[cli][progress]") {
  const auto run = run_on_terminal("check scenarios/dm-sysfs-exit/fixed.scn");
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
}
