#include "checker/interp/scenario.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "checker/lang/diagnostics.hpp"
#include "checker/lang/frontend.hpp"

namespace preempt::interp {

LoadedScenario::LoadedScenario(Program program, VmLimits limits)
    : program_(std::move(program)), compiled_(compile(program_)),
      interpreter_(std::make_unique<Interpreter>(compiled_, limits)) {}

std::unique_ptr<LoadedScenario> load_scenario_text(const std::string& path, std::string_view text,
                                                   std::string* errors, VmLimits limits) {
  lang::Diagnostics diagnostics;
  std::optional<Program> program = lang::compile_frontend(path, text, diagnostics);
  if (!program) {
    *errors = diagnostics.render_warnings() + diagnostics.render();
    return nullptr;
  }
  auto loaded = std::make_unique<LoadedScenario>(std::move(*program), limits);
  loaded->set_warnings(diagnostics.render_warnings());
  return loaded;
}

std::unique_ptr<LoadedScenario> load_scenario(const std::string& path, std::string* errors, VmLimits limits) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {  // opens on Linux, and tellg() gives a huge size
    *errors = fmt::format("{}: error: is a folder; give scenario files (check and test take folders)\n", path);
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *errors = fmt::format("{}: error: cannot open the file: {}\n", path, std::strerror(errno));
    return nullptr;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    *errors = fmt::format("{}: error: cannot read the file (is it a directory?)\n", path);
    return nullptr;
  }
  if (static_cast<std::uint64_t>(size) > kMaxScenarioBytes) {
    *errors = fmt::format("{}: error: the file is too large ({} bytes; the limit is {} bytes)\n", path, size,
                          kMaxScenarioBytes);
    return nullptr;
  }
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), size)) {
    *errors = fmt::format("{}: error: cannot read the file\n", path);
    return nullptr;
  }
  return load_scenario_text(path, text, errors, limits);
}

}  // namespace preempt::interp
