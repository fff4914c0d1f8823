#pragma once
// --html FILE for check and replay: writes the HTML page of one report (report/html.hpp) to FILE,
// with the scenario's source read from its path for the source lines.
#include <string>

#include "checker/report/report.hpp"

namespace preempt::cli {

// Returns false and prints the reason to stderr when FILE cannot be written.
[[nodiscard]] bool write_html_file(const std::string& file, const ScenarioReport& report);

}  // namespace preempt::cli
