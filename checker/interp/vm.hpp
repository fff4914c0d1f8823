#pragma once
// The scenario interpreter. Each model thread runs VmThread::run in its fiber; the thread's whole
// interpreter state -- call frames, program counters, locals, the operand stack, the await it is
// blocked on -- lives in explicit data here, never on the fiber's native stack, so that a later
// stage can hash and compare it. Kernel callbacks (release methods, exit functions) run as
// interpreter frames, not as native recursion.
//
// Every visible instruction becomes an Op announced through ThreadContext::perform (the engine's
// one choke point); everything else runs locally without a scheduling point.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checker/explore/program.hpp"
#include "checker/interp/bytecode.hpp"

namespace preempt::interp {

struct VmLimits {
  std::uint32_t max_call_depth = 1000;           // deeper recursion is a model error (exit 2)
  std::uint64_t max_local_instructions = 10'000'000;  // between two visible steps: an endless local loop
};

namespace detail {
class VmThread;
}  // namespace detail
class AccessSummary;

// Owns the per-thread interpreter states (one per thread slot, reused across executions) and builds
// the ModelProgram that runs the compiled scenario on the engine.
class Interpreter final : public ProgramInstance {
 public:
  Interpreter(const CompiledScenario& compiled, VmLimits limits = {});
  ~Interpreter() override;
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  [[nodiscard]] const ModelProgram& program() const override { return program_; }

 private:
  friend class detail::VmThread;
  ThreadSpec make_spec(const std::string& name, std::uint32_t body, std::int64_t self);
  detail::VmThread& state_for(ThreadId thread);

  // What each thread may still touch, for the stateful strategy's reduction: computed on first use.
  [[nodiscard]] const AccessSummary& summary() const;

  const CompiledScenario& compiled_;
  VmLimits limits_;
  mutable std::unique_ptr<AccessSummary> summary_;  // null until summary() is first called
  std::vector<std::unique_ptr<detail::VmThread>> states_;
  ModelProgram program_;
};

}  // namespace preempt::interp
