#pragma once
// Expands command-line paths into scenario files: a file is taken as given; a folder is searched
// recursively for *.scn, in sorted order so that runs are deterministic.
//
// Scenario files may come from an untrusted pull request, so only regular files are taken. A
// symbolic link (given, or met in a folder) is refused unless follow_symlinks, and then only a
// link to a regular file is taken; a link to a folder is never descended. FIFOs, devices and
// sockets are refused. A path with a control character is refused (it could forge a line of the
// output). Nothing of a refused file is opened or read; its error names the path, escaped.
#include <memory>
#include <string>
#include <vector>

namespace preempt::interp {
class LoadedScenario;
}

namespace preempt::cli {

struct ScenarioFiles {
  std::vector<std::string> files;
  std::vector<std::string> errors;  // paths that do not exist, refused files, folders without scenarios
};

// For the commands that read one file each (replay, play, compile): the error line that refuses
// `path` under the same policy (a symbolic link without follow_symlinks, a FIFO, a device, a
// folder, a control character), or "" when it may be read. Nothing of the file is opened.
[[nodiscard]] std::string refuse_scenario_file(const std::string& path, bool follow_symlinks);

// The one scenario such a command reads, refused by that policy or loaded: its warnings are said on
// stderr; null when it is refused or does not compile (the refusal or its errors said on stderr).
[[nodiscard]] std::unique_ptr<interp::LoadedScenario> load_scenario_file(const std::string& path, bool follow_symlinks);

[[nodiscard]] ScenarioFiles collect_scenarios(const std::vector<std::string>& paths, bool follow_symlinks = false);

}  // namespace preempt::cli
