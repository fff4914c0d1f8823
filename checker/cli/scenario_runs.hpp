#pragma once
// The loop `check` and `test` share: expand the paths into scenario files, and for each in order
// either say that it was not run (an interrupt came first), that it does not compile, or explore
// it under the command's options and report outputs. The command decides what each case prints.
#include <functional>
#include <string>
#include <vector>

#include "checker/cli/options.hpp"
#include "checker/cli/report_outputs.hpp"
#include "checker/explore/result.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/report/report.hpp"

namespace preempt::cli {

// One explored scenario, as the loop hands it to the command.
struct ScenarioRun {
  const std::string& path;
  const interp::LoadedScenario& scenario;
  const ExploreResult& result;
  const ScenarioReport& report;  // the report of `result`, with the command's options
  const CommonOptions& options;  // the command's options as the scenario's `option` lines made them
  bool cut;                      // an interrupt or the run's time budget stopped its exploration
  bool last;                     // the last scenario of the run
};

struct ScenarioHandlers {
  // Stopped before it was explored (an interrupt, the run's budget; or a limit while it loaded):
  // `why` says which, in words that follow "not run (".
  std::function<void(const std::string& path, const std::string& why)> not_run;
  std::function<void(const std::string& path, const std::string& errors)> not_loaded;  // its diagnostics
  std::function<void(const ScenarioRun& run)> checked;
  // Adjusts the exploration of one scenario (a walkthrough for an HTML page, say); may be empty.
  // With jobs > 1 it runs on the exploring thread: it must be safe to call from several at once.
  std::function<void(const std::string& path, const ModelLayout& layout, CheckConfig& config)> configure;
};

// Runs the loop; false when a path was not found or a folder holds no scenario (said on stderr).
// With jobs > 1, that many threads explore scenarios side by side (each under its own --max-time
// and the run's budget_seconds, 0: none); the handlers still hear of them in file order, on the
// calling thread, so the output does not depend on jobs. --dot and the progress line need jobs = 1.
[[nodiscard]] bool run_scenarios(const std::vector<std::string>& paths, const CommonOptions& options,
                                 ReportOutputs& outputs, const ScenarioHandlers& handlers, unsigned jobs = 1,
                                 double budget_seconds = 0);

}  // namespace preempt::cli
