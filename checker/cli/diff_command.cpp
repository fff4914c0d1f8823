// preempt diff BUGGY FIXED: the failure classes of two versions of a scenario, and which of them the
// fix removes, which remain and which are new (report/failure_classes.hpp).
#include <iostream>
#include <memory>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/options.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/explore/failure_search.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/report/failure_diff.hpp"
#include "checker/report/file_output.hpp"
#include "checker/report/report.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt::cli {

namespace {

// One version, loaded and searched.
struct Version {
  std::unique_ptr<interp::LoadedScenario> scenario;
  FailureSearch search;
  DiffSide side;
};

struct DiffCommand {
  std::string buggy;
  std::string fixed;
  CommonOptions options;
  std::string html;  // --html FILE
  std::size_t max_counterexamples = 32;

  [[nodiscard]] int run() const;
  // Loads `path` (a scenario file, refused as check refuses it); false with its errors on stderr.
  [[nodiscard]] bool load(const std::string& path, Version& version) const;
  [[nodiscard]] bool search(Version& version) const;
};

bool DiffCommand::load(const std::string& path, Version& version) const {
  const ScenarioFiles files = collect_scenarios({path}, options.follow_symlinks);
  for (const std::string& error : files.errors) std::cerr << error << "\n";
  if (!files.errors.empty()) return false;
  if (files.files.size() != 1 || files.files.front() != path) {
    std::cerr << "preempt diff: " << one_line(path) << ": a folder; diff compares two scenario files\n";
    return false;
  }
  std::string errors;
  version.scenario = interp::load_scenario(path, &errors);
  if (!version.scenario) {
    std::cerr << terminal_safe(errors);
    return false;
  }
  std::cerr << terminal_safe(version.scenario->warnings());
  return true;
}

// Searches one loaded version for its failure classes; false when its model is in error.
bool DiffCommand::search(Version& version) const {
  const interp::LoadedScenario& scenario = *version.scenario;
  CommonOptions effective = options.for_scenario(scenario.program().options);
  // diff wants every failure, not the first conclusive answer: auto's race between two strategies
  // does not apply, and dpor visits every class of interleavings once.
  if (effective.strategy == "auto") effective.strategy = "dpor";
  version.search = search_failures(scenario.model(), effective.config(), max_counterexamples);
  version.side.title = scenario.layout().title;
  version.side.strategy = effective.strategy_label();
  version.side.search = &version.search;
  version.side.classes = failure_classes(version.search, scenario.layout(), scenario.program().scenario_text());
  if (version.search.result.verdict != Verdict::Error) return true;
  std::cerr << one_line(version.side.path) << ": error: " << terminal_safe(version.search.result.error) << "\n";
  return false;
}

int DiffCommand::run() const {
  install_interrupt_handler();
  Version versions[2];
  versions[0].side.path = buggy;
  versions[1].side.path = fixed;
  // Both files' errors are said before giving up, so that one run shows everything to fix.
  const bool loaded_buggy = load(buggy, versions[0]);
  const bool loaded_fixed = load(fixed, versions[1]);
  if (!loaded_buggy || !loaded_fixed) return kExitBadInput;
  const bool searched_buggy = search(versions[0]);
  const bool searched_fixed = search(versions[1]);
  if (!searched_buggy || !searched_fixed) return kExitBadInput;
  FailureDiff d{versions[0].side, versions[1].side, diff_classes(versions[0].side.classes, versions[1].side.classes)};
  if (options.format == "json") {
    std::cout << json_line(diff_json(d)) << "\n";
  } else {
    write_diff_text(std::cout, d);
  }
  int code = kExitSafe;
  if (!html.empty()) {
    std::string error;
    if (!write_report_file(html, [&](std::ostream& out) { out << diff_html(d); }, "HTML report", &error)) {
      std::cerr << error << "\n";
      code = kExitBadInput;
    }
  }
  if (!d.diff.remaining.empty() || !d.diff.added.empty()) return worst_exit(code, kExitViolation);
  // Nothing found in the fix, but its search did not cover every interleaving: not proven.
  if (versions[1].search.result.verdict == Verdict::Incomplete) return worst_exit(code, kExitIncomplete);
  return code;
}

}  // namespace

void register_diff(CLI::App& app, int* exit_code) {
  auto command = std::make_shared<DiffCommand>();
  CLI::App* sub = app.add_subcommand(
      "diff", "what a fix removes: the failure classes of BUGGY and FIXED, removed, remaining and new");
  sub->add_option("BUGGY", command->buggy, "the scenario before the fix")->required();
  sub->add_option("FIXED", command->fixed, "the scenario after the fix")->required();
  command->options.add_to(*sub, true);
  sub->add_option("--html", command->html, "also write the comparison as a self-contained HTML page");
  sub->add_option("--max-counterexamples", command->max_counterexamples,
                  "violating executions kept (and explained) per version, one per group of alike failures")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->footer(
      "Exit codes: 0 FIXED has no failure class left, 1 some failure class remains or is new,\n"
      "2 bad usage or input (in either file), 3 a limit cut FIXED's search short with no failure found.\n\n"
      "Example:\n"
      "  preempt diff scenarios/dm-sysfs-exit/buggy.scn scenarios/dm-sysfs-exit/fixed.scn\n");
  sub->callback([command, exit_code] { *exit_code = command->run(); });
}

}  // namespace preempt::cli
