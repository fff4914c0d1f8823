#include "checker/cli/report_outputs.hpp"

#include <iostream>
#include <sstream>

#include "checker/cli/exit_codes.hpp"
#include "checker/cli/options.hpp"

#ifndef PREEMPT_VERSION
#define PREEMPT_VERSION ""
#endif

namespace preempt::cli {

// The SARIF log names the tool's version (checker/cli/CMakeLists.txt defines it).
ReportOutputs::ReportOutputs(const ReportOptions& options) : options_(options), sarif_(PREEMPT_VERSION) {}

void ReportOptions::add_to(CLI::App& command, Command which) {
  if (which == Command::Test) {
    command.add_option("--junit", junit,
                       "also write a JUnit XML report to FILE: one test case per scenario, a failed "
                       "expectation as a failure with the full report")
        ->type_name("FILE");
  }
  command.add_option("--sarif", sarif,
                     "also write a SARIF 2.1.0 log to FILE: each violation located at the scenario line "
                     "of its failing step, its trace as a code flow")
      ->type_name("FILE");
  if (which == Command::Check) {
    command.add_option("--dot", dot,
                       "also write the explored execution tree to FILE for Graphviz (capped at 2000 "
                       "edges; for small scenarios)")
        ->type_name("FILE");
  }
}

void ReportOutputs::not_run(const std::string& path, const std::string& why) {
  junit_.add(JunitCase{path, JunitCase::Outcome::Skipped, 0, "", "not run (" + why + ")", ""});
}

void ReportOutputs::not_loaded(const std::string& path, const std::string& diagnostics) {
  const std::vector<SourceError> errors = parse_diagnostics(path, diagnostics);
  junit_.add(JunitCase{path, JunitCase::Outcome::Error, 0, "compile-error", "the scenario does not compile",
                       diagnostics, errors.empty() ? 0 : errors.front().line});
  sarif_.add_compile_errors(path, diagnostics);
}

CheckConfig ReportOutputs::observe(const std::string& path, const ModelLayout& layout, CheckConfig config) {
  if (options_.dot.empty()) return config;
  tree_.begin(path, layout);
  config.observer = [this, previous = std::move(config.observer)](const Execution& e, ExecutionEnd end) {
    if (previous) previous(e, end);
    tree_.add(e, end);
  };
  return config;
}

void ReportOutputs::checked(const ScenarioReport& report, const std::string* why_failed, std::string_view source,
                            std::uint32_t expect_line) {
  const ExploreResult& r = *report.result;
  const bool passed = why_failed != nullptr && why_failed->empty();
  sarif_.add(report, passed && r.verdict == Verdict::Violation, source);
  if (!options_.dot.empty() && !r.violations.empty()) tree_.add_reported(r.violations.front());
  if (why_failed == nullptr) return;
  // A failed case points at the step that fails; any other at the expectation.
  std::uint32_t line = expect_line;
  if (!passed && !r.violations.empty() && failing_line(r.violations.front()) != 0) {
    line = failing_line(r.violations.front());
  }
  JunitCase test_case{report.path, JunitCase::Outcome::Passed, r.seconds, "", *why_failed, "", line};
  if (r.verdict == Verdict::Error) {
    test_case.outcome = JunitCase::Outcome::Error;
    test_case.type = "model-error";
  } else if (!passed) {
    test_case.outcome = JunitCase::Outcome::Failed;
    test_case.type = r.verdict == Verdict::Incomplete ? "incomplete" : "expectation";
  }
  if (!passed) {
    std::ostringstream text;
    write_text(text, report);
    test_case.details = text.str();
  }
  junit_.add(std::move(test_case));
}

int ReportOutputs::finish() const {
  std::string error;
  int code = kExitSafe;
  const auto check = [&](bool written) {
    if (!written) {
      std::cerr << error << "\n";
      code = kExitBadInput;
    }
  };
  if (!options_.junit.empty()) check(write_junit_file(options_.junit, junit_, &error));
  if (!options_.sarif.empty()) check(write_sarif_file(options_.sarif, sarif_, &error));
  if (!options_.dot.empty()) check(write_dot_file(options_.dot, tree_, &error));
  return code;
}

}  // namespace preempt::cli
