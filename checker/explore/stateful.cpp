#include "checker/explore/stateful.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"

namespace preempt {

StatefulChooser::StatefulChooser(bool symmetry, std::uint64_t max_memory_bytes)
    : symmetry_(symmetry), max_memory_(max_memory_bytes) {
  path_.reserve(256);
}

// An unordered_set node holds the 16-byte key, a next pointer and the allocator's header; plus
// one bucket pointer per bucket.
std::uint64_t StatefulChooser::memory_used() const {
  return visited_.size() * 48 + visited_.bucket_count() * sizeof(void*);
}

ThreadId StatefulChooser::choose(const SchedulingPoint& point) {
  if (position_ < path_.size()) {  // replaying the prefix
    const Choice& c = path_[position_];
    const ThreadId t = c.alternatives[c.taken];
    if (std::find(point.enabled.begin(), point.enabled.end(), t) == point.enabled.end()) {
      error_ = fmt::format("the model is not deterministic: replaying the same schedule, thread {} cannot "
                           "take step {}",
                           point.execution->thread_name(t), point.step);
      return kNone;
    }
    ++position_;
    return t;
  }
  const auto fingerprint = point.execution->fingerprint(symmetry_);
  if (!fingerprint) {
    error_ = "the stateful strategy needs a scenario model: a thread's state cannot be hashed";
    return kNone;
  }
  if (memory_used() >= max_memory_) {
    out_of_memory_ = true;
    cut_ = true;
    error_ = "memory limit";
    return kNone;
  }
  if (!visited_.insert(*fingerprint).second) {
    cut_ = true;
    error_ = "state explored before";
    return kNone;
  }
  Choice c;
  if (point.previous_enabled) c.alternatives.push_back(point.previous);
  for (ThreadId t : point.enabled) {
    if (!point.previous_enabled || t != point.previous) c.alternatives.push_back(t);
  }
  path_.push_back(std::move(c));
  ++position_;
  return path_.back().alternatives.front();
}

bool StatefulChooser::next() {
  cut_ = false;
  position_ = 0;
  if (out_of_memory_) return false;
  while (!path_.empty()) {
    Choice& c = path_.back();
    if (++c.taken < c.alternatives.size()) return true;
    path_.pop_back();
  }
  return false;
}

std::string StatefulChooser::not_covered() const {
  if (!out_of_memory_) return {};
  return fmt::format("stopped at the memory limit ({} MiB) after {} states", max_memory_ >> 20, visited_.size());
}

}  // namespace preempt
