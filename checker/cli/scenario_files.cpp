#include "checker/cli/scenario_files.hpp"

#include <algorithm>
#include <filesystem>

namespace preempt::cli {

ScenarioFiles collect_scenarios(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  ScenarioFiles out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".scn") found.push_back(it->path().string());
      }
      if (ec) out.errors.push_back(path + ": error: cannot read the folder: " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty() && !ec) out.errors.push_back(path + ": error: no *.scn scenario in this folder");
      out.files.insert(out.files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      out.files.push_back(path);
    } else {
      out.errors.push_back(path + ": error: no such file or folder");
    }
  }
  return out;
}

}  // namespace preempt::cli
