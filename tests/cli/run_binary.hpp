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

// The sanitizer build's AddressSanitizer prints, once per process, a warning that it does not
// fully support makecontext/swapcontext (the fibers). It is not the program's output: drop it.
inline std::string without_sanitizer_notes(std::string err) {
  const std::string note = "WARNING: ASan doesn't fully support makecontext/swapcontext";
  const std::size_t at = err.find(note);
  if (at == std::string::npos) return err;
  const std::size_t line = err.rfind('\n', at);
  const std::size_t begin = line == std::string::npos ? 0 : line + 1;  // the "==PID==" prefix too
  const std::size_t newline = err.find('\n', at);                    // "\r\n" on a terminal
  err.erase(begin, (newline == std::string::npos ? err.size() : newline + 1) - begin);
  return err;
}

// Standard error of a run, without notes of the sanitizer runtime.
inline std::string slurp_err(const std::string& path) { return without_sanitizer_notes(slurp(path)); }

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
  run.err = slurp_err(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return run;
}

}  // namespace preempt::test
