#include "checker/cli/scenario_runs.hpp"

#include <iostream>

#include "checker/cli/progress.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt::cli {

bool run_scenarios(const std::vector<std::string>& paths, const CommonOptions& options, ReportOutputs& outputs,
                   const ScenarioHandlers& handlers) {
  const ScenarioFiles files = collect_scenarios(paths, options.follow_symlinks);
  for (const std::string& error : files.errors) std::cerr << error << "\n";
  const bool json = options.format == "json";
  for (const std::string& path : files.files) {
    if (stop_polled()) {
      outputs.not_run(path);
      handlers.not_run(path);
      continue;
    }
    std::string errors;
    const auto scenario = interp::load_scenario(path, &errors);
    if (!scenario) {
      outputs.not_loaded(path, errors);
      handlers.not_loaded(path, errors);
      continue;
    }
    std::cerr << terminal_safe(scenario->warnings());
    const CommonOptions effective = options.for_scenario(scenario->program().options);
    CheckConfig config = effective.config();
    if (handlers.configure) handlers.configure(path, config);
    ProgressLine progress(json);
    progress.attach(config);
    const ExploreResult result = explore(scenario->model(), outputs.observe(path, scenario->layout(), config));
    progress.clear();
    ScenarioReport report{path, &scenario->layout(), &result, effective.strategy_label(), config.preemption_bound, false,
                          effective.shown_seed()};
    report.table = effective.trace == "table";
    handlers.checked({path, *scenario, result, report, effective, &path == &files.files.back()});
    std::cout.flush();
  }
  return files.errors.empty();
}

}  // namespace preempt::cli
