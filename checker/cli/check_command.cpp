// preempt check FILE...: explore each scenario and print its verdict, and for a violation the
// numbered trace, the schedule and the command that replays it.
#include <iostream>
#include <memory>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/html_output.hpp"
#include "checker/cli/options.hpp"
#include "checker/cli/progress.hpp"
#include "checker/cli/report_outputs.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/lang/scenario.hpp"
#include "checker/report/report.hpp"

namespace preempt::cli {

namespace {

struct CheckCommand {
  std::vector<std::string> paths;
  CommonOptions options;
  std::string html;  // --html FILE: the page of the first violation (else of the last scenario)
  ReportOptions reports;

  [[nodiscard]] int run() const;
};

int CheckCommand::run() const {
  install_interrupt_handler();
  ReportOutputs outputs(reports);
  const ScenarioFiles files = collect_scenarios(paths);
  int code = kExitSafe;
  for (const std::string& error : files.errors) {
    std::cerr << error << "\n";
    code = kExitBadInput;
  }
  const bool json = options.format == "json";
  bool first = true;
  bool html_written = false;
  for (const std::string& path : files.files) {
    if (g_stop_requested.load()) {
      std::cerr << path << ": not checked (interrupted)\n";
      code = worst_exit(code, kExitIncomplete);
      continue;
    }
    std::string errors;
    const auto scenario = lang::load_scenario(path, &errors);
    if (!scenario) {
      std::cerr << errors;
      outputs.not_loaded(path, errors);
      if (json) {
        nlohmann::ordered_json j;
        j["scenario"] = path;
        j["verdict"] = "error";
        j["error"] = errors;
        std::cout << j.dump() << "\n";
      }
      code = worst_exit(code, kExitBadInput);
      continue;
    }
    CheckConfig config = options.config();
    ProgressLine progress(json);
    progress.attach(config);
    const ExploreResult result = explore(scenario->model(), outputs.observe(path, scenario->layout(), config));
    progress.clear();
    ScenarioReport report{path, &scenario->layout(), &result, options.strategy_label(), config.preemption_bound, false,
                                options.shown_seed()};
    report.program = &scenario->model();
    report.table = options.trace == "table";
    if (!html.empty() && !html_written && (!result.violations.empty() || path == files.files.back())) {
      html_written = true;
      if (!write_html_file(html, report)) code = worst_exit(code, kExitBadInput);
    }
    const auto& source = scenario->program().source;
    outputs.checked(report, nullptr, source ? std::string_view(source->text()) : std::string_view());
    if (json) {
      std::cout << to_json(report).dump() << "\n";
    } else {
      if (!first) std::cout << "\n";
      write_text(std::cout, report);
    }
    first = false;
    std::cout.flush();
    code = worst_exit(code, exit_code_of(result.verdict));
  }
  return worst_exit(code, outputs.finish());
}

}  // namespace

void register_check(CLI::App& app, int* exit_code) {
  auto command = std::make_shared<CheckCommand>();
  CLI::App* sub = app.add_subcommand("check", "explore every interleaving of each scenario and report its verdict");
  sub->add_option("FILE", command->paths, "scenario files or folders (searched for *.scn)")->required();
  command->options.add_to(*sub, true);
  sub->add_option("--html", command->html,
                  "write a self-contained HTML page to step through the first violation (or the verdict)");
  command->reports.add_to(*sub, ReportOptions::Command::Check);
  sub->footer(
      "Exit codes: 0 every scenario fully explored and safe, 1 a violation, 2 bad usage or input,\n"
      "3 a limit cut exploration short with no violation found.\n\n"
      "Examples:\n"
      "  preempt check scenarios/dm-sysfs-exit/buggy.scn\n"
      "  preempt check --format json --max-time 10 scenarios/\n");
  sub->callback([command, exit_code] { *exit_code = command->run(); });
}

}  // namespace preempt::cli
