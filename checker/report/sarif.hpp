#pragma once
// SarifLog: violations as a SARIF 2.1.0 log (../shared/schemas/sarif-schema-2.1.0.json), the format
// code-scanning UIs read to show a finding inline in the scenario file.
//
// One run; tool.driver is preempt and its rules are the violation kinds (violation_kinds.def). Each
// violation is a result: ruleId its kind, level error, message its message, located at the scenario
// line of the failing step, with the whole trace as one thread flow (every step, in order, each with
// its text and its line). Scenario paths given relative become relative URIs against the uriBaseId
// %SRCROOT% (the working directory). Scenarios that could not be checked become error
// notifications of the invocation.
//
// Protocol: add() each explored scenario (add_error() for one that did not load), then write.
#include <string>

#include <nlohmann/json.hpp>

#include "checker/report/report.hpp"

namespace preempt {

class SarifLog {
 public:
  // Adds every violation of `report` as a result; a model error becomes a notification. With
  // `expected` (test: the scenario's `expect violation KIND;` held), each result carries an
  // in-source suppression that says so, so that code scanning does not flag intended races.
  void add(const ScenarioReport& report, bool expected = false);
  // A scenario that could not be checked: `message` says why (diagnostics, model error).
  void add_error(const std::string& path, const std::string& message);

  [[nodiscard]] nlohmann::ordered_json to_json() const;

 private:
  nlohmann::ordered_json results_ = nlohmann::ordered_json::array();
  nlohmann::ordered_json notifications_ = nlohmann::ordered_json::array();
};

// Writes `log` to the file at `path`; false (and *error says why) when it cannot be written.
[[nodiscard]] bool write_sarif_file(const std::string& path, const SarifLog& log, std::string* error);

}  // namespace preempt
