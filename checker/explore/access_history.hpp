#pragma once
// AccessHistory: for a prefix of one execution (its steps 0 .. size()-1), the last step of each
// thread that read and that wrote each cell, each thread's last step and the step that spawned it.
// DPOR asks it, for a new step, for the last step of every thread that the new step depends on:
// those few steps decide the new step's vector clock and its races (dpor.hpp), and finding them
// costs the new step's footprint times the number of threads, not the length of the prefix.
//
// Call protocol: clear(), then add() each step in order; last_conflicting() and the per-thread
// queries answer for the steps added so far. Steps cannot be removed: DPOR clears and re-adds
// the prefix it keeps when it backtracks (linear in the prefix, once per execution). Nothing is
// allocated once the tables have grown to the largest execution seen.
//
// A cell range of more than kExpand + 1 cells (a footprint that overflowed its accesses) and the
// reads-all / writes-all flags are not split into cells: such a "wide" step is kept whole in a
// list, compared with every later step by conflict(), and compares itself with every cell of
// the table. Only awaits whose conditions read more than Footprint::kCapacity cells make them.
#include <cstdint>
#include <span>
#include <vector>

#include "checker/explore/footprint.hpp"
#include "checker/rt/ids.hpp"

namespace preempt {

class AccessHistory {
 public:
  static constexpr std::uint32_t kExpand = 16;  // ranges up to this extent are recorded cell by cell

  // Forgets every step.
  void clear();
  [[nodiscard]] std::size_t size() const { return size_; }
  // Records step size() of `thread`, with footprint fp; `spawned` is the thread it creates, or kNone.
  void add(ThreadId thread, const Footprint& fp, ThreadId spawned);
  // out[u] = the last recorded step of thread u whose footprint conflicts with fp, or -1, for
  // every u < out.size().
  void last_conflicting(const Footprint& fp, std::span<std::int32_t> out) const;
  // The last recorded step of `thread`, else the step that spawned it, else -1.
  [[nodiscard]] std::int32_t previous_of(ThreadId thread) const;

 private:
  struct Wide {
    std::int32_t step;
    ThreadId thread;
    Footprint fp;
  };
  [[nodiscard]] static bool is_wide(const Footprint& fp);
  [[nodiscard]] std::int32_t find(std::uint64_t cell) const;  // a slot, or -1
  std::uint32_t slot_of(std::uint64_t cell);                   // finds or makes the cell's slot
  void grow_table();
  void widen(std::uint32_t threads);
  // Folds the last accesses of slot s into out: its writes, and for a writing step its reads too.
  void merge(std::uint32_t s, bool write, std::span<std::int32_t> out) const;

  std::size_t size_ = 0;
  std::uint32_t threads_ = 0;             // entries per slot row: more than any thread id added
  // Open addressing, cleared by bumping generation_: a key is live when its stamp equals it.
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> stamps_;
  std::vector<std::uint32_t> slot_at_;    // the slot of a live key
  std::uint32_t generation_ = 1;
  std::vector<std::uint64_t> cells_;      // slot -> cell (the wide steps' scan)
  std::uint32_t slots_ = 0;               // live slots: 0 .. slots_-1
  std::vector<std::int32_t> writes_;      // slot row: per thread, its last step writing the cell
  std::vector<std::int32_t> reads_;       // slot row: per thread, its last step only reading it
  std::vector<Wide> wide_;                // the wide steps, in order
  std::vector<std::int32_t> last_step_;   // per thread
  std::vector<std::int32_t> spawn_step_;  // per thread
};

}  // namespace preempt
