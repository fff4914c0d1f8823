#pragma once
// --html FILE for check and replay: writes the HTML page of one report (report/html.hpp) to FILE,
// atomically (report/file_output.hpp), with the loaded scenario's text for its source lines (the
// file is not read again).
#include <string>
#include <string_view>

#include "checker/report/report.hpp"

namespace preempt::cli {

// Returns false and prints the reason to stderr when FILE cannot be written.
[[nodiscard]] bool write_html_file(const std::string& file, const ScenarioReport& report, std::string_view source);

}  // namespace preempt::cli
