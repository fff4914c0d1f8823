#include "checker/cli/options.hpp"

#include "checker/rt/strategy_names.hpp"

#include <csignal>

#include "checker/explore/explorer.hpp"
#include "checker/rt/stop.hpp"

namespace preempt::cli {

void CommonOptions::add_to(CLI::App& command, bool exploring) {
  if (exploring) {
    strategy_given_ = command.add_option("--strategy", strategy,
                       "exploration strategy: auto (dpor and stateful side by side on two cores; the one that "
                       "concludes with less work decides, the same one on every machine), dpor (optimal "
                       "partial-order reduction: one execution per class of equivalent interleavings), dfs "
                       "(every interleaving), random (sample schedules uniformly), pct (probabilistic "
                       "concurrency testing) or stateful (search of the state graph with state caching and "
                       "symmetry)")
        ->check(CLI::IsMember(std::vector<std::string>(kStrategyNames.begin(), kStrategyNames.end())))
        ->capture_default_str();
    seed_given_ = command.add_option("--seed", seed, "random, pct: the seed; the same seed gives the same executions")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    samples_given_ = command.add_option("--executions", samples, "random, pct: how many executions to sample")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 62))
        ->capture_default_str();
    depth_given_ = command.add_option("--depth", depth, "pct: the bug depth d (d-1 priority change points per execution)")
        ->check(CLI::Range(1u, 1000u))
        ->capture_default_str();
    command.add_flag("--no-symmetry", no_symmetry,
                     "stateful: tell apart states that differ only by a permutation of a thread array's copies");
    command.add_flag("--no-reduction", no_reduction,
                     "stateful: expand every state fully (no sleep sets, no ample sets), for comparison");
    command.add_option("--max-memory", max_memory_mib,
                       "MiB of memory each scenario's run may take (the process's resident size, and the "
                       "stateful strategy's stored states); past it the run ends incomplete. Default: half "
                       "of the machine's physical memory")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30));
    command.add_flag("--no-minimize", no_minimize,
                     "report the first violation found, without searching for one with fewer "
                     "preemptions and steps");
    command.add_flag("--check-traces", check_traces,
                     "debug the reduction: compute every execution's canonical trace and fail if one "
                     "is explored twice");
    command.add_option("--max-executions", max_executions, "stop after N executions (0: no limit)")
        ->capture_default_str();
    command.add_option("--max-time", max_time, "stop after SECONDS of wall time, even inside an execution (0: no limit)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    bound_given_ = command.add_option("--preemption-bound", preemption_bound,
                       "explore only executions with at most K preemptions (when that cuts any schedule, the verdict is incomplete, never safe)");
  }
  command.add_flag("--follow-symlinks", follow_symlinks,
                   "read scenario files that are symbolic links to regular files (refused by default: "
                   "a pull request could link to a file outside the repository)");
  command.add_option("--max-steps", max_steps, "steps per execution before it is cut")
      ->check(CLI::Range(1u, 100'000'000u))
      ->capture_default_str();
  command.add_option("--format", format, "output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  command.add_option("--trace", trace,
                     "how the text output shows an execution: story (one numbered sentence per step) or "
                     "table (operation, state change and source location in columns)")
      ->check(CLI::IsMember({"story", "table"}))
      ->capture_default_str();
}

CheckConfig CommonOptions::config() const {
  CheckConfig config;
  config.strategy = StrategyKind::Auto;
  for (std::size_t i = 0; i < kStrategyNames.size(); ++i) {
    if (kStrategyNames[i] == strategy) config.strategy = static_cast<StrategyKind>(i);
  }
  config.symmetry = !no_symmetry;
  config.reduction = !no_reduction;
  config.max_memory_bytes = memory_limit_mib() << 20;
  config.seed = seed;
  config.samples = samples;
  config.pct_depth = depth;
  config.minimize = !no_minimize;
  config.check_canonical = check_traces;
  config.max_steps = max_steps;
  config.max_executions = max_executions;
  config.max_seconds = max_time;
  config.preemption_bound = preemption_bound;
  config.explain = true;  // every command tells which races decide the violations it reports
  return config;
}

std::uint64_t CommonOptions::memory_limit_mib() const {
  return max_memory_mib != 0 ? max_memory_mib : std::max<std::uint64_t>(default_memory_limit() >> 20, 1);
}

namespace {
// The tighter of two limits, 0 meaning none.
template <typename T>
T tighter(T limit, T pinned) {
  return limit == 0 ? pinned : std::min(limit, pinned);
}
}  // namespace

CommonOptions CommonOptions::for_scenario(const std::vector<lang::ScenarioOption>& pinned) const {
  CommonOptions out = *this;
  for (const lang::ScenarioOption& o : pinned) {
    if (o.name == "strategy" && !given(strategy_given_)) out.strategy = o.word;
    if (o.name == "seed" && !given(seed_given_)) out.seed = o.number;
    if (o.name == "executions" && !given(samples_given_)) out.samples = o.number;
    if (o.name == "depth" && !given(depth_given_)) out.depth = static_cast<std::uint32_t>(o.number);
    if (o.name == "preemption-bound" && !given(bound_given_)) {
      out.preemption_bound = static_cast<std::uint32_t>(o.number);
    }
    if (o.name == "max-time") out.max_time = tighter(max_time, static_cast<double>(o.number));
    if (o.name == "max-steps") out.max_steps = tighter(max_steps, static_cast<std::uint32_t>(o.number));
    if (o.name == "max-executions") out.max_executions = tighter(max_executions, o.number);
    if (o.name == "max-memory") out.max_memory_mib = tighter(memory_limit_mib(), o.number);
  }
  return out;
}

namespace {
// SIGINT (Ctrl-C), SIGTERM and SIGHUP (what CI runners send on cancel or timeout) all stop the
// run where it is; it writes what it has and exits 3. A second one ends the process at once.
extern "C" void on_interrupt(int signal) {
  request_stop(StopReason::Interrupt);
  std::signal(signal, SIG_DFL);
}
}  // namespace

std::string stop_words() {
  (void)stop_polled();  // this thread's deadline too (with test -j, other threads saw it expire)
  switch (stop_reason()) {
    case StopReason::Deadline: return "the time budget ran out";
    case StopReason::Memory: return "the memory limit was reached";
    case StopReason::None: case StopReason::Interrupt: break;
  }
  return "interrupted";
}

void install_interrupt_handler() {
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, on_interrupt);
}

}  // namespace preempt::cli
