#include "checker/interp/scenario.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "checker/lang/diagnostics.hpp"
#include "checker/lang/frontend.hpp"
#include "checker/rt/stop.hpp"

namespace preempt::interp {

LoadedScenario::LoadedScenario(Program program, VmLimits limits)
    : program_(std::move(program)), compiled_(compile(program_)),
      interpreter_(std::make_unique<Interpreter>(compiled_, limits)) {}

std::unique_ptr<LoadedScenario> load_scenario_text(const std::string& path, std::string_view text,
                                                   std::string* errors, VmLimits limits) {
  try {
    lang::Diagnostics diagnostics;
    std::optional<Program> program = lang::compile_frontend(path, text, diagnostics);
    if (!program) {
      *errors = diagnostics.render_warnings() + diagnostics.render();
      return nullptr;
    }
    auto loaded = std::make_unique<LoadedScenario>(std::move(*program), limits);
    loaded->set_warnings(diagnostics.render_warnings());
    return loaded;
  } catch (const StopRequested&) {
    *errors = fmt::format("{}: stopped while loading\n", path);
    return nullptr;
  }
}

std::unique_ptr<LoadedScenario> load_scenario(const std::string& path, std::string* errors, VmLimits limits) {
  // Opened without blocking (a FIFO would wait for a writer for ever) and read only if regular.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *errors = fmt::format("{}: error: cannot open the file: {}\n", path, std::strerror(errno));
    return nullptr;
  }
  std::string text;
  std::string why;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    why = S_ISDIR(st.st_mode) ? "is a folder; give scenario files (check and test take folders)" : "not a regular file (a FIFO, device or socket); only regular files are read";
  } else if (static_cast<std::uint64_t>(st.st_size) > kMaxScenarioBytes) {
    why = fmt::format("the file is too large ({} bytes; the limit is {} bytes)", st.st_size, kMaxScenarioBytes);
  } else {
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < text.size()) {
      const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != text.size()) why = "cannot read the file";
  }
  ::close(fd);
  if (!why.empty()) {
    *errors = fmt::format("{}: error: {}\n", path, why);
    return nullptr;
  }
  return load_scenario_text(path, text, errors, limits);
}

}  // namespace preempt::interp
