#pragma once
// StatefulChooser: depth-first search of the state graph with state caching and partial-order
// reduction. At every new scheduling point it fingerprints the whole model state
// (Execution::fingerprint: shared objects, every thread's frames, pc, locals and pending step) and
// looks it up; executions still re-run from the initial state, replaying their prefix, so every
// counterexample is a full schedule that `replay` reproduces.
//
// With symmetry, copies of a thread array that run the same code are anonymous: states equal up to
// a permutation of them (lock owners permuted alike) are one state, and what is stored with a state
// names threads by their rank in the canonical order (Execution::fingerprint_ranks).
//
// Reduction (on by default; off, every state is expanded fully and a state seen before ends the
// execution, as plain state caching):
//  - Sleep sets stored with the states (Godefroid 1996, ch. 5). A thread asleep at a state has its
//    step explored elsewhere, from an equivalent order of independent steps. A state seen before
//    is explored again for the threads asleep at every earlier visit but awake now, and its stored
//    sleep set becomes the intersection.
//  - Ample sets of one thread (Godefroid ch. 4, Peled 1993): at a new state, a thread whose next
//    step touches no object that any other thread may still touch (the interpreter's static
//    over-approximation, StateSource::future_accesses) runs alone. The state is expanded fully
//    after all when that step closes a cycle onto the DFS stack (the stack proviso, so that no
//    step is postponed around a cycle for ever) or ends the execution (a violation, a failed
//    assume: the others would never run).
// Dependence is footprint.hpp's, from the threads' pending steps.
//
// Guarantee (see docs/strategies.md): every reachable deadlock and every violation that a step can
// cause are found, unless two different states share a 128-bit fingerprint. The visited set is
// bounded by max_memory; past it the search stops and says so. Sleep and ample sets cover threads
// 0..63 (by id and by rank); beyond them a thread is never asleep and the state is expanded fully.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "checker/explore/chooser.hpp"
#include "checker/explore/fingerprint_table.hpp"
#include "checker/explore/footprint.hpp"
#include "checker/rt/access_set.hpp"
#include "checker/rt/layout.hpp"
#include "checker/rt/state_hash.hpp"

namespace preempt {

class StatefulChooser final : public Strategy {
 public:
  StatefulChooser(const ModelLayout& layout, bool symmetry, bool reduction, std::uint64_t max_memory_bytes);

  ThreadId choose(const SchedulingPoint& point) override;
  [[nodiscard]] const std::string& error() const override { return error_; }
  // Expands the deepest state fully when its one thread's step ended the execution.
  void finish(const Execution& execution) override;
  [[nodiscard]] bool next() override;
  // The execution just run reached a state explored before, a state whose every enabled thread is
  // asleep, or the memory limit: not a result.
  [[nodiscard]] bool abandoned() const override { return cut_; }
  [[nodiscard]] std::string not_covered() const override;
  [[nodiscard]] std::uint64_t states() const override { return table_.size(); }

 private:
  using Mask = std::uint64_t;  // a set of threads 0..63 (ids or ranks)
  struct StateInfo {
    Mask sleep = 0;               // ranks asleep at every visit so far
    std::uint32_t on_stack = 0;   // visits of this state on the DFS stack now
  };
  // A state on the DFS stack (a scheduling point of the current path).
  struct Level {
    Fingerprint fingerprint;
    std::uint32_t first = 0;     // its alternatives: alternatives_[first, first + count)
    std::uint32_t count = 0;
    std::uint32_t taken = 0;     // the alternative being explored
    ThreadId previous = kNone;   // the thread that took the last step (explored first)
    Mask enabled = 0;            // threads enabled here
    Mask sleep = 0;              // the sleep set this visit explores under
    Mask child_sleep = 0;        // the sleep set of the state the taken alternative leads to
    bool reduced = false;        // explores one thread alone (an ample set), not yet expanded
  };

  ThreadId replay(const SchedulingPoint& point);
  ThreadId visit(const SchedulingPoint& point, const Fingerprint& fingerprint);
  ThreadId first_visit(const SchedulingPoint& point, const Fingerprint& fingerprint, StateInfo& info, Mask sleep);
  ThreadId revisit(const SchedulingPoint& point, const Fingerprint& fingerprint, StateInfo& info, Mask sleep);
  ThreadId cut(const char* why);
  // Pushes a level whose alternatives are the enabled threads of `threads` (and, with `with_high`,
  // those past the masks), the previous thread first, then by id.
  void push(const SchedulingPoint& point, const Fingerprint& fingerprint, Mask threads, bool with_high, Mask sleep,
            bool reduced);
  ThreadId take(const SchedulingPoint& point);
  // The thread whose next step is independent of everything the others may still do, if any.
  [[nodiscard]] ThreadId ample(const SchedulingPoint& point, Mask awake);
  void expand(Level& level);
  [[nodiscard]] Mask enabled_mask(const SchedulingPoint& point) const;

  const ModelLayout& layout_;
  bool symmetry_;
  bool reduction_;
  std::uint64_t max_memory_;
  FingerprintTable<StateInfo> table_;
  std::vector<Level> levels_;
  std::vector<ThreadId> alternatives_;  // the levels' alternatives, a stack like the levels
  std::size_t position_ = 0;
  bool cut_ = false;
  bool out_of_memory_ = false;
  std::string error_;
  // Scratch of the reduction, reused at every new state.
  AccessIndex index_;
  std::vector<AccessSet> futures_;  // per thread: what it may still touch
  std::vector<AccessSet> steps_;    // per thread: what its pending step touches
};

}  // namespace preempt
