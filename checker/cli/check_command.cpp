// preempt check FILE...: explore each scenario and print its verdict, and for a violation the
// numbered trace, the schedule and the command that replays it.
#include <iostream>
#include <memory>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/html_output.hpp"
#include "checker/cli/options.hpp"
#include "checker/cli/report_outputs.hpp"
#include "checker/cli/scenario_runs.hpp"
#include "checker/report/report.hpp"
#include "checker/report/text_safety.hpp"

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
  const bool json = options.format == "json";
  int code = kExitSafe;
  bool first = true;
  bool html_written = false;
  ScenarioHandlers handlers;
  handlers.not_run = [&](const std::string& path, const std::string& why) {
    std::cerr << one_line(path) << ": not checked (" << why << ")\n";
    if (json) {  // the JSON stream keeps one line per scenario
      nlohmann::ordered_json j;
      j["scenario"] = path;
      j["verdict"] = "not-run";
      j["reason"] = why;
      std::cout << json_line(j) << "\n";
    }
    code = worst_exit(code, kExitIncomplete);
  };
  handlers.not_loaded = [&](const std::string& path, const std::string& errors) {
    std::cerr << terminal_safe(errors);
    if (json) {
      nlohmann::ordered_json j;
      j["scenario"] = path;
      j["verdict"] = "error";
      j["error"] = errors;
      std::cout << json_line(j) << "\n";
    }
    code = worst_exit(code, kExitBadInput);
  };
  handlers.configure = [&](const std::string&, const ModelLayout&, CheckConfig& config) {
    config.walkthrough = !html.empty();
  };
  handlers.checked = [&](const ScenarioRun& run) {
    const ExploreResult& result = run.result;
    if (!html.empty() && !html_written && (!result.violations.empty() || run.last)) {
      html_written = true;
      const CheckConfig config = run.options.config();
      if (!write_html_file(html, run.report, run.scenario.program().scenario_text(), &run.scenario.model(), &config)) {
        code = worst_exit(code, kExitBadInput);
      }
    }
    outputs.checked(run.report, nullptr, run.scenario.program().scenario_text());
    if (json) {
      std::cout << json_line(to_json(run.report)) << "\n";
    } else {
      if (!first) std::cout << "\n";
      write_text(std::cout, run.report);
    }
    first = false;
    code = worst_exit(code, exit_code_of(result.verdict));
  };
  if (!run_scenarios(paths, options, outputs, handlers)) code = worst_exit(code, kExitBadInput);
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
