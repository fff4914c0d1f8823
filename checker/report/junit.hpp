#pragma once
// JunitReport: the outcome of `preempt test` as JUnit XML (the Apache Ant schema CI systems read,
// schemas/junit.xsd). One <testcase> per scenario file: classname is its folder, name its file name,
// and -- beyond the Ant schema, as GitLab, Jenkins and the GitHub JUnit actions read them -- file
// (the scenario as given) and line (where the case points: see JunitCase::line);
// schemas/junit-preempt.xsd is the Ant schema with these two attributes declared. The test command
// adds one case per scenario as it goes, then writes the whole report; cases are grouped into one
// <testsuite> per folder, in the order the folders first appear.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace preempt {

struct JunitCase {
  enum class Outcome : std::uint8_t {
    Passed,
    Failed,   // the expectation does not hold: <failure>
    Error,    // bad input (the scenario does not compile, a model error): <error>
    Skipped,  // not run (interrupted): <skipped>
  };
  std::string path;      // the scenario file as given; split into classname (folder) and name (file)
  Outcome outcome = Outcome::Passed;
  double seconds = 0;
  std::string type;      // failure/error type: "expectation", "incomplete", "compile-error", ...
  std::string message;   // one line: why it failed ("expected safe, got violation assertion")
  std::string details;   // the text report: verdict, numbered trace, schedule, replay command
  // The scenario line the case points at (0: none, no attribute): the failing step of a violation,
  // the first error of a scenario that does not compile, else the `expect` line.
  std::uint32_t line = 0;
};

class JunitReport {
 public:
  void add(JunitCase test_case) { cases_.push_back(std::move(test_case)); }
  // The whole document; `timestamp` is "YYYY-MM-DDTHH:MM:SS" (UTC, no zone, as the schema wants).
  void write(std::ostream& out, const std::string& timestamp, const std::string& hostname) const;
  [[nodiscard]] const std::vector<JunitCase>& cases() const { return cases_; }

 private:
  std::vector<JunitCase> cases_;
};

// The current UTC time as the schema's timestamp, and this machine's name ("localhost" if unknown).
[[nodiscard]] std::string junit_timestamp_now();
[[nodiscard]] std::string junit_hostname();

// Writes `report` to the file at `path`; false (and *error says why) when it cannot be written.
[[nodiscard]] bool write_junit_file(const std::string& path, const JunitReport& report, std::string* error);

}  // namespace preempt
