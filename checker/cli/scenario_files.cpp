#include "checker/cli/scenario_files.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "checker/interp/scenario.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt::cli {

namespace {

namespace fs = std::filesystem;

const char* kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block: case fs::file_type::character: return "a device";
    case fs::file_type::directory: return "a folder";
    default: return "not a regular file";
  }
}

bool has_control(const std::string& path) {
  return std::any_of(path.begin(), path.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7f;
  });
}

// Why `path` (of status `own`, not following a link) may not be read as a scenario, or "".
std::string refusal(const std::string& path, const fs::file_status& own, bool follow_symlinks) {
  if (has_control(path)) return "error: the path contains a control character; refused";
  if (fs::is_symlink(own)) {
    if (!follow_symlinks) return "error: a symbolic link; not followed (--follow-symlinks follows it)";
    std::error_code ec;
    const fs::file_status target = fs::status(path, ec);
    if (ec) return "error: a symbolic link that leads nowhere";
    if (!fs::is_regular_file(target)) return std::string("error: a symbolic link to ") + kind_of(target.type()) + "; refused";
    return "";
  }
  if (!fs::is_regular_file(own)) return std::string("error: ") + kind_of(own.type()) + "; only regular files are read";
  return "";
}

void scan_folder(const std::string& path, bool follow_symlinks, ScenarioFiles& out) {
  std::vector<std::string> found;
  std::error_code ec;
  // A symbolic link to a folder is not descended (directory_options::none).
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".scn") continue;
    std::error_code status_ec;
    const fs::file_status own = it->symlink_status(status_ec);
    if (status_ec || fs::is_directory(own)) continue;
    const std::string file = it->path().string();
    if (const std::string why = refusal(file, own, follow_symlinks); !why.empty()) {
      out.errors.push_back(one_line(file) + ": " + why);
    } else {
      found.push_back(file);
    }
  }
  if (ec) out.errors.push_back(one_line(path) + ": error: cannot read the folder: " + ec.message());
  std::sort(found.begin(), found.end());
  if (found.empty() && !ec) out.errors.push_back(one_line(path) + ": error: no *.scn scenario in this folder");
  out.files.insert(out.files.end(), found.begin(), found.end());
}

}  // namespace

std::string refuse_scenario_file(const std::string& path, bool follow_symlinks) {
  std::error_code ec;
  const fs::file_status own = fs::symlink_status(path, ec);
  if (ec || !fs::exists(own)) return one_line(path) + ": error: no such file";
  if (fs::is_directory(own)) return one_line(path) + ": error: is a folder; give scenario files (check and test take folders)";
  const std::string why = refusal(path, own, follow_symlinks);
  return why.empty() ? "" : one_line(path) + ": " + why;
}

ScenarioFiles collect_scenarios(const std::vector<std::string>& paths, bool follow_symlinks) {
  ScenarioFiles out;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status own = fs::symlink_status(path, ec);
    if (ec || !fs::exists(own)) {
      out.errors.push_back(one_line(path) + ": error: no such file or folder");
    } else if (fs::is_directory(own)) {
      scan_folder(path, follow_symlinks, out);
    } else if (const std::string why = refusal(path, own, follow_symlinks); !why.empty()) {
      out.errors.push_back(one_line(path) + ": " + why);
    } else {
      out.files.push_back(path);
    }
  }
  return out;
}

std::unique_ptr<interp::LoadedScenario> load_scenario_file(const std::string& path, bool follow_symlinks) {
  if (const std::string refused = refuse_scenario_file(path, follow_symlinks); !refused.empty()) {
    std::cerr << refused << "\n";
    return nullptr;
  }
  std::string errors;
  auto scenario = interp::load_scenario(path, &errors);
  if (!scenario) {
    std::cerr << errors;
    return nullptr;
  }
  std::cerr << scenario->warnings();
  return scenario;
}

}  // namespace preempt::cli
