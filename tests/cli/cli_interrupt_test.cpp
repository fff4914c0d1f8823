// Ctrl-C: a running check stops, prints what it explored with the verdict incomplete, exit 3.
#include "tests/catch.hpp"
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cli/run_binary.hpp"

TEST_CASE("SIGINT ends a long check with a partial report, verdict incomplete, exit 3", "[cli][limits]") {
  const std::string base = std::string(PREEMPT_TEST_TMP) + "/sigint" + std::to_string(::getpid());
  // The check runs in the background of a shell; the shell sends it SIGINT after half a second.
  const std::string command = std::string("cd ") + PREEMPT_SOURCE_DIR + " && { " + PREEMPT_BINARY +
                              " check --strategy dfs --max-time 60 tests/cli/fixtures/slow.scn >" + base + ".out 2>" + base +
                              ".err </dev/null & pid=$!; sleep 0.5; kill -INT $pid; wait $pid; }";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  const std::string out = preempt::test::slurp(base + ".out");
  CHECK_THAT(out, Catch::Contains("verdict: INCOMPLETE"));
  CHECK_THAT(out, Catch::Contains("interrupted"));
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
}
