#pragma once
// The report files `check` and `test` write beside their normal output: --junit FILE (test),
// --sarif FILE (check, test), --dot FILE (check). ReportOptions registers the options;
// ReportOutputs collects what each scenario gave and writes the files at the end.
//
// Protocol, per command run: construct ReportOutputs from the options, then for each scenario
// exactly one of not_run() (interrupted before it), not_loaded() (it does not compile) or
// observe() + explore + checked(); finally finish(), which writes the requested files.
#include <cstdint>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "checker/explore/config.hpp"
#include "checker/report/dot.hpp"
#include "checker/report/junit.hpp"
#include "checker/report/report.hpp"
#include "checker/report/sarif.hpp"

namespace preempt::cli {

struct ReportOptions {
  enum class Command : std::uint8_t { Check, Test };
  std::string junit;  // "" : not requested
  std::string sarif;
  std::string dot;

  void add_to(CLI::App& command, Command which);
};

class ReportOutputs {
 public:
  explicit ReportOutputs(const ReportOptions& options);

  void not_run(const std::string& path, const std::string& why);
  void not_loaded(const std::string& path, const std::string& diagnostics);
  // `config` with an observer that draws the execution tree when --dot asks for it (an observer
  // already set still runs first). `layout` must outlive the exploration.
  [[nodiscard]] CheckConfig observe(const std::string& path, const ModelLayout& layout, CheckConfig config);
  // One explored scenario. `why_failed` (test only): why its expectation does not hold, "" if it does.
  // `source`: the scenario's text (SARIF regions and fingerprints); `expect_line`: the line of its
  // `expect` (JUnit's line when no failing step says better; 0: none).
  void checked(const ScenarioReport& report, const std::string* why_failed = nullptr, std::string_view source = {},
               std::uint32_t expect_line = 0);
  // Writes the requested files: kExitSafe, or kExitBadInput (said on stderr) when one cannot be written.
  [[nodiscard]] int finish() const;

 private:
  const ReportOptions& options_;
  JunitReport junit_;
  SarifLog sarif_;
  ExecutionTree tree_;
};

}  // namespace preempt::cli
