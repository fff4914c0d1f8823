#pragma once
// AccessSummary: for every instruction of every compiled body, the objects that the visible steps
// a thread may still take from there may touch, and which of them they may write. It is the static
// half of the stateful strategy's partial-order reduction: a thread whose next step touches nothing
// that the other threads may still touch can run alone (explore/stateful.hpp).
//
// The analysis follows each body's control flow (jumps, loops: a fixpoint) and every call a step
// may lead to: calls of scenario functions, the release method a kobject_put may run, the exit
// function a delete_module may run and the free that follows it. The footprint of each step comes
// from footprint_of (explore/footprint.hpp), the one definition of what a step touches; an object
// operand that is an array element stands for the whole array. Every step of a body in a module
// reads that module's status, and every body ends in a return step, so a body in a module reads
// its module's status from every instruction on.
//
// Call protocol: built once per compiled scenario (the Interpreter does), then only read.
#include <cstdint>
#include <vector>

#include "checker/interp/bytecode.hpp"
#include "checker/rt/access_set.hpp"
#include "checker/rt/op.hpp"

namespace preempt::interp {

class AccessSummary {
 public:
  explicit AccessSummary(const CompiledScenario& compiled);

  [[nodiscard]] const AccessIndex& index() const { return index_; }
  // What a thread may touch from instruction `pc` of `body` on (that instruction included), up to
  // the end of the body, calls included.
  [[nodiscard]] const AccessSet& from(std::uint32_t body, std::uint32_t pc) const { return from_[body][pc]; }
  // What the free of `module` after its exit function touches.
  [[nodiscard]] const AccessSet& module_free(std::uint32_t module) const { return module_free_[module]; }
  // What the loader does after `module`'s init returns: its status, RCU's grace period, its free.
  [[nodiscard]] const AccessSet& module_load(std::uint32_t module) const { return module_load_[module]; }
  // What any callback a context may run touches: every function whose address is taken, whole.
  [[nodiscard]] const AccessSet& callbacks() const { return callbacks_; }

 private:
  AccessIndex index_;
  AccessSet callbacks_;
  std::vector<std::vector<AccessSet>> from_;  // per body, per instruction
  std::vector<AccessSet> module_free_;        // per module
  std::vector<AccessSet> module_load_;        // per module
};

}  // namespace preempt::interp
