#pragma once
// Runs the built preempt binary the way a user does, capturing exit code, stdout and stderr.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace preempt::test {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// `args` is appended to the binary's path as shell words; the working directory is the source
// tree, so scenario paths read as in the docs (scenarios/...).
inline Run run_preempt(const std::string& args) {
  static int counter = 0;
  const std::string base = std::string(PREEMPT_TEST_TMP) + "/run" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++);
  const std::string command = std::string("cd ") + PREEMPT_SOURCE_DIR + " && " + PREEMPT_BINARY + " " + args +
                              " >" + base + ".out 2>" + base + ".err </dev/null";
  const int status = std::system(command.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(base + ".out");
  run.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return run;
}

}  // namespace preempt::test
