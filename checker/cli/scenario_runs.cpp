#include "checker/cli/scenario_runs.hpp"

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "checker/cli/progress.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/cli/terminal.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/report/text_safety.hpp"
#include "checker/rt/stop.hpp"

namespace preempt::cli {

namespace {

// One scenario's run, made by whichever thread explored it and handed to the command in order.
struct Slot {
  bool not_run = false;
  std::string not_run_why;  // not_run: why (ScenarioHandlers::not_run)
  std::string errors;
  std::unique_ptr<interp::LoadedScenario> scenario;
  std::optional<CommonOptions> options;
  CheckConfig config;
  ExploreResult result;
  bool cut = false;  // stopped by an interrupt or the run's time budget
  bool done = false;
};

// Why loading stopped, while the scopes that may have stopped it are still in force.
std::string loading_stop_words(const StopDeadline& deadline, const CommonOptions& options) {
  if (deadline.expired()) return fmt::format("the time limit ({} s) ran out while it loaded", options.max_time);
  if (stop_reason() == StopReason::Memory) {
    return fmt::format("the memory limit ({} MiB) was reached while it loaded", options.memory_limit_mib());
  }
  return stop_words();
}

// Loads and explores one scenario on the calling thread (with its own deadline: rt/stop.hpp).
void explore_into(Slot& slot, const std::string& path, const CommonOptions& options, ReportOutputs* outputs,
                  const ScenarioHandlers& handlers, bool progress_line) {
  if (stop_polled()) {
    slot.not_run = true;
    slot.not_run_why = stop_words();
    return;
  }
  {
    // Loading runs under the command line's limits too: a stop while a big file loads ends it at
    // once (the front end polls, rt/stop.hpp), and the scenario is not run.
    const StopMemoryLimit memory(options.memory_limit_mib() << 20);
    const StopDeadline deadline(options.max_time);
    slot.scenario = interp::load_scenario(path, &slot.errors);
    if (!slot.scenario && stop_known()) {
      slot.not_run = true;
      slot.not_run_why = loading_stop_words(deadline, options);
      return;
    }
  }
  if (!slot.scenario) return;
  slot.options = options.for_scenario(slot.scenario->program().options);
  slot.config = slot.options->config();
  if (handlers.configure) handlers.configure(path, slot.scenario->layout(), slot.config);
  if (outputs != nullptr) slot.config = outputs->observe(path, slot.scenario->layout(), slot.config);
  ProgressLine progress(!progress_line || options.format == "json");
  progress.attach(slot.config);
  slot.result = explore(slot.scenario->model(), slot.config);
  progress.clear();
  slot.cut = slot.result.verdict == Verdict::Incomplete && stop_polled();
}

// Hands one finished slot to the command.
void deliver(Slot& slot, const std::string& path, bool last, ReportOutputs& outputs, const ScenarioHandlers& handlers) {
  if (slot.not_run) {
    outputs.not_run(path, slot.not_run_why);
    handlers.not_run(path, slot.not_run_why);
    return;
  }
  if (!slot.scenario) {
    outputs.not_loaded(path, slot.errors);
    handlers.not_loaded(path, slot.errors);
    return;
  }
  std::cerr << terminal_safe(slot.scenario->warnings());
  const CommonOptions& effective = *slot.options;
  ScenarioReport report{path, &slot.scenario->layout(), &slot.result, effective.strategy_label(),
                        slot.config.preemption_bound, false, effective.shown_seed()};
  report.table = effective.trace == "table";
  report.columns = output_columns();
  handlers.checked({path, *slot.scenario, slot.result, report, effective, slot.cut, last});
  std::cout.flush();
}

// -j N: N threads explore the scenarios in file order, each taking the next one; the command
// hears of them in file order, so the output is the same as with one thread.
void run_parallel(const std::vector<std::string>& files, const CommonOptions& options, ReportOutputs& outputs,
                  const ScenarioHandlers& handlers, unsigned jobs, double budget_seconds) {
  std::vector<Slot> slots(files.size());
  std::mutex mutex;
  std::condition_variable finished;
  std::size_t next = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto worker = [&] {
    // The run's time budget, as a deadline of this thread too.
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const StopDeadline budget(budget_seconds > 0 ? std::max(1e-3, budget_seconds - elapsed) : 0);
    for (;;) {
      std::size_t i = 0;
      {
        const std::lock_guard lock(mutex);
        if (next == files.size()) return;
        i = next++;
      }
      explore_into(slots[i], files[i], options, nullptr, handlers, false);
      const std::lock_guard lock(mutex);
      slots[i].done = true;
      finished.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::min<std::size_t>(jobs, files.size()); ++t) threads.emplace_back(worker);
  for (std::size_t i = 0; i < files.size(); ++i) {
    {
      std::unique_lock lock(mutex);
      finished.wait(lock, [&] { return slots[i].done; });
    }
    deliver(slots[i], files[i], i + 1 == files.size(), outputs, handlers);
    slots[i] = Slot{};  // its memory goes now, not at the end of the run
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace

bool run_scenarios(const std::vector<std::string>& paths, const CommonOptions& options, ReportOutputs& outputs,
                   const ScenarioHandlers& handlers, unsigned jobs, double budget_seconds) {
  const ScenarioFiles files = collect_scenarios(paths, options.follow_symlinks);
  for (const std::string& error : files.errors) std::cerr << error << "\n";
  if (jobs > 1 && files.files.size() > 1) {
    run_parallel(files.files, options, outputs, handlers, jobs, budget_seconds);
    return files.errors.empty();
  }
  for (std::size_t i = 0; i < files.files.size(); ++i) {
    Slot slot;
    explore_into(slot, files.files[i], options, &outputs, handlers, true);
    deliver(slot, files.files[i], i + 1 == files.files.size(), outputs, handlers);
  }
  return files.errors.empty();
}

}  // namespace preempt::cli
