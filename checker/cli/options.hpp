#pragma once
// The exploration options every command shares, registered on a CLI11 subcommand and turned into a
// CheckConfig.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "checker/explore/config.hpp"

namespace preempt::cli {

struct CommonOptions {
  std::string strategy = "dfs";
  std::uint32_t max_steps = 10000;
  std::uint64_t max_executions = 0;
  double max_time = 0;
  std::optional<std::uint32_t> preemption_bound;
  std::string format = "text";

  void add_to(CLI::App& command, bool exploring);
  [[nodiscard]] CheckConfig config() const;
};

// Installs a SIGINT handler that asks a running exploration to stop and report what it has.
void install_interrupt_handler();

}  // namespace preempt::cli
