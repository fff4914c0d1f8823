#include "checker/cli/html_output.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "checker/report/html.hpp"

namespace preempt::cli {

bool write_html_file(const std::string& file, const ScenarioReport& report) {
  std::ifstream in(report.path, std::ios::binary);
  std::stringstream source;
  source << in.rdbuf();
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (out) write_html(out, report, source.str());
  out.close();
  if (!out) {
    std::cerr << file << ": error: cannot write the HTML report\n";
    return false;
  }
  return true;
}

}  // namespace preempt::cli
