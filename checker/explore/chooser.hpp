#pragma once
// Chooser: the strategy's side of a scheduling point. The execution asks it which enabled thread
// takes the next step; strategies (dfs, replay, ...) implement it.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

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
  // Whether an execution that ends early (a violation, a failed assume) should let the other
  // threads run on to the end, unreported, so that the strategy sees a maximal execution. DPOR
  // needs that: races with steps the other threads would have taken decide what it explores.
  [[nodiscard]] virtual bool wants_maximal_executions() const { return false; }
  // Whether a spin loop's pass that changed nothing stops its thread (the searches: the pass runs
  // again only in the executions where it sees something new) or loops as written (random
  // sampling, whose executions should run to their end rather than be dropped).
  [[nodiscard]] virtual bool stops_spin_loops() const { return true; }
  // The value of a nondet(n) step (0 <= value < n): the k-th (0-based) of `thread` in this
  // execution. The exhaustive searches get every value from the NondetOracle that wraps them
  // (nondet_oracle.hpp); a replay from its schedule; random sampling draws one.
  [[nodiscard]] virtual std::int64_t choose_value(ThreadId thread, std::uint32_t k, std::int64_t n) {
    (void)thread;
    (void)k;
    (void)n;
    return 0;
  }
};

// A strategy drives many executions: it chooses within each, learns from each when it ends, and
// says whether there is another to run.
class Strategy : public Chooser {
 public:
  // Called after every execution, whatever ended it.
  virtual void finish(const Execution& execution) { (void)execution; }
  // Prepares the next execution; false when the strategy has nothing left to explore.
  [[nodiscard]] virtual bool next() = 0;
  // The execution just run was abandoned by the strategy itself (not a model error).
  [[nodiscard]] virtual bool abandoned() const { return false; }
  // The execution just run repeats an earlier one up to its reported end (an early end: a
  // violation or a failed assume) and differs only in the part after it, which it ran to explore
  // more orders of the later steps (dpor). It reports nothing new and is not counted as an
  // execution; a violation of its later part comes back as a witness.
  [[nodiscard]] virtual bool rerun() const { return false; }
  // Schedules (a thread per step) of executions that reach a violation the strategy saw only after
  // an earlier one had ended its execution; the explorer runs each to report it. Emptied by the call.
  [[nodiscard]] virtual std::vector<std::vector<ThreadId>> take_witnesses() { return {}; }
  // States stored (stateful strategies), 0 for the others.
  [[nodiscard]] virtual std::uint64_t states() const { return 0; }
  // Why the strategy did not cover the whole space (empty: it did, when next() returned false).
  [[nodiscard]] virtual std::string not_covered() const { return {}; }
};

}  // namespace preempt
