#include "checker/explore/dpor.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"
#include "models/step.hpp"

namespace preempt {

namespace {

// Whether step m may have been what let the blocking step k run (then m does not force k's order
// relative to earlier steps: k was waiting for m).
bool may_enable(const Op& m, const Op& k) {
  switch (k.kind) {
    case OpKind::MutexLock: return m.kind == OpKind::MutexUnlock && m.target == k.target;
    case OpKind::SpinLock: return m.kind == OpKind::SpinUnlock && m.target == k.target;
    case OpKind::WaitForCompletion:
      return (m.kind == OpKind::Complete || m.kind == OpKind::CompleteAll || m.kind == OpKind::ReinitCompletion) &&
             m.target == k.target;
    case OpKind::Await: return true;  // any dependent step may have made the condition true
    default: {
      // Deferred execution: a flush, a cancel, a grace period, a context's wait wait for several
      // cells (pending and running, a count of the kernel state), a wait_event sleeper for its
      // cell of the wait queue: any dependent step may be the one.
      const OpFamily f = op_info(k.kind).family;
      return f == OpFamily::Work || f == OpFamily::Timer || f == OpFamily::Tasklet || f == OpFamily::Rcu ||
             f == OpFamily::Kthread || f == OpFamily::Irq ||
             f == OpFamily::Wait;
    }
  }
}

// The trace entry of the step taken last: the entries of failed checks (and of `final`) are not
// scheduling choices.
std::uint32_t last_step_entry(const Execution& execution) {
  const std::vector<TraceEntry>& trace = execution.trace();
  std::size_t i = trace.size();
  while (i > 0 && (trace[i - 1].phase != Phase::Threads || trace[i - 1].op.kind == OpKind::Fail)) --i;
  return i > 0 ? static_cast<std::uint32_t>(i - 1) : 0;
}

}  // namespace

DporChooser::DporChooser(const ModelLayout& layout) : layout_(layout) {
  levels_.reserve(256);
  nodes_.reserve(1024);
  nodes_.push_back({});  // node 0: the root of level 0's wakeup tree
  widen(8);
}

bool DporChooser::depends(const Event& a, const Event& b) const {
  if (a.thread == b.thread) return true;
  if (a.spawned == b.thread || b.spawned == a.thread) return true;  // a thread runs after its creation
  return conflict(footprint(a), footprint(b));
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
  nodes_[index] = Node{event};
  return index;
}

void DporChooser::append_child(std::uint32_t parent, std::uint32_t child) {
  Node& p = nodes_[parent];
  if (p.first_child == kNoNode) {
    p.first_child = child;
  } else {
    nodes_[p.last_child].next_sibling = child;
  }
  p.last_child = child;
}

void DporChooser::free_subtree(std::uint32_t node) {
  for (std::uint32_t child = nodes_[node].first_child; child != kNoNode;) {
    const std::uint32_t next = nodes_[child].next_sibling;
    free_subtree(child);
    child = next;
  }
  free_nodes_.push_back(node);
}

DporChooser::Event DporChooser::event_of(const SchedulingPoint& point, ThreadId thread) {
  Event event;
  event.thread = thread;
  const Op& op = point.execution->pending(thread);
  event.fp = footprints_.intern(footprint_of(op, layout_));
  if (point.execution->spawns(thread)) event.spawned = point.execution->thread_count();
  return event;
}

void DporChooser::open_level() {
  if (depth_ == levels_.size()) levels_.emplace_back();
  Level& level = levels_[depth_];
  std::vector<SleepEntry> sleep = std::move(level.sleep);  // its buffer is reused
  sleep.clear();
  level = Level{};
  if (depth_ > 0) {
    const Level& parent = levels_[depth_ - 1];
    level.root = nodes_[parent.root].first_child;
    for (const SleepEntry& entry : parent.sleep) {
      if (!depends(entry.event, parent.event)) sleep.push_back(entry);
    }
  }
  level.sleep = std::move(sleep);
  ++depth_;
}

const TraceEntry& DporChooser::entry_of(const Execution& execution, std::size_t level) const {
  return execution.trace()[levels_[level].entry];
}

void DporChooser::widen(std::uint32_t threads) {
  const std::uint32_t stride = std::max(threads, 2 * stride_);
  const std::size_t rows = std::max<std::size_t>(levels_.capacity(), 1);
  std::vector<std::uint32_t> wider(rows * stride, 0);
  std::vector<std::int32_t> wider_deps(rows * stride, -1);
  for (std::size_t k = 0; k < valid_; ++k) {
    std::copy_n(&clocks_[k * stride_], stride_, &wider[k * stride]);
    std::copy_n(&deps_[k * stride_], stride_, &wider_deps[k * stride]);
  }
  clocks_ = std::move(wider);
  deps_ = std::move(wider_deps);
  stride_ = stride;
}

bool DporChooser::happens_before(std::size_t a, std::size_t b) const {
  return clocks_[b * stride_ + levels_[a].event.thread] >= levels_[a].index;
}

void DporChooser::sync_history(std::size_t end) {
  if (history_.size() > end) history_.clear();
  for (std::size_t k = history_.size(); k < end; ++k) {
    const Event& e = levels_[k].event;
    history_.add(e.thread, footprint(e), e.spawned);
  }
}

// Called with k == valid_: the levels below k have their clocks. The join of the clocks of the
// last dependent step of each thread is the join over all dependent steps: a thread's clocks only
// grow along its steps.
void DporChooser::compute_clock(std::size_t k) {
  Level& level = levels_[k];
  const ThreadId t = level.event.thread;
  const ThreadId widest = level.event.spawned == kNone ? t : std::max(t, level.event.spawned);
  if (widest >= stride_) widen(widest + 1);
  if (clocks_.size() < (k + 1) * stride_) {
    clocks_.resize(2 * (k + 1) * stride_, 0);
    deps_.resize(clocks_.size(), -1);
  }
  sync_history(k);
  level.pred = history_.previous_of(t);
  const bool after_own = level.pred >= 0 && levels_[static_cast<std::size_t>(level.pred)].event.thread == t;
  level.index = after_own ? levels_[static_cast<std::size_t>(level.pred)].index + 1 : 1;
  std::uint32_t* ck = &clocks_[k * stride_];
  if (level.pred >= 0) {
    std::copy_n(&clocks_[static_cast<std::size_t>(level.pred) * stride_], stride_, ck);
  } else {
    std::fill_n(ck, stride_, 0);
  }
  std::int32_t* deps = &deps_[k * stride_];
  history_.last_conflicting(footprint(level.event), std::span<std::int32_t>(deps, stride_));
  deps[t] = -1;  // the thread's own steps come before it through pred
  for (std::uint32_t u = 0; u < stride_; ++u) {
    if (deps[u] < 0) continue;
    const std::uint32_t* cj = &clocks_[static_cast<std::size_t>(deps[u]) * stride_];
    for (std::uint32_t v = 0; v < stride_; ++v) ck[v] = std::max(ck[v], cj[v]);
  }
  ck[t] = level.index;
  history_.add(t, footprint(level.event), level.event.spawned);
}

ThreadId DporChooser::choose(const SchedulingPoint& point) {
  blocked_ = false;
  const Execution& execution = *point.execution;
  if (position_ > 0) levels_[position_ - 1].entry = last_step_entry(execution);
  threads_ = execution.thread_count();
  if (position_ == depth_) open_level();
  Level& level = levels_[position_];
  const auto is_enabled = [&](ThreadId t) {
    return std::find(point.enabled.begin(), point.enabled.end(), t) != point.enabled.end();
  };
  const std::uint32_t wanted = nodes_[level.root].first_child;
  // Follow the wakeup tree. Its branches can run (see the header): a thread blocked where a branch
  // wants it means that the model did something else on an equivalent schedule.
  if (wanted != kNoNode && !is_enabled(nodes_[wanted].event.thread)) {
    const std::string& name = execution.thread_name(nodes_[wanted].event.thread);
    error_ = position_ + 1 < depth_
                 ? fmt::format("the model is not deterministic: replaying the same schedule, thread {} "
                               "cannot take step {}",
                               name, point.step)
                 : fmt::format("the model is not deterministic: thread {} cannot take step {}, although an "
                               "equivalent schedule showed that it could",
                               name, point.step);
    return kNone;
  }
  if (wanted == kNoNode) {
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
    if (pick == kNone && execution.outcome().end.has_value()) {
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
    append_child(level.root, leaf);
  }
  const std::uint32_t chosen = nodes_[level.root].first_child;
  level.event = event_of(point, nodes_[chosen].event.thread);
  nodes_[chosen].event = level.event;
  if (position_ >= valid_) {
    compute_clock(position_);
    note_runnable(execution, position_);
    valid_ = position_ + 1;
  }
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
  std::vector<Event>& v = remaining_;
  v.assign(sequence.begin(), sequence.end());
  std::uint32_t node = levels_[level].root;
  for (;;) {
    bool descended = false;
    for (std::uint32_t child = nodes_[node].first_child; child != kNoNode; child = nodes_[child].next_sibling) {
      const Event& event = nodes_[child].event;
      if (!weak_initial(v, event)) continue;
      if (nodes_[child].first_child == kNoNode) return;
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
    append_child(node, child);
    node = child;
  }
}

// A pair j < k of dependent steps of different threads is a race when no other step forces their
// order: no direct predecessor m of k after j with j happens-before m -- except that a predecessor
// which may have *enabled* a blocking k (the unlock before a lock, the complete before a wait, a
// write before an await) does not force anything, since the race to reverse is then with an
// earlier competitor (the lock before that unlock). k's own earlier steps must not come after j.
// For a k that cannot block, the predecessors that matter are the last dependent step of each
// thread (deps): an earlier one comes before its thread's last one, so only those can race, and
// one of them races unless it comes before another of them or before k's previous step.
void DporChooser::plain_races(const Event& ek, const std::int32_t* deps, std::int64_t own_pred,
                              std::vector<std::uint32_t>& out) const {
  out.clear();
  for (std::uint32_t u = 0; u < stride_; ++u) {
    if (u == ek.thread || deps[u] < 0) continue;
    const auto j = static_cast<std::size_t>(deps[u]);
    if (levels_[j].event.spawned == ek.thread) continue;  // creation is not a race
    if (own_pred > deps[u] && happens_before(j, static_cast<std::size_t>(own_pred))) continue;
    bool ordered = false;
    for (std::uint32_t v = 0; v < stride_ && !ordered; ++v) {
      ordered = v != u && v != ek.thread && deps[v] > deps[u] && happens_before(j, static_cast<std::size_t>(deps[v]));
    }
    if (!ordered) out.push_back(static_cast<std::uint32_t>(j));
  }
  std::sort(out.begin(), out.end());  // reversals are inserted level by level, as they always were
}

// For a blocking k every dependent step may race (a thread's earlier lock as well as its unlock),
// so each earlier level is looked at, latest first, with the clocks of the competitors after it
// that do force an order (neither an enabler nor a mere reader) joined in suffix_: j comes before
// one of them exactly when suffix_ reaches j in j's thread.
void DporChooser::blocking_races(const Execution& execution, std::size_t k, const Event& ek, const Op& ok,
                                 std::int64_t own_pred, std::vector<std::uint32_t>& out) {
  out.clear();
  suffix_.assign(stride_, 0);
  for (std::size_t j = k; j-- > 0;) {
    const Event& ej = levels_[j].event;
    if (ej.thread == ek.thread || !depends(ej, ek)) continue;
    const bool before_own = own_pred > static_cast<std::int64_t>(j) && happens_before(j, static_cast<std::size_t>(own_pred));
    if (ej.spawned != ek.thread && !before_own && suffix_[ej.thread] < levels_[j].index) {
      out.push_back(static_cast<std::uint32_t>(j));
    }
    // A step that only reads what a blocking k changes (completion_done before a wait) neither
    // enabled nor disabled k, so it does not hide k's race with the step that did: moving k before
    // that reader alone may leave k blocked, and then only the reversal with j reaches k's order.
    if (may_enable(entry_of(execution, j).op, ok) || !writes_into(footprint(ej), footprint(ek))) continue;
    const std::uint32_t* cj = &clocks_[j * stride_];
    for (std::uint32_t u = 0; u < stride_; ++u) suffix_[u] = std::max(suffix_[u], cj[u]);
  }
  std::reverse(out.begin(), out.end());
}

bool DporChooser::after(std::size_t m, std::size_t j, std::span<const std::uint32_t> excluded) const {
  if (happens_before(j, m)) return true;
  return std::any_of(excluded.begin(), excluded.end(),
                     [&](std::uint32_t s) { return s == m || happens_before(s, m); });
}

// The state a reversal runs the blocking step in: the current store (after the first k steps) with
// the changes of steps k-1 down to j undone, then those of the steps between j and k that stay
// before it redone in order. Each step records the one object it changed, before and after.
bool DporChooser::runnable_after(const Execution& execution, std::size_t j, std::size_t k, ThreadId thread) {
  scratch_.assign_from(execution.store());
  const std::vector<CellChange>& extra = execution.extra_changes();
  for (std::size_t m = k; m-- > j;) {
    const TraceEntry& e = entry_of(execution, m);
    for (std::size_t x = e.extra_count; x-- > 0;) scratch_.at(extra[e.extra_begin + x].addr) = extra[e.extra_begin + x].before;
    if (e.changed()) scratch_.at(e.changed_addr) = e.before;
  }
  for (std::size_t m = j + 1; m < k; ++m) {
    const TraceEntry& e = entry_of(execution, m);
    if (after(m, j, excluded_)) continue;
    if (e.changed()) scratch_.at(e.changed_addr) = e.after;
    for (std::size_t x = 0; x < e.extra_count; ++x) scratch_.at(extra[e.extra_begin + x].addr) = extra[e.extra_begin + x].after;
  }
  return execution.enabled_in(thread, scratch_);
}

// The reversals of a blocking step k with partner j: k before j and the steps after j, as for any
// race, then -- only while that cannot run -- also before some of the later steps it conflicts with
// that do not come after j (writes to other variables of an await's condition, say), each with the
// steps after it. Without that, an await that needs two independent writes undone would never be
// moved before both: each single reversal leaves it blocked. Subsets are tried in the order of
// their levels, each once.
void DporChooser::extend(const Execution& execution, std::size_t j, std::size_t k, ThreadId thread, std::size_t from,
                         std::vector<std::uint32_t>& out) {
  if (runnable_after(execution, j, k, thread)) {
    out.push_back(static_cast<std::uint32_t>(j));
    out.push_back(static_cast<std::uint32_t>(excluded_.size()));
    out.insert(out.end(), excluded_.begin(), excluded_.end());
    return;
  }
  for (std::size_t i = from; i < later_.size(); ++i) {
    if (after(later_[i], j, excluded_)) continue;  // already moved after k
    excluded_.push_back(later_[i]);
    extend(execution, j, k, thread, i + 1, out);
    excluded_.pop_back();
  }
}

void DporChooser::reversals(const Execution& execution, std::size_t k, const Event& ek, const Op& ok,
                            std::int64_t own_pred, std::vector<std::uint32_t>& out) {
  // k cannot move before a step that its own previous step (or its spawn) comes after.
  const auto before_own = [&](std::size_t m) {
    return own_pred >= static_cast<std::int64_t>(m) &&
           (own_pred == static_cast<std::int64_t>(m) || happens_before(m, static_cast<std::size_t>(own_pred)));
  };
  blocking_races(execution, k, ek, ok, own_pred, partners_);
  for (const std::uint32_t j : partners_) {
    later_.clear();
    for (std::size_t m = j + 1; m < k; ++m) {
      const Event& em = levels_[m].event;
      if (em.thread != ek.thread && depends(em, ek) && !happens_before(j, m) && !before_own(m)) {
        later_.push_back(static_cast<std::uint32_t>(m));
      }
    }
    excluded_.clear();
    extend(execution, j, k, ek.thread, 0, out);
  }
}

void DporChooser::note_runnable(const Execution& execution, std::size_t k) {
  runnable_.resize(k == 0 ? 0 : levels_[k - 1].runnable_end);
  Level& level = levels_[k];
  level.runnable_begin = static_cast<std::uint32_t>(runnable_.size());
  const Op& op = execution.pending(level.event.thread);
  if (models::may_block(op.kind)) reversals(execution, k, level.event, op, level.pred, runnable_);
  levels_[k].runnable_end = static_cast<std::uint32_t>(runnable_.size());
}

void DporChooser::reverse(std::size_t j, std::span<const std::uint32_t> excluded, std::size_t k, const Event& ek) {
  // The steps after k that do not follow j do not depend on k either (k follows j), so they do not
  // change whether a blocking k can run: runnable_after() need not look at them.
  sequence_.clear();
  for (std::size_t m = j + 1; m < depth_; ++m) {
    if (m != k && !after(m, j, excluded)) sequence_.push_back(levels_[m].event);
  }
  sequence_.push_back(ek);
  const bool covered = std::any_of(levels_[j].sleep.begin(), levels_[j].sleep.end(),
                                   [&](const SleepEntry& s) { return weak_initial(sequence_, s.event); });
  if (!covered) insert(static_cast<std::uint32_t>(j), sequence_);
}

void DporChooser::finish(const Execution& execution) {
  const std::size_t n = position_;
  depth_ = n;  // levels past the point where this execution ended are not part of it
  valid_ = std::min(valid_, n);
  if (n > 0) levels_[n - 1].entry = last_step_entry(execution);
  // A violation after the reported end that does not depend on the step that ended the execution
  // is reachable without it: its causal past, in this order, is an execution that ends there.
  reported_choices_ = execution.outcome().choices;
  for (const LaterViolation& later : execution.outcome().later_violations) {
    const std::size_t k = later.choice;
    if (reported_choices_ == 0 || k >= n || happens_before(reported_choices_ - 1, k)) continue;
    std::vector<ThreadId> schedule;
    for (std::size_t m = 0; m <= k; ++m) {
      if (m == k || happens_before(m, k)) schedule.push_back(levels_[m].event.thread);
    }
    if (witnessed_.insert(schedule).second) witnesses_.push_back(std::move(schedule));
  }
  // Races in the part after the reported end are reversed too. The executions they lead to repeat
  // this one up to that end (next() marks them as reruns), but they order the later steps
  // differently, and that decides which races with the earlier steps exist: a later step k that
  // comes after an earlier step j only through a step x of the later part races with j only once
  // k has been moved before x.
  const auto reverse_records = [&](const std::vector<std::uint32_t>& records, std::size_t begin, std::size_t end,
                                   std::size_t k, const Event& ek) {
    for (std::size_t r = begin; r < end; r += 2 + records[r + 1]) {
      const std::span<const std::uint32_t> excluded(records.data() + r + 2, records[r + 1]);
      reverse(records[r], excluded, k, ek);
    }
  };
  // A step k that cannot block races with the steps before it that nothing else orders it after.
  const auto reverse_races = [&](std::size_t k, const Event& ek, const std::int32_t* deps, std::int64_t pred) {
    plain_races(ek, deps, pred, partners_);
    for (const std::uint32_t j : partners_) reverse(j, {}, k, ek);
  };
  for (std::size_t k = 0; k < n; ++k) {
    if (k % kStopPollSteps == 0 && stop_polled()) return;  // as below
    const Level& level = levels_[k];
    const Op& op = entry_of(execution, k).op;
    if (models::may_block(op.kind)) {  // its reversals that can run were found when it was chosen
      reverse_records(runnable_, level.runnable_begin, level.runnable_end, k, level.event);
      continue;
    }
    reverse_races(k, level.event, &deps_[k * stride_], level.pred);
  }
  // The steps threads still wanted to take when the execution ended (blocked in a deadlock, or
  // never scheduled) race too: a write that disabled a waiting thread's await, say, must be
  // reversed, or the executions where the await ran first are never explored. Their guards are
  // still alive, so a blocking one is checked here. Only the threads a choice could schedule: the
  // thread of `final` (started after them, so with a higher id) runs after every other has
  // finished, and a violation there leaves it parked at a step no reversal can move earlier.
  std::uint32_t threads = threads_;
  if (n > 0 && levels_[n - 1].event.spawned != kNone) threads = std::max(threads, levels_[n - 1].event.spawned + 1);
  threads = std::min(threads, execution.thread_count());
  if (threads > stride_) widen(threads);
  sync_history(n);
  for (ThreadId t = 0; t < threads; ++t) {
    if (!execution.waiting_at_end(t)) continue;
    // Each waiting thread's races cost O(steps x threads): thousands of threads blocked at the end
    // take seconds. A stop ends the search here (it is reported incomplete, never safe).
    if (stop_polled()) return;
    const Op& op = execution.pending(t);
    Event et;
    et.thread = t;
    et.fp = footprints_.intern(footprint_of(op, layout_));
    const std::int64_t pred = history_.previous_of(t);
    if (models::may_block(op.kind)) {
      records_.clear();
      reversals(execution, n, et, op, pred, records_);
      reverse_records(records_, 0, records_.size(), n, et);
      continue;
    }
    end_deps_.resize(stride_);
    history_.last_conflicting(footprint(et), end_deps_);
    reverse_races(n, et, end_deps_.data(), pred);
  }
}

bool DporChooser::next() {
  position_ = 0;
  blocked_ = false;
  rerun_ = false;
  threads_ = 0;
  while (depth_ > 0) {
    Level& level = levels_[depth_ - 1];
    Node& root = nodes_[level.root];
    if (root.first_child != kNoNode) {
      level.sleep.push_back({level.event});
      const std::uint32_t explored = root.first_child;
      root.first_child = nodes_[explored].next_sibling;
      if (root.first_child == kNoNode) root.last_child = kNoNode;
      free_subtree(explored);
      if (nodes_[level.root].first_child != kNoNode) {
        valid_ = std::min(valid_, depth_ - 1);  // the step at this level changes
        // Branching after the last execution's reported end replays that end: a rerun.
        rerun_ = depth_ - 1 >= reported_choices_;
        return true;
      }
    }
    --depth_;
  }
  valid_ = 0;
  return false;
}

}  // namespace preempt
