#pragma once
// A scenario file, loaded: read, parsed, checked, compiled and ready to explore. This is what the
// CLI works with; it owns everything the engine's ModelProgram points into.
#include <memory>
#include <string>

#include "checker/explore/program.hpp"
#include "checker/lang/ast.hpp"
#include "checker/interp/bytecode.hpp"
#include "checker/interp/vm.hpp"

namespace preempt::interp {

class LoadedScenario {
 public:
  LoadedScenario(Program program, VmLimits limits);
  [[nodiscard]] const Program& program() const { return program_; }
  [[nodiscard]] const CompiledScenario& compiled() const { return compiled_; }
  [[nodiscard]] const ModelProgram& model() const { return interpreter_->program(); }
  [[nodiscard]] const ModelLayout& layout() const { return *compiled_.layout; }
  // The front end's warnings, rendered ("FILE:LINE:COL: warning: ..."); empty when there are none.
  [[nodiscard]] const std::string& warnings() const { return warnings_; }
  void set_warnings(std::string warnings) { warnings_ = std::move(warnings); }

 private:
  Program program_;
  CompiledScenario compiled_;
  std::unique_ptr<Interpreter> interpreter_;
  std::string warnings_;
};

inline constexpr std::size_t kMaxScenarioBytes = 4u << 20;

// Loads one scenario. On failure returns nullptr and sets *errors to the rendered diagnostics
// ("FILE:LINE:COL: error: ..." with the source line and a caret) or the reason the file could not
// be read.
[[nodiscard]] std::unique_ptr<LoadedScenario> load_scenario(const std::string& path, std::string* errors,
                                                            VmLimits limits = {});
// The same from text in memory (tests, fuzzing).
[[nodiscard]] std::unique_ptr<LoadedScenario> load_scenario_text(const std::string& path, std::string_view text,
                                                                 std::string* errors, VmLimits limits = {});

}  // namespace preempt::interp
