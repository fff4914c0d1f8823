// preempt test PATH...: the CI regression check. Explores every scenario found and compares the
// outcome with the scenario's own `expect` lines; one PASS/FAIL line per scenario, then a summary.
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/failure_pages.hpp"
#include "checker/cli/options.hpp"
#include "checker/cli/report_outputs.hpp"
#include "checker/cli/scenario_runs.hpp"
#include "checker/report/report.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt::cli {

namespace {

// test's default --max-time per scenario: far above what any scenario of this repository needs
// (the slowest takes seconds), low enough that a scenario that never ends fails a job early.
constexpr double kTestMaxTimeSeconds = 120;

struct TestCommand {
  std::vector<std::string> paths;
  CommonOptions options;
  ReportOptions reports;
  double time_budget = 0;  // --time-budget: seconds for the whole run (0: none)
  unsigned jobs = 1;       // -j: scenarios explored side by side
  std::string html_dir;    // --html DIR: a page per failing scenario
  std::string dot_dir;     // --dot DIR: an execution tree per failing scenario

  [[nodiscard]] int run() const;
};

std::string expected_text(const lang::Expectation& e) {
  switch (e.kind) {
    case lang::Expectation::Kind::None: return "nothing";
    case lang::Expectation::Kind::Safe: return "safe";
    case lang::Expectation::Kind::Violation: return "violation " + e.violation;
  }
  return "?";
}

std::string outcome_text(const ExploreResult& r) {
  switch (r.verdict) {
    case Verdict::Safe: return "safe";
    case Verdict::Violation: return fmt::format("violation {}", violation_spelling(r.violations[0].violation->kind));
    case Verdict::Incomplete: return "incomplete (" + (r.incomplete_reasons.empty() ? std::string() : r.incomplete_reasons[0]) + ")";
    case Verdict::Error: return "error: " + r.error;
  }
  return "?";
}

// Why the outcome does not meet the expectations, or "" when it does.
std::string mismatch(const lang::Program& program, const ExploreResult& r, const std::string& strategy) {
  const lang::Expectation& e = program.expectation;
  if (e.kind == lang::Expectation::Kind::None) return "the scenario has no `expect` line";
  const std::string got = outcome_text(r);
  const std::string want = expected_text(e);
  if (got != want) return fmt::format("expected {}, got {}", want, got);
  if (r.verdict == Verdict::Safe) {
    for (const lang::ExpectedExecutions& x : program.expected_executions) {
      if (x.strategy == strategy && x.count != r.executions) {
        return fmt::format("expected {} executions with strategy {}, got {}", x.count, strategy, r.executions);
      }
    }
  }
  return "";
}

int TestCommand::run() const {
  install_interrupt_handler();
  const unsigned workers = jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs;
  const StopDeadline budget(time_budget);
  ReportOutputs outputs(reports);
  const bool json = options.format == "json";
  bool bad_input = false;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t stopped = 0;  // not run, or cut short, by an interrupt or the time budget
  FailurePages pages(html_dir, dot_dir);
  ScenarioHandlers handlers;
  if (pages.wanted()) {
    handlers.configure = [&](const std::string& path, const ModelLayout& layout, CheckConfig& config) {
      pages.prepare(path, layout, config);
    };
  }
  handlers.not_run = [&](const std::string& path, const std::string& why) {
    if (json) {
      nlohmann::ordered_json j;
      j["scenario"] = path;
      j["verdict"] = "not-run";
      j["test"] = {{"passed", false}, {"reason", "not run (" + why + ")"}};
      std::cout << json_line(j) << "\n";
    } else {
      std::cout << "STOP " << one_line(path) << ": not run (" << why << ")\n";
    }
    ++stopped;
  };
  handlers.not_loaded = [&](const std::string& path, const std::string& errors) {
    ++failed;
    bad_input = true;
    if (json) {
      nlohmann::ordered_json j;
      j["scenario"] = path;
      j["verdict"] = "error";
      j["error"] = errors;
      j["test"] = {{"passed", false}, {"reason", "the scenario does not compile"}};
      std::cout << json_line(j) << "\n";
    } else {
      std::cout << "FAIL " << one_line(path) << ": the scenario does not compile\n" << terminal_safe(errors);
    }
  };
  handlers.checked = [&](const ScenarioRun& run) {
    const ExploreResult& result = run.result;
    // `expect executions N STRATEGY` lines count the executions of the strategy that decided.
    const std::string& strategy = result.decided_by.empty() ? run.options.strategy : result.decided_by;
    std::string why = mismatch(run.scenario.program(), result, strategy);
    // Cut short by an interrupt or the run's time budget (not by its own --max-time): neither a
    // pass nor a failure of the scenario.
    const bool cut = run.cut;
    if (cut) why = "not finished (" + stop_words() + ")";
    cut ? ++stopped : why.empty() ? ++passed : ++failed;
    outputs.checked(run.report, &why, run.scenario.program().scenario_text(),
                    run.scenario.program().expectation.loc.line);
    if (!pages.written(run.report, !why.empty() && !cut, run.scenario.program().scenario_text())) {
      bad_input = true;
    }
    if (json) {
      nlohmann::ordered_json j = to_json(run.report);
      j["test"] = {{"expected", expected_text(run.scenario.program().expectation)},
                   {"passed", why.empty()},
                   {"reason", why}};
      std::cout << json_line(j) << "\n";
    } else if (why.empty()) {
      std::cout << fmt::format("PASS {}: {} ({}{} execution{}, {:.3f} s)\n", one_line(run.path),
                               one_line(outcome_text(result)), result.decided_by.empty() ? "" : result.decided_by + ": ",
                               result.executions, result.executions == 1 ? "" : "s", result.seconds);
    } else {
      std::cout << fmt::format("{} {}: {}\n", cut ? "STOP" : "FAIL", one_line(run.path), one_line(why));
      write_text(std::cout, run.report);
    }
  };
  if (!run_scenarios(paths, options, outputs, handlers, workers, time_budget)) bad_input = true;
  if (!json) {
    std::cout << fmt::format("{} passed, {} failed", passed, failed);
    if (stopped != 0) std::cout << fmt::format(", {} not finished ({})", stopped, stop_words());
    std::cout << "\n";
  }
  if (outputs.finish() != kExitSafe) bad_input = true;
  if (bad_input) return kExitBadInput;
  if (failed != 0) return kExitViolation;
  return stopped == 0 ? kExitSafe : kExitIncomplete;
}

}  // namespace

void register_test(CLI::App& app, int* exit_code) {
  auto command = std::make_shared<TestCommand>();
  CLI::App* sub = app.add_subcommand("test", "check scenarios against their `expect` lines (the CI regression check)");
  sub->add_option("PATH", command->paths, "scenario files or folders (searched for *.scn)")->required();
  // One endless scenario must not hang a CI job: each scenario has a time limit unless told
  // otherwise (--max-time 0); a scenario cut by it is incomplete and says so.
  command->options.max_time = kTestMaxTimeSeconds;
  command->options.add_to(*sub, true);
  command->reports.add_to(*sub, ReportOptions::Command::Test);
  sub->add_option("--time-budget", command->time_budget,
                  "stop the whole run after SECONDS of wall time (0: no limit); scenarios cut or not run are "
                  "reported as not finished")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--html", command->html_dir,
                  "write an HTML page (a step-through of the counterexample) of each failing scenario into DIR")
      ->type_name("DIR");
  sub->add_option("--dot", command->dot_dir,
                  "write the explored execution tree of each failing scenario into DIR, for Graphviz")
      ->type_name("DIR");
  sub->add_option("-j,--jobs", command->jobs,
                  "explore N scenarios side by side (0: one per core); the output is the same, in file order")
      ->check(CLI::Range(0u, 256u))
      ->capture_default_str();
  sub->footer(
      "Exit codes: 0 every expectation holds, 1 some expectation failed, 2 bad usage or a scenario\n"
      "that does not compile, 3 the run was interrupted or ran out of --time-budget before any failed.\n\n"
      "Example:\n"
      "  preempt test scenarios/\n");
  sub->callback([command, exit_code] { *exit_code = command->run(); });
}

}  // namespace preempt::cli
