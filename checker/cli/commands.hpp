#pragma once
// The subcommands of the preempt binary. Each registers itself on the app; its callback stores the
// command's exit code in *exit_code.
#include <CLI/CLI.hpp>

namespace preempt::cli {

void register_check(CLI::App& app, int* exit_code);
void register_test(CLI::App& app, int* exit_code);
void register_replay(CLI::App& app, int* exit_code);
void register_play(CLI::App& app, int* exit_code);
void register_compile(CLI::App& app, int* exit_code);
void register_lsp(CLI::App& app, int* exit_code);
void register_diff(CLI::App& app, int* exit_code);

}  // namespace preempt::cli
