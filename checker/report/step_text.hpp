#pragma once
// Turns compact trace entries into the user's words: the operation ("kobject_put(dm_kobj)") and the
// state it changed ("refcount 1 -> 0, calls dm_kobject_release [module dm]").
#include <span>
#include <string>

#include "checker/rt/layout.hpp"
#include "checker/rt/trace.hpp"

namespace preempt {

struct StepText {
  std::string op;    // what the thread did
  std::string note;  // the state it changed, what it returned, whom it woke
};

// `trace`, when given, is the execution the entry belongs to: heap objects are then named by their
// allocation ("the struct nbd_config allocated by opener at line 27").
[[nodiscard]] StepText describe_step(const TraceEntry& entry, const ModelLayout& layout,
                                     std::span<const std::string> thread_names, TraceView trace = {});

}  // namespace preempt
