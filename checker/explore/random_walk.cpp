#include "checker/explore/random_walk.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"

namespace preempt {

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  // Rejection sampling: draws from the largest multiple of bound below 2^64 are uniform mod bound.
  const std::uint64_t limit = std::uint64_t(0) - (std::uint64_t(0) - bound) % bound;  // 0 means 2^64
  for (;;) {
    const std::uint64_t x = next();
    if (limit == 0 || x < limit) return x % bound;
  }
}

ThreadId RandomChooser::choose(const SchedulingPoint& point) {
  return point.enabled[rng_.below(point.enabled.size())];
}

void RandomChooser::finish(const Execution& execution) {
  (void)execution;
  ++ran_;
}

std::string RandomChooser::not_covered() const {
  return fmt::format("random sampling (seed {}) ran {} executions: sampling does not cover every interleaving",
                     seed_, ran_);
}

PctChooser::PctChooser(std::uint64_t seed, std::uint32_t depth, std::uint64_t executions)
    : rng_(seed), seed_(seed), depth_(std::max<std::uint32_t>(depth, 1)), executions_(executions) {
  plan();
}

void PctChooser::plan() {
  priorities_.clear();
  change_points_.clear();
  for (std::uint32_t i = 1; i < depth_; ++i) {
    change_points_.push_back(static_cast<std::uint32_t>(1 + rng_.below(longest_)));
  }
  std::sort(change_points_.begin(), change_points_.end());
}

// Initial priorities are distinct values above depth_ (drawn at random, 2^32 apart from the
// low range); a thread created during the execution gets one when first seen.
std::uint64_t PctChooser::priority_of(ThreadId thread) {
  if (priorities_.size() <= thread) priorities_.resize(thread + 1, 0);
  if (priorities_[thread] == 0) {
    for (;;) {
      const std::uint64_t p = depth_ + 1 + rng_.below(std::uint64_t{1} << 40);
      if (std::find(priorities_.begin(), priorities_.end(), p) == priorities_.end()) {
        priorities_[thread] = p;
        break;
      }
    }
  }
  return priorities_[thread];
}

ThreadId PctChooser::choose(const SchedulingPoint& point) {
  const auto highest = [&] {
    ThreadId best = kNone;
    std::uint64_t best_priority = 0;
    for (ThreadId t : point.enabled) {
      const std::uint64_t p = priority_of(t);
      if (best == kNone || p > best_priority) {
        best = t;
        best_priority = p;
      }
    }
    return best;
  };
  const ThreadId best = highest();
  // At the i-th change point the thread about to run drops below every initial priority.
  const auto change = std::find(change_points_.begin(), change_points_.end(), point.step);
  if (change == change_points_.end()) return best;
  priorities_[best] = depth_ - static_cast<std::uint64_t>(change - change_points_.begin()) - 1;
  return highest();
}

void PctChooser::finish(const Execution& execution) {
  longest_ = std::max(longest_, execution.outcome().steps);
  ++ran_;
}

bool PctChooser::next() {
  if (++done_ >= executions_) return false;
  plan();
  return true;
}

std::string PctChooser::not_covered() const {
  return fmt::format("PCT (depth {}, seed {}) ran {} executions: sampling does not cover every interleaving",
                     depth_, seed_, ran_);
}

}  // namespace preempt
