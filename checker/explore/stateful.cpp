#include "checker/explore/stateful.hpp"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"

namespace preempt {

namespace {

constexpr std::uint32_t kMaskBits = 64;

std::uint64_t bit(std::uint32_t i) { return i < kMaskBits ? std::uint64_t{1} << i : 0; }

// The threads of `threads` renamed by `ranks` (thread -> rank), and back.
std::uint64_t to_ranks(std::uint64_t threads, std::span<const ThreadId> ranks) {
  std::uint64_t out = 0;
  for (; threads != 0; threads &= threads - 1) out |= bit(ranks[static_cast<std::size_t>(std::countr_zero(threads))]);
  return out;
}
std::uint64_t from_ranks(std::uint64_t rank_set, std::span<const ThreadId> ranks) {
  std::uint64_t out = 0;
  for (std::size_t t = 0; t < ranks.size() && t < kMaskBits; ++t) {
    if ((rank_set & bit(ranks[t])) != 0) out |= bit(static_cast<std::uint32_t>(t));
  }
  return out;
}

}  // namespace

StatefulChooser::StatefulChooser(const ModelLayout& layout, bool symmetry, bool reduction,
                                 std::uint64_t max_memory_bytes)
    : layout_(layout), symmetry_(symmetry), reduction_(reduction), max_memory_(max_memory_bytes),
      table_(max_memory_bytes), index_(layout.initial) {
  levels_.reserve(256);
  alternatives_.reserve(1024);
}

ThreadId StatefulChooser::choose(const SchedulingPoint& point) {
  if (position_ < levels_.size()) return replay(point);
  const auto fingerprint = point.execution->fingerprint(symmetry_);
  if (!fingerprint) {
    error_ = "the stateful strategy needs a scenario model: a thread's state cannot be hashed";
    return kNone;
  }
  return visit(point, *fingerprint);
}

ThreadId StatefulChooser::replay(const SchedulingPoint& point) {
  const Level& level = levels_[position_];
  const ThreadId t = alternatives_[level.first + level.taken];
  if (std::find(point.enabled.begin(), point.enabled.end(), t) == point.enabled.end()) {
    error_ = fmt::format("the model is not deterministic: replaying the same schedule, thread {} cannot "
                         "take step {}",
                         point.execution->thread_name(t), point.step);
    return kNone;
  }
  // Only the deepest level's alternative changed since the last execution.
  if (position_ + 1 == levels_.size()) return take(point);
  ++position_;
  return t;
}

ThreadId StatefulChooser::cut(const char* why) {
  cut_ = true;
  error_ = why;
  return kNone;
}

// A new scheduling point: the root, or where the last new choice led.
ThreadId StatefulChooser::visit(const SchedulingPoint& point, const Fingerprint& fingerprint) {
  const std::span<const ThreadId> ranks = point.execution->fingerprint_ranks();
  // The sleep set this point inherits; a thread whose rank cannot be stored is woken (explored).
  Mask sleep = position_ == 0 ? 0 : levels_[position_ - 1].child_sleep;
  for (Mask s = sleep; s != 0; s &= s - 1) {
    const auto t = static_cast<std::size_t>(std::countr_zero(s));
    if (ranks[t] >= kMaskBits) sleep &= ~bit(static_cast<std::uint32_t>(t));
  }
  const auto found = table_.find_or_insert(fingerprint);
  if (!found) {
    out_of_memory_ = true;
    return cut("memory limit");
  }
  StateInfo& info = table_.value(found->first);
  return found->second ? first_visit(point, fingerprint, info, sleep) : revisit(point, fingerprint, info, sleep);
}

ThreadId StatefulChooser::first_visit(const SchedulingPoint& point, const Fingerprint& fingerprint, StateInfo& info,
                                      Mask sleep) {
  info.sleep = to_ranks(sleep, point.execution->fingerprint_ranks());
  // Threads past the masks are never asleep: with that many threads, each of them is explored.
  const bool high = point.enabled.back() >= kMaskBits;
  const Mask awake = enabled_mask(point) & ~sleep;
  if (awake == 0 && !high) return cut("every enabled thread is asleep");
  ++info.on_stack;
  const ThreadId alone = reduction_ && !high && std::popcount(awake) > 1 ? ample(point, awake) : kNone;
  if (alone != kNone) {
    push(point, fingerprint, bit(alone), false, sleep, true);
  } else {
    push(point, fingerprint, awake, true, sleep, false);
  }
  return take(point);
}

ThreadId StatefulChooser::revisit(const SchedulingPoint& point, const Fingerprint& fingerprint, StateInfo& info,
                                  Mask sleep) {
  const std::span<const ThreadId> ranks = point.execution->fingerprint_ranks();
  // The stack proviso: a lone thread's step that closes a cycle expands the state it left.
  if (info.on_stack > 0 && position_ > 0 && levels_[position_ - 1].reduced) expand(levels_[position_ - 1]);
  // Explore the threads asleep at every earlier visit but awake now (Godefroid's rule), under the
  // intersection of the sleep sets, which the state keeps.
  const Mask rank_sleep = to_ranks(sleep, ranks);
  const Mask wake = from_ranks(info.sleep & ~rank_sleep, ranks) & enabled_mask(point);
  info.sleep &= rank_sleep;
  if (wake == 0) return cut("state explored before");
  ++info.on_stack;
  push(point, fingerprint, wake, false, sleep & from_ranks(info.sleep, ranks), false);
  return take(point);
}

StatefulChooser::Mask StatefulChooser::enabled_mask(const SchedulingPoint& point) const {
  Mask mask = 0;
  for (ThreadId t : point.enabled) mask |= bit(t);
  return mask;
}

void StatefulChooser::push(const SchedulingPoint& point, const Fingerprint& fingerprint, Mask threads,
                           bool with_high, Mask sleep, bool reduced) {
  Level level;
  level.fingerprint = fingerprint;
  level.first = static_cast<std::uint32_t>(alternatives_.size());
  level.previous = point.previous_enabled ? point.previous : kNone;
  level.enabled = enabled_mask(point);
  level.sleep = sleep;
  level.reduced = reduced;
  const auto chosen = [&](ThreadId t) { return t >= kMaskBits ? with_high : (threads & bit(t)) != 0; };
  if (level.previous != kNone && chosen(level.previous)) alternatives_.push_back(level.previous);
  for (ThreadId t : point.enabled) {
    if (t != level.previous && chosen(t)) alternatives_.push_back(t);
  }
  level.count = static_cast<std::uint32_t>(alternatives_.size()) - level.first;
  levels_.push_back(level);
}

// Takes the current alternative of the deepest level and computes the sleep set it leads to: the
// threads asleep here or explored here before it whose next step is independent of it.
ThreadId StatefulChooser::take(const SchedulingPoint& point) {
  Level& level = levels_[position_];
  const ThreadId t = alternatives_[level.first + level.taken];
  level.child_sleep = 0;
  if (reduction_) {
    Mask candidates = level.sleep;
    for (std::uint32_t i = 0; i < level.taken; ++i) candidates |= bit(alternatives_[level.first + i]);
    candidates &= ~bit(t);
    const Execution& execution = *point.execution;
    const Footprint step = footprint_of(execution.pending(t), layout_);
    for (; candidates != 0; candidates &= candidates - 1) {
      const auto u = static_cast<ThreadId>(std::countr_zero(candidates));
      if (!conflict(footprint_of(execution.pending(u), layout_), step)) level.child_sleep |= bit(u);
    }
  }
  ++position_;
  return t;
}

ThreadId StatefulChooser::ample(const SchedulingPoint& point, Mask awake) {
  const Execution& execution = *point.execution;
  const std::uint32_t threads = execution.thread_count();
  if (threads > kMaskBits) return kNone;
  if (futures_.size() < threads) {
    futures_.resize(threads);
    steps_.resize(threads);
  }
  for (ThreadId q = 0; q < threads; ++q) {
    futures_[q].reset(index_);
    steps_[q].reset(index_);
    if (!execution.future_accesses(q, futures_[q])) return kNone;
    if (!execution.waiting_at_end(q)) continue;
    // The pending step is part of the future already; adding it again guards the analysis.
    add_footprint(steps_[q], index_, footprint_of(execution.pending(q), layout_));
    futures_[q].merge(steps_[q]);
  }
  const auto alone = [&](ThreadId p) {
    for (ThreadId q = 0; q < threads; ++q) {
      if (q != p && steps_[p].conflicts(futures_[q])) return false;
    }
    return true;
  };
  if (point.previous_enabled && (awake & bit(point.previous)) != 0 && alone(point.previous)) return point.previous;
  for (Mask m = awake; m != 0; m &= m - 1) {
    const auto p = static_cast<ThreadId>(std::countr_zero(m));
    if (alone(p)) return p;
  }
  return kNone;
}

// Adds every enabled thread not asleep and not yet among the level's alternatives. Only the
// deepest level is ever expanded, so its alternatives end the arena.
void StatefulChooser::expand(Level& level) {
  Mask have = 0;
  for (std::uint32_t i = 0; i < level.count; ++i) have |= bit(alternatives_[level.first + i]);
  const Mask add = level.enabled & ~have & ~level.sleep;
  if (add & bit(level.previous)) alternatives_.push_back(level.previous);
  for (Mask m = add & ~bit(level.previous); m != 0; m &= m - 1) {
    alternatives_.push_back(static_cast<ThreadId>(std::countr_zero(m)));
  }
  level.count = static_cast<std::uint32_t>(alternatives_.size()) - level.first;
  level.reduced = false;
}

void StatefulChooser::finish(const Execution& execution) {
  if (cut_ || levels_.empty() || !levels_.back().reduced) return;
  const auto end = execution.outcome().end;
  if (!end || execution.outcome().choices != levels_.size()) return;
  const bool deadlock = execution.outcome().violation && execution.outcome().violation->kind == ViolationKind::Deadlock;
  const bool killed = (*end == ExecutionEnd::Violation && !deadlock) || *end == ExecutionEnd::Dropped ||
                      *end == ExecutionEnd::StepLimit;
  if (killed) expand(levels_.back());
}

bool StatefulChooser::next() {
  cut_ = false;
  position_ = 0;
  if (out_of_memory_) return false;
  while (!levels_.empty()) {
    Level& level = levels_.back();
    if (++level.taken < level.count) return true;
    if (const auto slot = table_.find(level.fingerprint)) --table_.value(*slot).on_stack;
    alternatives_.resize(level.first);
    levels_.pop_back();
  }
  return false;
}

std::string StatefulChooser::not_covered() const {
  if (!out_of_memory_) return {};
  return fmt::format("stopped at the memory limit ({} MiB) after {} states", max_memory_ >> 20, table_.size());
}

}  // namespace preempt
