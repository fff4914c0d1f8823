#pragma once
// Where an execution stands at each of its scheduling points, as data for the writers and for
// `play`: the state of every object and each thread's position (its status, the step it waits to
// take, the function, line and module of its code). Computed by replaying an execution's schedule
// on the explorer's Execution (the engine is deterministic, so the replay is the same run); the
// writers only format it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/rt/op.hpp"
#include "checker/rt/store.hpp"

namespace preempt {

struct ThreadPosition {
  enum class Status : std::uint8_t { NotStarted, Runnable, Blocked, Stopped, Finished };
  Status status = Status::NotStarted;
  std::string why;             // "can run (mutex_lock)", "waits for mutex B, held by t2", "has finished"
  std::optional<Op> next;      // the step it waits to take (payload cleared), if it has one
  FunctionId function = kNone;  // the code it stands in: its next step's function (its body at the end)
  std::uint32_t line = 0;      // its next step's source line (0: none)
  ModuleId module = kNone;     // the module of that code (kNone: built-in)
};

// One scheduling point: the state after `step` steps and the threads there.
struct Snapshot {
  std::uint32_t step = 0;
  Store state;
  std::vector<ThreadPosition> threads;  // by ThreadId
};

// A counterexample's snapshots: walkthrough[n] is the point after n steps (0: before the first),
// for n = 0 .. the number of steps. At most this many steps are walked (longer traces get none).
inline constexpr std::size_t kMaxWalkthroughSteps = 5000;
// Nor more than this many cells in all (steps x the store's cells: 128 MB; a trace over a 64K-cell
// array gets no snapshots past 256 steps).
inline constexpr std::size_t kMaxWalkthroughCells = std::size_t{1} << 24;


}  // namespace preempt
