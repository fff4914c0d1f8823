#pragma once
// --html FILE for check and replay: writes the HTML page of one report (report/html.hpp) to FILE,
// atomically (report/file_output.hpp), with the loaded scenario's text for its source lines (the
// file is not read again). Given the program, it first computes what the page shows beyond the
// report: for a check, the scenario's state graph when it has at most kMaxPageStates states (the
// page is then the scheduler), and for a violation the safe order of its deciding race.
#include <string>
#include <string_view>

#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/report/report.hpp"

namespace preempt::cli {

// The bounds of the scheduler page: more states, or a graph whose data would take more bytes, and
// the page is the trace stepper.
inline constexpr std::uint32_t kMaxPageStates = 20000;
inline constexpr std::size_t kMaxPageGraphBytes = std::size_t{8} << 20;

// Returns false and prints the reason to stderr when FILE cannot be written. `program` (with the
// `config` the report was explored under) may be null: then the page has the report alone.
[[nodiscard]] bool write_html_file(const std::string& file, const ScenarioReport& report, std::string_view source,
                                   const ModelProgram* program = nullptr, const CheckConfig* config = nullptr);

}  // namespace preempt::cli
