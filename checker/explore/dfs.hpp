#pragma once
// DfsChooser: stateless depth-first enumeration of the schedule tree. Every execution replays the
// path's prefix from the initial state, then extends it; next() backtracks to the deepest scheduling
// point with an untried alternative. Explores every interleaving of the visible steps exactly once.
//
// At each point the alternatives are ordered "previous thread first (no preemption), then the others
// by id", so low-preemption schedules come first. With a preemption bound, alternatives that would
// exceed it are skipped and pruned() reports that the space was not covered.
//
// Replaying a prefix must reproduce the same enabled sets: a model that behaves differently on the
// same schedule is nondeterministic, and choose() stops the execution with an error saying where.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/explore/chooser.hpp"

namespace preempt {

class DfsChooser final : public Strategy {
 public:
  // bound: the most preemptions an execution may have; nullopt = unbounded.
  explicit DfsChooser(std::optional<std::uint32_t> bound = std::nullopt) : bound_(bound) {}

  ThreadId choose(const SchedulingPoint& point) override;
  [[nodiscard]] const std::string& error() const override { return error_; }
  // Moves to the next unexplored schedule; false when the tree is exhausted.
  [[nodiscard]] bool next() override;
  [[nodiscard]] bool pruned() const { return pruned_; }
  [[nodiscard]] std::string not_covered() const override;
  [[nodiscard]] std::size_t depth() const { return path_.size(); }

 private:
  struct Choice {
    std::uint32_t taken = 0;        // index into the ordered alternatives
    std::uint32_t count = 0;        // number of alternatives at this point
    ThreadId thread = kNone;        // the thread taken (checked on replay)
    std::uint32_t preemptions = 0;  // preemptions before this point
  };
  // Fills alternatives_ in exploration order, applying the preemption bound.
  void order(const SchedulingPoint& point, std::uint32_t preemptions);

  std::optional<std::uint32_t> bound_;
  std::vector<Choice> path_;
  std::size_t position_ = 0;
  std::vector<ThreadId> alternatives_;
  bool last_was_preemption_ = false;
  bool pruned_ = false;
  std::string error_;
};

}  // namespace preempt
