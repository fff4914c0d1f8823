#include "checker/explore/dfs.hpp"

#include <fmt/format.h>

namespace preempt {

void DfsChooser::order(const SchedulingPoint& point, std::uint32_t preemptions) {
  alternatives_.clear();
  if (point.previous_enabled) alternatives_.push_back(point.previous);
  const bool may_preempt = !bound_ || !point.previous_enabled || preemptions < *bound_;
  for (ThreadId t : point.enabled) {
    if (point.previous_enabled && t == point.previous) continue;
    if (!may_preempt) {
      pruned_ = true;
      continue;
    }
    alternatives_.push_back(t);
  }
}

ThreadId DfsChooser::choose(const SchedulingPoint& point) {
  // Preemptions so far: those before the previous point, plus whether that point preempted.
  std::uint32_t so_far = 0;
  if (position_ > 0) so_far = path_[position_ - 1].preemptions + (last_was_preemption_ ? 1 : 0);
  order(point, so_far);
  if (position_ == path_.size()) {
    path_.push_back({0, static_cast<std::uint32_t>(alternatives_.size()), alternatives_[0], so_far});
  }
  Choice& choice = path_[position_++];
  const bool fresh = choice.thread == kNone;  // the point next() just advanced
  if (choice.count != alternatives_.size() ||
      (!fresh && alternatives_[choice.taken] != choice.thread)) {
    error_ = fmt::format(
        "the model is not deterministic: replaying the same schedule, step {} found {} runnable "
        "choices where the first run found {}; make every thread's behaviour depend only on the "
        "model's state",
        point.step, alternatives_.size(), choice.count);
    return kNone;
  }
  choice.thread = alternatives_[choice.taken];
  last_was_preemption_ = point.previous_enabled && choice.thread != point.previous;
  return choice.thread;
}

bool DfsChooser::next() {
  position_ = 0;
  last_was_preemption_ = false;
  while (!path_.empty() && path_.back().taken + 1 >= path_.back().count) path_.pop_back();
  if (path_.empty()) return false;
  Choice& choice = path_.back();
  ++choice.taken;
  choice.thread = kNone;  // filled on the next visit
  return true;
}

std::string DfsChooser::not_covered() const {
  if (!pruned_) return {};
  return fmt::format("the preemption bound ({}) cut schedules with more preemptions", *bound_);
}

}  // namespace preempt
