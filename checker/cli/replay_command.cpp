// preempt replay FILE --schedule S: run exactly that execution and print its trace.
#include <iostream>
#include <memory>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/html_output.hpp"
#include "checker/cli/options.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/cli/terminal.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/report/report.hpp"

namespace preempt::cli {

namespace {

struct ReplayCommand {
  std::string path;
  std::string schedule;
  CommonOptions options;
  std::string html;  // --html FILE

  [[nodiscard]] int run() const {
    const auto scenario = load_scenario_file(path, options.follow_symlinks);
    if (!scenario) return kExitBadInput;
    CheckConfig config = options.config();
    config.walkthrough = !html.empty();
    const ExploreResult result = replay(scenario->model(), schedule, config);
    ScenarioReport report{path, &scenario->layout(), &result, "replay", std::nullopt, true};
    report.table = options.trace == "table";
    report.columns = output_columns();
    if (!html.empty() && !write_html_file(html, report, scenario->program().scenario_text(), &scenario->model(), &config)) {
      return kExitBadInput;
    }
    if (options.format == "json") {
      std::cout << json_line(to_json(report)) << "\n";
    } else {
      write_text(std::cout, report);
    }
    if (result.verdict == Verdict::Error) std::cerr << path << ": error: " << result.error << "\n";
    return exit_code_of(result.verdict);
  }
};

}  // namespace

void register_replay(CLI::App& app, int* exit_code) {
  auto command = std::make_shared<ReplayCommand>();
  CLI::App* sub = app.add_subcommand("replay", "run exactly one execution, given by its schedule, and print its trace");
  sub->add_option("FILE", command->path, "the scenario file")->required();
  sub->add_option("--schedule", command->schedule,
                  "the schedule printed by check: thread names in order, NAME:N for N steps in a row")
      ->required();
  command->options.add_to(*sub, false);
  sub->add_option("--html", command->html, "write a self-contained HTML page to step through the execution");
  sub->footer(
      "Exit codes: 0 the execution has no violation, 1 it has one, 2 bad input or a schedule that\n"
      "does not fit the scenario, 3 it exceeded the step limit.\n\n"
      "Example:\n"
      "  preempt replay scenarios/dm-sysfs-exit/buggy.scn --schedule 'sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader'\n");
  sub->callback([command, exit_code] { *exit_code = command->run(); });
}

}  // namespace preempt::cli
