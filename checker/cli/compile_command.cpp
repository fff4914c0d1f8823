// preempt compile FILE: check a scenario without exploring it, and show how preempt reads it --
// the resolved program (--ast) or the bytecode the interpreter runs (--bytecode).
#include <iostream>
#include <memory>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/interp/scenario.hpp"

namespace preempt::cli {

namespace {

struct CompileCommand {
  std::vector<std::string> paths;
  bool ast = false;
  bool bytecode = false;
  bool follow_symlinks = false;

  [[nodiscard]] int run() const {
    int code = kExitSafe;
    for (const std::string& path : paths) {
      const auto scenario = load_scenario_file(path, follow_symlinks);
      if (!scenario) {
        code = kExitBadInput;
        continue;
      }
      if (ast) std::cout << lang::dump(scenario->program());
      if (bytecode) std::cout << interp::disassemble(scenario->compiled());
      if (!ast && !bytecode) std::cout << path << ": ok\n";
    }
    return code;
  }
};

}  // namespace

void register_compile(CLI::App& app, int* exit_code) {
  auto command = std::make_shared<CompileCommand>();
  CLI::App* sub = app.add_subcommand("compile", "check scenario files without exploring them; show the program as "
                                                "preempt reads it");
  sub->add_option("FILE", command->paths, "scenario files")->required();
  sub->add_flag("--ast", command->ast, "print the resolved program (every name, type and builtin resolved)");
  sub->add_flag("--bytecode", command->bytecode, "print the bytecode the interpreter runs");
  sub->add_flag("--follow-symlinks", command->follow_symlinks,
                "read scenario files that are symbolic links to regular files (refused by default)");
  sub->footer("Exit codes: 0 every file compiles, 2 some file has an error (FILE:LINE:COL on stderr).");
  sub->callback([command, exit_code] { *exit_code = command->run(); });
}

}  // namespace preempt::cli
