#include "checker/explore/dpor.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"

namespace preempt {

namespace {

bool is_blocking(OpKind kind) {
  return kind == OpKind::MutexLock || kind == OpKind::SpinLock || kind == OpKind::WaitForCompletion ||
         kind == OpKind::Await;
}

// Whether step m may have been what let the blocking step k run (then m does not force k's order
// relative to earlier steps: k was waiting for m).
bool may_enable(const Op& m, const Op& k) {
  if (!is_blocking(k.kind)) return false;
  switch (k.kind) {
    case OpKind::MutexLock: return m.kind == OpKind::MutexUnlock && m.target == k.target;
    case OpKind::SpinLock: return m.kind == OpKind::SpinUnlock && m.target == k.target;
    case OpKind::WaitForCompletion:
      return (m.kind == OpKind::Complete || m.kind == OpKind::CompleteAll || m.kind == OpKind::ReinitCompletion) &&
             m.target == k.target;
    case OpKind::Await: return true;  // any dependent step may have made the condition true
    default: return false;
  }
}

// Whether blocking step k could run in the state just before step j (on the same object). Unknown
// cases (await) count as possible; a branch that turns out blocked is dropped when reached.
bool reversible(const TraceEntry& j, const Op& k) {
  if (!(j.op.target == k.target)) return true;
  if (k.kind == OpKind::MutexLock || k.kind == OpKind::SpinLock) {
    if (j.changed) return j.before == -1;  // the lock was free before j
    return j.op.kind != OpKind::MutexTrylock && j.op.kind != OpKind::SpinTrylock;  // a failed trylock saw it held
  }
  if (k.kind == OpKind::WaitForCompletion) {
    if (j.changed) return j.before > 0;  // a completion was available before j
    if (j.op.kind == OpKind::CompletionDone || j.op.kind == OpKind::TryWaitForCompletion) return j.value != 0;
  }
  return true;
}

}  // namespace

DporChooser::DporChooser(const ModelLayout& layout) : layout_(layout) {
  levels_.reserve(256);
  nodes_.reserve(1024);
  nodes_.push_back({});  // node 0: the root of level 0's wakeup tree
}

bool DporChooser::depends(const Event& a, const Event& b) {
  if (a.thread == b.thread) return true;
  if (a.spawned == b.thread || b.spawned == a.thread) return true;  // a thread runs after its creation
  return conflict(a.fp, b.fp);
}

std::uint32_t DporChooser::new_node(const Event& event) {
  std::uint32_t index = 0;
  if (!free_nodes_.empty()) {
    index = free_nodes_.back();
    free_nodes_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  nodes_[index].event = event;
  nodes_[index].children.clear();
  return index;
}

void DporChooser::free_subtree(std::uint32_t node) {
  for (std::uint32_t child : nodes_[node].children) free_subtree(child);
  nodes_[node].children.clear();
  free_nodes_.push_back(node);
}

DporChooser::Event DporChooser::event_of(const SchedulingPoint& point, ThreadId thread) const {
  Event event;
  event.thread = thread;
  const Op& op = point.execution->pending(thread);
  event.fp = footprint_of(op, layout_);
  if (op.kind == OpKind::Spawn) event.spawned = point.execution->thread_count();
  return event;
}

DporChooser::Level DporChooser::make_level(std::size_t position) {
  Level level;
  if (position == 0) {
    level.root = 0;
    return level;
  }
  const Level& parent = levels_[position - 1];
  level.root = nodes_[parent.root].children.front();
  for (const SleepEntry& entry : parent.sleep) {
    if (!depends(entry.event, parent.event)) level.sleep.push_back(entry);
  }
  return level;
}

ThreadId DporChooser::choose(const SchedulingPoint& point) {
  blocked_ = false;
  if (position_ == levels_.size()) levels_.push_back(make_level(position_));
  Level& level = levels_[position_];
  const auto is_enabled = [&](ThreadId t) {
    return std::find(point.enabled.begin(), point.enabled.end(), t) != point.enabled.end();
  };
  std::vector<std::uint32_t>& children = nodes_[level.root].children;
  // Follow the wakeup tree; a branch whose first thread is blocked here cannot be run: drop it.
  while (!children.empty() && !is_enabled(nodes_[children.front()].event.thread)) {
    if (position_ + 1 < levels_.size()) {
      error_ = fmt::format("the model is not deterministic: replaying the same schedule, thread {} "
                           "cannot take step {}",
                           point.execution->thread_name(nodes_[children.front()].event.thread), point.step);
      return kNone;
    }
    free_subtree(children.front());
    children.erase(children.begin());
    ++dropped_branches_;
  }
  if (children.empty()) {
    // Free choice: an enabled thread that is not asleep, the previous one first (no preemption).
    const auto asleep = [&](ThreadId t) {
      return std::any_of(level.sleep.begin(), level.sleep.end(),
                         [t](const SleepEntry& s) { return s.event.thread == t; });
    };
    ThreadId pick = kNone;
    if (point.previous_enabled && !asleep(point.previous)) pick = point.previous;
    for (std::size_t i = 0; pick == kNone && i < point.enabled.size(); ++i) {
      if (!asleep(point.enabled[i])) pick = point.enabled[i];
    }
    if (pick == kNone && point.execution->ended()) {
      error_ = "every enabled thread is asleep";  // after the reported end: the run just stops
      return kNone;
    }
    if (pick == kNone) {
      blocked_ = true;
      ++blocked_total_;
      error_ = "every enabled thread is asleep (sleep-set blocked)";
      return kNone;
    }
    const std::uint32_t leaf = new_node(event_of(point, pick));
    nodes_[level.root].children.push_back(leaf);  // `children` may dangle after new_node
  }
  const std::uint32_t chosen = nodes_[level.root].children.front();
  level.event = event_of(point, nodes_[chosen].event.thread);
  nodes_[chosen].event = level.event;
  ++position_;
  return level.event.thread;
}

bool DporChooser::weak_initial(const std::vector<Event>& v, const Event& candidate) const {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].thread == candidate.thread) {
      for (std::size_t j = 0; j < i; ++j) {
        if (depends(v[j], v[i])) return false;
      }
      return true;
    }
  }
  for (const Event& e : v) {
    if (depends(candidate, e)) return false;
  }
  return true;
}

// insert_[E](v, wut): descend while some child's thread is a weak initial of what is left of v;
// stop when that child is a leaf (v is covered) or v is used up; else add v as a new branch.
void DporChooser::insert(std::uint32_t level, const std::vector<Event>& sequence) {
  std::vector<Event> v = sequence;
  std::uint32_t node = levels_[level].root;
  for (;;) {
    bool descended = false;
    for (std::uint32_t child : nodes_[node].children) {
      const Event& event = nodes_[child].event;
      if (!weak_initial(v, event)) continue;
      if (nodes_[child].children.empty()) return;
      const auto first = std::find_if(v.begin(), v.end(), [&](const Event& e) { return e.thread == event.thread; });
      if (first != v.end()) v.erase(first);
      if (v.empty()) return;
      node = child;
      descended = true;
      break;
    }
    if (!descended) break;
  }
  for (const Event& event : v) {
    const std::uint32_t child = new_node(event);
    nodes_[node].children.push_back(child);
    node = child;
  }
}

void DporChooser::finish(const Execution& execution) {
  const std::size_t n = position_;
  levels_.resize(n);  // levels past the point where this execution ended are not part of it
  // The trace entries of the chosen steps, to tell which races can be reversed.
  std::vector<const TraceEntry*>& entries = entries_;
  entries.clear();
  for (const TraceEntry& e : execution.trace()) {
    if (e.phase == Phase::Threads && e.op.kind != OpKind::Fail) entries.push_back(&e);
  }
  std::uint32_t threads = 0;
  for (std::size_t k = 0; k < n; ++k) threads = std::max(threads, levels_[k].event.thread + 1);
  clocks_.assign(n * threads, 0);
  index_in_thread_.assign(n, 0);
  std::vector<std::uint32_t>& count = count_;
  std::vector<std::int64_t>& last_of = last_of_;
  std::vector<std::int64_t>& spawn_of = spawn_of_;
  count.assign(threads, 0);
  last_of.assign(threads, -1);
  spawn_of.assign(threads, -1);
  const auto clock = [&](std::size_t k) { return &clocks_[k * threads]; };
  const auto happens_before = [&](std::size_t a, std::size_t b) {  // a < b
    return clock(b)[levels_[a].event.thread] >= index_in_thread_[a];
  };
  std::vector<std::int64_t>& before_in_thread = before_in_thread_;  // the previous step of the thread (or its spawn)
  before_in_thread.assign(n, -1);
  for (std::size_t k = 0; k < n; ++k) {
    const Event& ek = levels_[k].event;
    std::uint32_t* ck = clock(k);
    const std::int64_t pred = last_of[ek.thread] >= 0 ? last_of[ek.thread] : spawn_of[ek.thread];
    before_in_thread[k] = pred;
    if (pred >= 0) std::copy_n(clock(static_cast<std::size_t>(pred)), threads, ck);
    for (std::size_t j = 0; j < k; ++j) {
      if (levels_[j].event.thread != ek.thread && depends(levels_[j].event, ek)) {
        const std::uint32_t* cj = clock(j);
        for (std::uint32_t t = 0; t < threads; ++t) ck[t] = std::max(ck[t], cj[t]);
      }
    }
    index_in_thread_[k] = ++count[ek.thread];
    ck[ek.thread] = index_in_thread_[k];
    last_of[ek.thread] = static_cast<std::int64_t>(k);
    if (ek.spawned != kNone && ek.spawned < threads) spawn_of[ek.spawned] = static_cast<std::int64_t>(k);
  }
  // Races. A pair j < k of dependent steps of different threads is a race when no other step
  // forces their order: no direct predecessor m of k after j with j happens-before m -- except
  // that a predecessor which may have *enabled* a blocking k (the unlock before a lock, the
  // complete before a wait, a write before an await) does not force anything, since the race to
  // reverse is then with an earlier competitor (the lock before that unlock). The reversal must
  // be possible: k's own earlier steps must not come after j, and k must be able to run before j.
  // A violation after the reported end that does not depend on the step that ended the execution
  // is reachable without it: its causal past, in this order, is an execution that ends there.
  const std::size_t reported_choices = execution.choices_before_end();
  for (const Execution::LaterViolation& later : execution.later_violations()) {
    const std::size_t k = later.choice;
    if (reported_choices == 0 || k >= n || happens_before(reported_choices - 1, k)) continue;
    std::vector<ThreadId> schedule;
    for (std::size_t m = 0; m <= k; ++m) {
      if (m == k || happens_before(m, k)) schedule.push_back(levels_[m].event.thread);
    }
    witnesses_.push_back(std::move(schedule));
  }
  // Races whose first step comes after the reported end are not reversed: every execution they
  // lead to has the same prefix up to that end, so they would report nothing new.
  const auto races_with = [&](std::size_t k, const Event& ek, const Op* ok, std::int64_t own_pred) {
    for (std::size_t j = 0; j < std::min(k, reported_choices); ++j) {
      const Event& ej = levels_[j].event;
      if (ej.thread == ek.thread || !depends(ej, ek)) continue;
      if (ej.spawned == ek.thread) continue;  // creation is not a race
      if (own_pred >= 0 && static_cast<std::size_t>(own_pred) > j && happens_before(j, static_cast<std::size_t>(own_pred))) continue;
      bool immediate = true;
      for (std::size_t m = j + 1; m < k && immediate; ++m) {
        const Event& em = levels_[m].event;
        if (em.thread == ek.thread || !depends(em, ek)) continue;
        if (ok != nullptr && m < entries.size() && may_enable(entries[m]->op, *ok)) continue;
        if (happens_before(j, m)) immediate = false;
      }
      if (!immediate) continue;
      if (ok != nullptr && j < entries.size() && !reversible(*entries[j], *ok)) continue;
      sequence_.clear();
      for (std::size_t m = j + 1; m < k; ++m) {
        if (!happens_before(j, m)) sequence_.push_back(levels_[m].event);
      }
      sequence_.push_back(ek);
      const bool covered = std::any_of(levels_[j].sleep.begin(), levels_[j].sleep.end(),
                                       [&](const SleepEntry& s) { return weak_initial(sequence_, s.event); });
      if (!covered) insert(static_cast<std::uint32_t>(j), sequence_);
    }
  };
  for (std::size_t k = 0; k < n; ++k) {
    races_with(k, levels_[k].event, k < entries.size() ? &entries[k]->op : nullptr, before_in_thread[k]);
  }
  // The steps threads still wanted to take when the execution ended (blocked in a deadlock, or
  // never scheduled) race too: a write that disabled a waiting thread's await, say, must be
  // reversed, or the executions where the await ran first are never explored.
  for (ThreadId t = 0; t < execution.thread_count(); ++t) {
    if (!execution.waiting_at_end(t)) continue;
    const Op& op = execution.pending(t);
    Event et;
    et.thread = t;
    et.fp = footprint_of(op, layout_);
    const std::int64_t pred = t < threads ? (last_of[t] >= 0 ? last_of[t] : spawn_of[t]) : -1;
    races_with(n, et, &op, pred);
  }
}

bool DporChooser::next() {
  position_ = 0;
  blocked_ = false;
  while (!levels_.empty()) {
    Level& level = levels_.back();
    std::vector<std::uint32_t>& children = nodes_[level.root].children;
    if (!children.empty()) {
      level.sleep.push_back({level.event});
      free_subtree(children.front());
      nodes_[level.root].children.erase(nodes_[level.root].children.begin());
      if (!nodes_[level.root].children.empty()) return true;
    }
    levels_.pop_back();
  }
  return false;
}

}  // namespace preempt
