#pragma once
// Expands command-line paths into scenario files: a file is taken as given; a folder is searched
// recursively for *.scn, in sorted order so that runs are deterministic.
#include <string>
#include <vector>

namespace preempt::cli {

struct ScenarioFiles {
  std::vector<std::string> files;
  std::vector<std::string> errors;  // paths that do not exist, folders without scenarios
};

[[nodiscard]] ScenarioFiles collect_scenarios(const std::vector<std::string>& paths);

}  // namespace preempt::cli
