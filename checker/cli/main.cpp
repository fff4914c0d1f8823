// preempt: a deterministic concurrency model checker for kernel-style lifetime races.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"

// Both come from CMake (checker/cli/CMakeLists.txt, cmake/Version.cmake): the project version and
// the source revision (git describe at configure time, "unknown" outside a git checkout).
#ifndef PREEMPT_VERSION
#define PREEMPT_VERSION "unknown"
#endif
#ifndef PREEMPT_REVISION
#define PREEMPT_REVISION "unknown"
#endif

int main(int argc, char** argv) {
  CLI::App app{"preempt: explores every interleaving of a concurrent kernel scenario and reports the\n"
               "schedule that breaks it (unloaded module code, use-after-free, refcount underflow,\n"
               "deadlock, failed assertions, lock misuse, sleeping in atomic context)."};
  app.set_version_flag("--version", "preempt " PREEMPT_VERSION " (revision " PREEMPT_REVISION ")");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  preempt check scenarios/dm-sysfs-exit/buggy.scn     prove or break one scenario\n"
      "  preempt test scenarios/                             check every scenario's `expect` line\n"
      "  preempt replay FILE --schedule 'a,b:2,a'            re-run one execution step by step\n"
      "  preempt diff BUGGY.scn FIXED.scn                    what a fix removes, what remains\n"
      "Run 'preempt COMMAND --help' for a command's options.");
  int exit_code = preempt::cli::kExitSafe;
  preempt::cli::register_check(app, &exit_code);
  preempt::cli::register_test(app, &exit_code);
  preempt::cli::register_replay(app, &exit_code);
  preempt::cli::register_play(app, &exit_code);
  preempt::cli::register_compile(app, &exit_code);
  preempt::cli::register_lsp(app, &exit_code);
  preempt::cli::register_diff(app, &exit_code);
  // A closed pipe is a write error (exit 2 below), not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    app.parse(argc, argv);
  } catch (const std::bad_alloc&) {
    // Every scenario-driven growth has its own limit; this is the last resort.
    std::cerr << "preempt: error: out of memory (the scenario needs more memory than the machine gives; "
                 "see docs/cli.md, \"Running on untrusted input\")\n";
    return preempt::cli::kExitBadInput;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return preempt::cli::kExitBadInput;
  }
  // Output that could not be written (a full disk, a closed pipe) is an error, whatever the verdict.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::cerr << "preempt: error: cannot write the output: " << std::strerror(errno) << "\n";
    return preempt::cli::kExitBadInput;
  }
  return exit_code;
}
