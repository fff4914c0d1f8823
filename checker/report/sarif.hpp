#pragma once
// SarifLog: violations as a SARIF 2.1.0 log (schemas/sarif-schema-2.1.0.json), the format
// code-scanning UIs read to show a finding inline in the scenario file.
//
// One run; tool.driver is preempt, with its version, and its rules are the violation kinds
// (violation_kinds.def), each with help text, then `compile-error`. Each violation is a result:
// ruleId its kind, level error, message its message, located at the scenario line of the failing
// step (the operation's columns when the line spells it, else the statement's), with the whole
// trace as one thread flow (every step, in order, each with its text and its region), and
// partialFingerprints made of the kind and the text of the lines involved -- never line numbers --
// so that a finding keeps its identity when unrelated lines move. Each error of a scenario that
// does not compile is a result of rule compile-error at its line and column; the scenario is also
// an error notification of the invocation (it was not checked), as is a model error. Scenario
// paths given relative become relative URIs against the uriBaseId %SRCROOT% (the working
// directory). Columns are UTF-16 code units (columnKind utf16CodeUnits).
//
// Protocol: add() each explored scenario (add_compile_errors() for one that does not compile,
// add_error() for another failure), then write.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/explore/result.hpp"
#include "checker/report/report.hpp"

namespace preempt {

class SarifLog {
 public:
  // `tool_version`: tool.driver.version and semanticVersion ("" leaves them out).
  explicit SarifLog(std::string tool_version = "") : tool_version_(std::move(tool_version)) {}

  // Adds every violation of `report` as a result; a model error becomes a notification. With
  // `expected` (test: the scenario's `expect violation KIND;` held), each result carries an
  // in-source suppression that says so, so that code scanning does not flag intended races.
  // `source` is the scenario's text (columns, snippets, fingerprints); when empty, the file at
  // report.path is read if it can be.
  void add(const ScenarioReport& report, bool expected = false, std::string_view source = {});
  // A scenario that does not compile: `diagnostics` as the front end renders them
  // ("FILE:LINE:COL: error: MESSAGE", a source line, a caret; "FILE: error: MESSAGE" without a
  // position). Each error becomes a compile-error result; the scenario an error notification.
  void add_compile_errors(const std::string& path, const std::string& diagnostics, std::string_view source = {});
  // A scenario that could not be checked for another reason: an error notification.
  void add_error(const std::string& path, const std::string& message);

  [[nodiscard]] nlohmann::ordered_json to_json() const;

 private:
  std::string tool_version_;
  nlohmann::ordered_json results_ = nlohmann::ordered_json::array();
  nlohmann::ordered_json notifications_ = nlohmann::ordered_json::array();
};

// Writes `log` to the file at `path`; false (and *error says why) when it cannot be written.
[[nodiscard]] bool write_sarif_file(const std::string& path, const SarifLog& log, std::string* error);

// One error of rendered front-end diagnostics (line 0: no position).
struct SourceError {
  std::uint32_t line = 0;
  std::uint32_t column = 0;  // 1-based byte column
  std::string message;
};
// The errors about `path` in `diagnostics` (the format of add_compile_errors), in order.
[[nodiscard]] std::vector<SourceError> parse_diagnostics(const std::string& path, const std::string& diagnostics);

// The scenario line of the failing step of `c`: the step its violation names, else the last step
// (0: unknown). SARIF locates results there; JUnit test cases too.
[[nodiscard]] std::uint32_t failing_line(const Counterexample& c);

}  // namespace preempt
