#include "checker/explore/minimal.hpp"

#include <algorithm>
#include <queue>
#include <tuple>
#include <vector>

#include "checker/explore/explorer.hpp"
#include "checker/explore/fingerprint_table.hpp"

namespace preempt {

namespace {

struct Cost {
  std::uint32_t preemptions = 0;
  std::uint32_t steps = 0;
  friend auto operator<=>(const Cost&, const Cost&) = default;
};

struct Node {
  std::uint32_t parent = kNone;  // the node whose state this one's thread stepped from
  ThreadId thread = kNone;       // that thread (an id of the parent's path)
  Cost cost;
  bool expanded = false;
};

// One execution of the search: replays `path` (thread ids of one concrete execution), then, by
// mode, stops (Replay); or identifies the node it has reached and stops (Identify); or takes one
// step there and identifies the node that step leads to (Branch). A Branch probe without a thread
// to take takes the first alternative -- the previous thread if it can go on, else the lowest id --
// and notes the node's enabled threads.
class Probe final : public Chooser {
 public:
  enum class Mode : std::uint8_t { Replay, Identify, Branch };
  Probe(const std::vector<ThreadId>& path, Mode mode, bool symmetry, ThreadId branch = kNone)
      : path_(path), mode_(mode), symmetry_(symmetry), taken_(branch) {}

  ThreadId choose(const SchedulingPoint& point) override {
    if (position_ < path_.size()) {
      const ThreadId t = path_[position_++];
      if (std::find(point.enabled.begin(), point.enabled.end(), t) != point.enabled.end()) return t;
      error_ = "the model is not deterministic";
      diverged_ = true;
      return kNone;
    }
    if (mode_ == Mode::Branch && position_++ == path_.size()) {
      if (taken_ == kNone) {
        enabled_.assign(point.enabled.begin(), point.enabled.end());
        taken_ = point.previous_enabled ? point.previous : enabled_.front();
      }
      return taken_;
    }
    if (mode_ != Mode::Replay) {
      arrived_ = true;
      key_ = node_key(point, symmetry_);
    }
    return kNone;
  }
  [[nodiscard]] const std::string& error() const override { return error_; }

  [[nodiscard]] bool diverged() const { return diverged_; }
  // The probe reached the node it identifies (else the execution ended before).
  [[nodiscard]] bool arrived() const { return arrived_; }
  [[nodiscard]] const std::optional<Fingerprint>& key() const { return key_; }
  [[nodiscard]] const std::vector<ThreadId>& enabled() const { return enabled_; }
  [[nodiscard]] ThreadId taken() const { return taken_; }

 private:
  // A node: the state, and which thread a step there would preempt (none: the previous thread
  // cannot go on, so no step there is a preemption).
  static std::optional<Fingerprint> node_key(const SchedulingPoint& point, bool symmetry) {
    const auto state = point.execution->fingerprint(symmetry);
    if (!state) return std::nullopt;
    StateHasher h;
    h.add(state->hi);
    h.add(state->lo);
    h.add(point.previous_enabled ? point.execution->fingerprint_ranks()[point.previous] : kNone);
    return h.result();
  }

  const std::vector<ThreadId>& path_;
  Mode mode_;
  bool symmetry_;
  ThreadId taken_;
  std::size_t position_ = 0;
  bool diverged_ = false;
  bool arrived_ = false;
  std::optional<Fingerprint> key_;
  std::vector<ThreadId> enabled_;
  std::string error_;
};

Cost cost_of(std::span<const TraceEntry> trace) {
  Cost cost;
  cost.steps = static_cast<std::uint32_t>(trace.size());
  for (const TraceEntry& entry : trace) cost.preemptions += entry.preempted ? 1 : 0;
  return cost;
}

class Search {
 public:
  Search(Execution& execution, bool symmetry, std::uint64_t max_bytes, const std::function<bool()>& keep_going)
      : execution_(execution), symmetry_(symmetry), table_(max_bytes), keep_going_(keep_going) {}

  MinimalSearch run() {
    if (!root()) return finish(false);
    while (!queue_.empty()) {
      const auto [cost, order, index] = queue_.top();
      queue_.pop();
      Node& node = nodes_[index];
      if (node.expanded || node.cost != cost) continue;  // a stale entry
      // Any violation from here takes at least one more step.
      if (best_cost_ && *best_cost_ <= Cost{cost.preemptions, cost.steps + 1}) return finish(true);
      node.expanded = true;
      if (!expand(index)) return finish(false);
    }
    return finish(true);
  }

 private:
  using Entry = std::tuple<Cost, std::uint64_t, std::uint32_t>;  // cost, insertion order, node

  MinimalSearch finish(bool proven) {
    MinimalSearch result;
    result.executions = executions_;
    result.proven = proven && !failed_;
    if (best_cost_) {
      Probe replay(best_path_, Probe::Mode::Replay, symmetry_);
      if (execution_.run(replay) == ExecutionEnd::Violation) result.best = counterexample_of(execution_);
    }
    return result;
  }

  // Runs one probe; false when the search must stop (a limit, a model error, nondeterminism).
  bool run(Probe& probe) {
    if (!keep_going_()) return false;
    ++executions_;
    const ExecutionEnd end = execution_.run(probe);
    if (probe.diverged() || end == ExecutionEnd::ModelError || (probe.arrived() && !probe.key())) {
      failed_ = true;
      return false;
    }
    return true;
  }

  // The first scheduling point, or the end of the one execution when there is none.
  bool root() {
    path_.clear();
    Probe probe(path_, Probe::Mode::Identify, symmetry_);
    if (!run(probe)) return false;
    if (!probe.arrived()) return outcome(probe, kNone);
    return relax(*probe.key(), cost_of(execution_.trace()), kNone, kNone);
  }

  // Every step from the node's state: one execution each.
  bool expand(std::uint32_t index) {
    path_.clear();
    for (std::uint32_t n = index; nodes_[n].parent != kNone; n = nodes_[n].parent) path_.push_back(nodes_[n].thread);
    std::reverse(path_.begin(), path_.end());
    Probe first(path_, Probe::Mode::Branch, symmetry_);
    if (!run(first) || !outcome(first, index)) return false;
    for (ThreadId t : first.enabled()) {
      if (t == first.taken()) continue;
      Probe probe(path_, Probe::Mode::Branch, symmetry_, t);
      if (!run(probe) || !outcome(probe, index)) return false;
    }
    return true;
  }

  // Records where a probe's branch led: a node to relax, or the end of the execution.
  bool outcome(const Probe& probe, std::uint32_t parent) {
    if (probe.arrived()) return relax(*probe.key(), cost_of(execution_.trace()), parent, probe.taken());
    if (execution_.outcome().end == ExecutionEnd::Violation) {
      const Cost cost = cost_of(execution_.reported_trace());
      if (!best_cost_ || cost < *best_cost_) {
        best_cost_ = cost;
        best_path_ = path_;
        if (probe.taken() != kNone) best_path_.push_back(probe.taken());
      }
    }
    return true;
  }

  bool relax(const Fingerprint& key, Cost cost, std::uint32_t parent, ThreadId thread) {
    const auto found = table_.find_or_insert(key);
    if (!found) {
      failed_ = true;
      return false;
    }
    std::uint32_t& slot = table_.value(found->first);  // node index + 1 (0: none yet)
    if (found->second) {
      nodes_.push_back({parent, thread, cost, false});
      slot = static_cast<std::uint32_t>(nodes_.size());
    } else {
      Node& node = nodes_[slot - 1];
      if (node.expanded || !(cost < node.cost)) return true;
      node = {parent, thread, cost, false};
    }
    queue_.emplace(cost, order_++, slot - 1);
    return true;
  }

  Execution& execution_;
  bool symmetry_;
  FingerprintTable<std::uint32_t> table_;
  const std::function<bool()>& keep_going_;
  std::vector<Node> nodes_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  std::uint64_t order_ = 0;
  std::uint64_t executions_ = 0;
  bool failed_ = false;
  std::optional<Cost> best_cost_;
  std::vector<ThreadId> best_path_;
  std::vector<ThreadId> path_;  // scratch: the path to the node being expanded
};

}  // namespace

MinimalSearch minimal_counterexample(Execution& execution, bool symmetry, std::uint64_t max_bytes,
                                     const std::function<bool()>& keep_going) {
  return Search(execution, symmetry, max_bytes, keep_going).run();
}

}  // namespace preempt
