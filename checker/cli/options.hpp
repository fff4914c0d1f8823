#pragma once
// The exploration options every command shares, registered on a CLI11 subcommand and turned into a
// CheckConfig.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "checker/explore/config.hpp"
#include "checker/lang/ast.hpp"

namespace preempt::cli {

struct CommonOptions {
  std::string strategy = "auto";
  std::uint64_t seed = 1;
  std::uint64_t samples = 1000;
  std::uint32_t depth = 3;
  bool no_minimize = false;
  bool check_traces = false;
  bool no_symmetry = false;
  bool no_reduction = false;
  std::uint64_t max_memory_mib = 0;  // 0: the default, half of physical memory (rt/stop.hpp)
  std::uint32_t max_steps = 10000;
  std::uint64_t max_executions = 0;
  double max_time = 0;
  std::optional<std::uint32_t> preemption_bound;
  bool follow_symlinks = false;  // check, test: read scenario files that are symbolic links
  std::string format = "text";
  std::string trace = "story";  // text output: the numbered story or the step table

 private:
  // The options a scenario may choose when the command line did not: given on it, they win.
  CLI::Option* strategy_given_ = nullptr;
  CLI::Option* seed_given_ = nullptr;
  CLI::Option* samples_given_ = nullptr;
  CLI::Option* depth_given_ = nullptr;
  CLI::Option* bound_given_ = nullptr;
  [[nodiscard]] static bool given(const CLI::Option* option) { return option != nullptr && option->count() > 0; }

 public:

  void add_to(CLI::App& command, bool exploring);
  [[nodiscard]] CheckConfig config() const;
  // --max-memory, or its default when not given.
  [[nodiscard]] std::uint64_t memory_limit_mib() const;
  // The options for one scenario: its `option` lines (lang::ScenarioOption) choose what the command
  // line left to its default (strategy, seed, executions, depth, preemption bound), and its limits
  // apply when they are tighter than the command line's (a file cannot raise a limit).
  [[nodiscard]] CommonOptions for_scenario(const std::vector<lang::ScenarioOption>& pinned) const;
  // The strategy that runs: with a preemption bound, dpor, stateful and auto give way to the
  // bounded dfs.
  [[nodiscard]] std::string strategy_label() const {
    const bool exhaustive = strategy == "dpor" || strategy == "stateful" || strategy == "auto";
    return exhaustive && preemption_bound ? std::string("dfs") : strategy;
  }
  // The seed, for the strategies that use one (random, pct).
  [[nodiscard]] std::optional<std::uint64_t> shown_seed() const {
    return strategy == "random" || strategy == "pct" ? std::optional<std::uint64_t>(seed) : std::nullopt;
  }
};

// Installs the SIGINT, SIGTERM and SIGHUP handler that asks a running exploration to stop and
// report what it has (rt/stop.hpp).
void install_interrupt_handler();

// Why runs stop, for "not run (...)" lines: "interrupted" or "the time budget ran out".
[[nodiscard]] std::string stop_words();

}  // namespace preempt::cli
