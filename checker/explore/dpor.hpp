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
// each one inserts the sequence "the steps after the first one that do not depend on it, then the
// second one" into the wakeup tree of the level of the first step, unless a sleeping thread
// already covers it. Those steps include the ones after the second step (the paper's notdep(e, E)
// ranges over the whole execution): cut at the second step, a reversal may leave out the step that
// would wake a sleeping thread, which then covers it, although the trace it stands for runs that
// thread only after the step left out. next()
// backtracks to the deepest level whose wakeup tree has a sequence left.
//
// Dependence comes from footprint.hpp. Happens-before is a vector clock per level, computed when
// the level's step is chosen and kept while the level is replayed: the join of the clock of the
// thread's previous step and of the clocks of the last step of each other thread that the step
// depends on, which an AccessHistory of the prefix names (so a step costs its footprint times
// the number of threads, whatever the length of the execution). Those last dependent steps are
// kept per level too: a step that cannot block races only with them (an earlier dependent step
// of a thread comes before its last one), and only with those that come before no other of
// them and before no earlier step of its own thread.
//
// Blocking steps (models::may_block: mutex_lock, spin_lock, wait_for_completion, await). A step
// k that blocks may have been enabled by a step just before it (the unlock before a lock, the
// complete before a wait, a write that made an await's condition true); such an enabler does not
// order k against earlier steps, so k also races with the steps before it (the lock before that
// unlock; for an await, every earlier conflicting step). A reversal is inserted only if k can
// really run at the end of it, and that is decided exactly: when k is chosen (an await's guard is
// alive only while its thread waits), for each race partner j the store after "the steps before
// j, then those of j+1..k-1 not after j" is rebuilt from the current one -- the changes the trace
// recorded undone back to j, then those of the steps that stay redone -- and k's enabledness is
// evaluated in it. If k cannot run there, k may still run if it is also moved before some later
// steps it conflicts with that do not come after j (an await reading x and y, blocked by a write
// of y independent of the write of x at j): those reversals are tried, each subset of such steps
// once, until one runs (as Nidhugg's Optimal-DPOR-Await does for awaits: Jonsson, Lang,
// Sagonas, "Awaiting for Godot", FMCAD 2022). A step still pending when the execution ends is
// decided the same way in finish(). The other steps of a reversal can always run: they are a
// happens-before-closed part of an execution, in its order. So every wakeup-tree branch runs to
// its end, where no thread is asleep any more (each sleeping thread's step depends on a step of
// the branch, or the branch would have been covered): no execution ends sleep-set blocked, and a
// thread blocked where a branch wants it means that the model is not deterministic.
//
// An execution that ends early (a violation, a failed assume) runs on to a maximal one with the
// faulting thread halted, and the races of that part are reversed too: the executions they start
// repeat it up to its end (rerun() says so; they are not counted), but without them a later step
// that follows an earlier one only through a step of the later part would never race with it.
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "checker/explore/access_history.hpp"
#include "checker/explore/chooser.hpp"
#include "checker/explore/footprint.hpp"
#include "checker/explore/footprint_table.hpp"
#include "checker/rt/layout.hpp"
#include "checker/rt/store.hpp"
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
  // The execution just run ended because every enabled thread was asleep. Cannot happen for a
  // deterministic model (see above); kept as a safeguard, and counted.
  [[nodiscard]] bool abandoned() const override { return blocked_; }
  [[nodiscard]] bool wants_maximal_executions() const override { return true; }
  [[nodiscard]] std::vector<std::vector<ThreadId>> take_witnesses() override { return std::move(witnesses_); }
  [[nodiscard]] std::uint64_t blocked_executions() const { return blocked_total_; }
  // The current execution branched off after the reported end of the one before (see finish()).
  [[nodiscard]] bool rerun() const override { return rerun_; }

 private:
  struct Event {
    ThreadId thread = kNone;
    std::uint32_t fp = 0;      // the step's footprint: its number in footprints_
    ThreadId spawned = kNone;  // a Spawn step: the thread it creates
  };
  static constexpr std::uint32_t kNoNode = 0xffffffff;
  struct SleepEntry {
    Event event;
  };
  struct Node {  // children in order: first_child, then each one's next_sibling
    Event event;
    std::uint32_t first_child = kNoNode;
    std::uint32_t last_child = kNoNode;
    std::uint32_t next_sibling = kNoNode;
  };
  struct Level {
    Event event;                     // the step taken at this level in the current execution
    std::uint32_t root = 0;          // wakeup tree: its children are the steps to explore here
    std::vector<SleepEntry> sleep;   // threads whose step from here was explored already
    // Set when the step is chosen; valid while the level is replayed (levels below valid_):
    std::uint32_t index = 0;         // the step's number within its thread (1-based)
    std::int64_t pred = -1;          // the level of the thread's previous step, or of its spawn
    std::uint32_t runnable_begin = 0;  // a blocking step: the reversals after which it can run,
    std::uint32_t runnable_end = 0;    //   as records in runnable_[begin, end) (see reversals())
    std::uint32_t entry = 0;         // the step's trace entry (set when the next step is chosen)
  };

  [[nodiscard]] bool depends(const Event& a, const Event& b) const;
  [[nodiscard]] const Footprint& footprint(const Event& e) const { return footprints_[e.fp]; }
  [[nodiscard]] bool weak_initial(const std::vector<Event>& v, const Event& candidate) const;
  void insert(std::uint32_t level, const std::vector<Event>& v);
  std::uint32_t new_node(const Event& event);
  void append_child(std::uint32_t parent, std::uint32_t child);
  void free_subtree(std::uint32_t node);
  void open_level();  // the level at depth_, its wakeup tree and sleep set from its parent's
  [[nodiscard]] Event event_of(const SchedulingPoint& point, ThreadId thread);  // interns the footprint
  // Happens-before: the clock of level k (vector clocks of stride_ entries, one row per level),
  // and its row of deps_ (see the header).
  void compute_clock(std::size_t k);
  void widen(std::uint32_t threads);
  [[nodiscard]] bool happens_before(std::size_t a, std::size_t b) const;  // levels a < b
  // Brings history_ to the steps of levels 0 .. end-1 (clears it first if it holds more).
  void sync_history(std::size_t end);
  [[nodiscard]] const TraceEntry& entry_of(const Execution& execution, std::size_t level) const;
  // The levels j that race with a step ek that cannot block (the step at some level k, or a step
  // pending at the end), ascending, into `out`. deps: per thread, its last level before k that ek
  // depends on; own_pred: ek's thread's previous level.
  void plain_races(const Event& ek, const std::int32_t* deps, std::int64_t own_pred,
                   std::vector<std::uint32_t>& out) const;
  // The same for a blocking step ek announcing `ok`, which the steps that may have enabled it do
  // not order (see the header): every earlier level is looked at once, latest first.
  void blocking_races(const Execution& execution, std::size_t k, const Event& ek, const Op& ok,
                      std::int64_t own_pred, std::vector<std::uint32_t>& out);
  // Whether level m comes after level j or after one of the levels `excluded` (all below m's).
  [[nodiscard]] bool after(std::size_t m, std::size_t j, std::span<const std::uint32_t> excluded) const;
  // The reversals of the blocking step ek (level k, or pending at the end when k == the number of
  // levels) that can run, appended to `out` as records [j, n, s_1..s_n]: ek can run after the steps
  // before level j followed by the steps of levels j+1..k-1 that come after neither j nor any s_i.
  void reversals(const Execution& execution, std::size_t k, const Event& ek, const Op& ok, std::int64_t own_pred,
                 std::vector<std::uint32_t>& out);
  void extend(const Execution& execution, std::size_t j, std::size_t k, ThreadId thread, std::size_t from,
              std::vector<std::uint32_t>& out);
  // Whether `thread`'s pending step could run after the steps before level j followed by those of
  // levels j+1..k-1 after neither j nor excluded_; the execution's store is the one after k steps.
  [[nodiscard]] bool runnable_after(const Execution& execution, std::size_t j, std::size_t k, ThreadId thread);
  // A step just chosen at level k: records the reversals of it that can run, if it may block.
  void note_runnable(const Execution& execution, std::size_t k);
  // Inserts "the steps of the levels after j (but k) after neither j nor `excluded`, then ek" at
  // level j, unless a sleeping thread covers it.
  void reverse(std::size_t j, std::span<const std::uint32_t> excluded, std::size_t k, const Event& ek);

  const ModelLayout& layout_;
  std::vector<Level> levels_;      // levels_[0 .. depth_-1] are live; the others keep their buffers
  std::size_t depth_ = 0;
  std::size_t position_ = 0;
  std::size_t valid_ = 0;          // levels below it have their clock and reversal records
  std::vector<Node> nodes_;
  FootprintTable footprints_;
  std::vector<std::uint32_t> free_nodes_;
  std::vector<std::uint32_t> clocks_;    // row k: the vector clock of level k
  std::vector<std::int32_t> deps_;       // row k: per thread, its last level before k that k depends on
  AccessHistory history_;                // the steps of the levels the clocks were last computed for
  std::uint32_t stride_ = 0;             // entries per row: more than any thread id seen
  std::vector<std::uint32_t> runnable_;  // the levels' reversal records, level after level
  bool blocked_ = false;
  bool rerun_ = false;                   // the current execution repeats the last reported end
  std::size_t reported_choices_ = 0;     // choices before the reported end of the last execution
  std::uint32_t threads_ = 0;            // threads at the last choice: `final`'s has a higher id
  std::uint64_t blocked_total_ = 0;
  std::string error_;
  std::vector<std::vector<ThreadId>> witnesses_;
  std::set<std::vector<ThreadId>> witnessed_;  // reruns find the same later violations again
  // Scratch, kept to avoid allocating per execution.
  std::vector<Event> sequence_;
  std::vector<std::uint32_t> excluded_;  // reversals(): the steps also moved after the blocking one
  std::vector<std::uint32_t> later_;     // reversals(): the steps it may also be moved before
  std::vector<std::uint32_t> records_;   // finish(): reversals of steps pending at the end
  std::vector<std::uint32_t> partners_;  // the levels a step races with
  std::vector<std::uint32_t> suffix_;    // blocking_races(): the clocks of the later competitors joined
  std::vector<std::int32_t> end_deps_;   // finish(): deps of a step pending at the end
  std::vector<Event> remaining_;         // insert(): what is left of the sequence
  Store scratch_;                        // runnable_after(): a rebuilt state
};

}  // namespace preempt
