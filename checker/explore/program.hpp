#pragma once
// ModelProgram: what the explorer runs -- the layout plus the code of every thread. Both front ends
// (the C++ API and the scenario interpreter) produce one.
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/rt/layout.hpp"
#include "checker/rt/thread_context.hpp"

namespace preempt {

struct ThreadSpec {
  std::string name;
  ThreadEntry entry;         // the thread's code; must outlive every execution that runs it
  FunctionId body = kNone;   // the body's FunctionId (its module decides if its end is a step)
  bool service = false;      // a daemon: blocked when nothing can run is not a deadlock
};

// The payload of a Spawn op: a thread created during an execution.
struct SpawnRequest {
  ThreadSpec spec;
};

struct ModelProgram;

// An instance of a program that owns what its ModelProgram points into (ModelProgram::another).
class ProgramInstance {
 public:
  virtual ~ProgramInstance() = default;
  [[nodiscard]] virtual const ModelProgram& program() const = 0;
};

struct ModelProgram {
  const ModelLayout* layout = nullptr;
  std::vector<ThreadSpec> threads;   // started at the beginning of every execution, in order
  std::optional<ThreadSpec> init;    // runs once, alone, before exploration
  std::optional<ThreadSpec> final;   // runs alone after each complete execution
  bool may_choose = true;            // may take nondet steps (the interpreter knows; the C++ API
                                     // assumes so): the searches then enumerate their values
  // The code of the contexts the kernel starts (models::ContextKind: a work item's kworker, a
  // timer's softirq, an RCU callback's, a kthread, an interrupt line's handler), when the model
  // has deferred execution: each runs for the object in ThreadContext::argument. Its name is the
  // engine's.
  std::array<std::optional<ThreadSpec>, 6> contexts;
  // A second instance of the same program that shares nothing mutable with this one (its own
  // interpreter states), for a search on another OS thread (the auto strategy); empty when the
  // front end offers none (the C++ API). Must be called on the thread that owns this program.
  std::function<std::unique_ptr<ProgramInstance>()> another;
};

}  // namespace preempt
