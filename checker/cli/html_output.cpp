#include "checker/cli/html_output.hpp"

#include <iostream>

#include "checker/report/file_output.hpp"
#include "checker/report/html.hpp"

namespace preempt::cli {

bool write_html_file(const std::string& file, const ScenarioReport& report, std::string_view source) {
  std::string error;
  const bool written = write_report_file(
      file, [&](std::ostream& out) { write_html(out, report, std::string(source)); }, "HTML report", &error);
  if (!written) std::cerr << error << "\n";
  return written;
}

}  // namespace preempt::cli
