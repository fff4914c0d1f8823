#pragma once
// Store: the state of every shared object of one execution. Model threads never touch it directly;
// only the models' step functions change it, one Op at a time. Each execution starts from a copy of
// the initial Store (the state after `init`); the tables keep their size, so the copy allocates nothing.
#include <cstdint>
#include <vector>

#include "checker/rt/ids.hpp"

namespace preempt {

enum class ModuleStatus : std::uint8_t { Live, Going, Unloaded };

struct ModuleState {
  std::int64_t refcount = 0;
  ModuleStatus status = ModuleStatus::Live;
  std::uint32_t unloaded_at_step = 0;  // step number of the free, for messages (0: never)
};

struct KobjectState {
  std::int64_t refcount = 1;
  std::uint32_t released_at_step = 0;  // step that dropped the last reference (0: never)
};

// The kernel's completion: `done` counts complete() calls not yet consumed; complete_all sets it to
// kCompleteAll, which waits never consume.
struct CompletionState {
  static constexpr std::uint64_t kCompleteAll = 0xffffffffu;  // UINT_MAX, as in the kernel
  std::uint64_t done = 0;
};

struct LockState {
  ThreadId owner = kNone;  // kNone: unlocked
};

class Store {
 public:
  std::vector<std::int64_t> ints;  // shared ints; arrays occupy consecutive entries
  std::vector<KobjectState> kobjects;
  std::vector<CompletionState> completions;
  std::vector<LockState> mutexes;
  std::vector<LockState> spinlocks;
  std::vector<ModuleState> modules;

  // Copies another store's values into this one; same-sized tables are reused without allocation.
  void assign_from(const Store& other);
};

}  // namespace preempt
