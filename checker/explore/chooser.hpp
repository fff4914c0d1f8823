#pragma once
// Chooser: the strategy's side of a scheduling point. The execution asks it which enabled thread
// takes the next step; strategies (dfs, replay, ...) implement it.
#include <cstdint>
#include <span>
#include <string>

#include "checker/rt/ids.hpp"

namespace preempt {

class Execution;

struct SchedulingPoint {
  std::span<const ThreadId> enabled;  // enabled threads, ascending ids; never empty
  ThreadId previous = kNone;          // the thread that took the last step
  bool previous_enabled = false;      // it could go on: choosing another one is a preemption
  std::uint32_t step = 0;             // number of the step about to be taken (1-based)
  const Execution* execution = nullptr;
};

class Chooser {
 public:
  virtual ~Chooser() = default;
  // Returns one of point.enabled, or kNone to stop the execution (error() then says why).
  [[nodiscard]] virtual ThreadId choose(const SchedulingPoint& point) = 0;
  [[nodiscard]] virtual const std::string& error() const = 0;
};

}  // namespace preempt
