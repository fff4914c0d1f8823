#pragma once
// DporChooser: Optimal dynamic partial-order reduction with source sets, wakeup trees and sleep
// sets (Abdulla, Aronis, Jonsson, Sagonas: "Optimal dynamic partial order reduction", POPL 2014;
// "Source sets", JACM 2017), in the stateless form: every execution replays a prefix of the
// previous one, then follows the wakeup tree of the level it backtracked to.
//
// Per level (scheduling point) it keeps the sleep set -- threads whose next step was already
// explored from here, with that step's footprint -- and the wakeup tree -- sequences of steps still
// to explore from here, leftmost first. After each execution, finish() finds every race (two
// dependent steps of different threads with no other happens-before path between them), and for
// each one inserts the sequence "the steps not after the first one, then the second one" into the
// wakeup tree of the level of the first step, unless a sleeping thread already covers it. next()
// backtracks to the deepest level whose wakeup tree has a sequence left.
//
// Dependence comes from footprint.hpp. Blocking operations: a race whose reversal cannot run (a
// lock taken after its unlock, a wait passed after its complete) is not reversible and is skipped;
// where that cannot be known in advance (await conditions), a wakeup-tree branch whose first thread
// turns out to be blocked is dropped when reached, and the execution goes on by free choice.
// Those are the only cases where an execution may end sleep-set blocked; the counters say how often.
#include <cstdint>
#include <string>
#include <vector>

#include "checker/explore/chooser.hpp"
#include "checker/explore/footprint.hpp"
#include "checker/rt/layout.hpp"
#include "checker/rt/trace.hpp"

namespace preempt {

class Execution;

class DporChooser final : public Strategy {
 public:
  explicit DporChooser(const ModelLayout& layout);

  ThreadId choose(const SchedulingPoint& point) override;
  [[nodiscard]] const std::string& error() const override { return error_; }
  // Race analysis of the execution that just ended (whatever the reason it ended).
  void finish(const Execution& execution) override;
  // Moves to the next execution to explore; false when every trace has been explored.
  [[nodiscard]] bool next() override;
  // The execution just run ended because every enabled thread was asleep.
  [[nodiscard]] bool abandoned() const override { return blocked_; }
  [[nodiscard]] bool wants_maximal_executions() const override { return true; }
  [[nodiscard]] std::vector<std::vector<ThreadId>> take_witnesses() override { return std::move(witnesses_); }
  [[nodiscard]] std::uint64_t blocked_executions() const { return blocked_total_; }
  [[nodiscard]] std::uint64_t dropped_branches() const { return dropped_branches_; }

 private:
  struct Event {
    ThreadId thread = kNone;
    Footprint fp;
    ThreadId spawned = kNone;  // a Spawn step: the thread it creates
  };
  struct SleepEntry {
    Event event;
  };
  struct Node {
    Event event;
    std::vector<std::uint32_t> children;
  };
  struct Level {
    Event event;                     // the step taken at this level in the current execution
    std::uint32_t root = 0;          // wakeup tree: its children are the steps to explore here
    std::vector<SleepEntry> sleep;   // threads whose step from here was explored already
  };

  [[nodiscard]] static bool depends(const Event& a, const Event& b);
  [[nodiscard]] bool weak_initial(const std::vector<Event>& v, const Event& candidate) const;
  void insert(std::uint32_t level, const std::vector<Event>& v);
  std::uint32_t new_node(const Event& event);
  void free_subtree(std::uint32_t node);
  Level make_level(std::size_t position);
  [[nodiscard]] Event event_of(const SchedulingPoint& point, ThreadId thread) const;

  const ModelLayout& layout_;
  std::vector<Level> levels_;
  std::size_t position_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> free_nodes_;
  bool blocked_ = false;
  std::uint64_t blocked_total_ = 0;
  std::uint64_t dropped_branches_ = 0;
  std::string error_;
  std::vector<std::vector<ThreadId>> witnesses_;
  // Scratch for finish(), kept to avoid allocating per execution.
  std::vector<std::uint32_t> clocks_;
  std::vector<std::uint32_t> index_in_thread_;
  std::vector<Event> sequence_;
  std::vector<const TraceEntry*> entries_;     // the trace entry of each level's step
  std::vector<std::uint32_t> count_;           // per thread: its steps so far
  std::vector<std::int64_t> last_of_;          // per thread: the level of its last step
  std::vector<std::int64_t> spawn_of_;         // per thread: the level of the spawn that created it
  std::vector<std::int64_t> before_in_thread_; // per level: the thread's previous step (or spawn)
};

}  // namespace preempt
