#include "checker/explore/state_graph.hpp"

#include <deque>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/rt/state_hash.hpp"
#include "checker/rt/stop.hpp"

namespace preempt {

namespace {

// Follows a list of choices, then stops at the next scheduling point and records it: its
// fingerprint, snapshot and enabled threads. A nondet(n) step with n > 1 stops the search (its
// values are not edges of the graph).
class PrefixChooser final : public Chooser {
 public:
  explicit PrefixChooser(const std::vector<ThreadId>& choices) : choices_(choices) {}
  ThreadId choose(const SchedulingPoint& point) override {
    if (position_ < choices_.size()) return choices_[position_++];
    fingerprint = point.execution->fingerprint(false);
    snapshot = point.execution->snapshot();
    enabled.assign(point.enabled.begin(), point.enabled.end());
    stopped = true;
    return kNone;
  }
  std::int64_t choose_value(ThreadId, std::uint32_t, std::int64_t n) override {
    if (n > 1) nondet = true;
    return 0;
  }
  [[nodiscard]] const std::string& error() const override { return error_; }

  bool stopped = false;
  bool nondet = false;
  std::optional<Fingerprint> fingerprint;
  Snapshot snapshot;
  std::vector<ThreadId> enabled;

 private:
  const std::vector<ThreadId>& choices_;
  std::size_t position_ = 0;
  std::string error_;
};

struct Pending {
  std::uint32_t id;
  std::vector<ThreadId> choices;  // the schedule that reaches the state first
  std::vector<ThreadId> enabled;
};

class GraphSearch {
 public:
  GraphSearch(const ModelProgram& program, const CheckConfig& config, const StateGraphLimits& limits,
              StateGraphSink& sink)
      : program_(program),
        max_seconds_(config.max_seconds),
        limits_(limits),
        sink_(sink),
        execution_(program, ExecutionOptions{config.max_steps, false, config.loops_as_written}) {}

  StateGraphOutcome run() {
    const StopDeadline deadline(max_seconds_);
    if (program_.init) {
      const ExecutionEnd end = execution_.run_alone(Phase::Init, *program_.init);
      if (end != ExecutionEnd::Complete) return stop("the scenario's init does not complete");
      execution_.set_initial(execution_.store());
    }
    if (!visit({}, std::nullopt)) return outcome_;
    while (!queue_.empty()) {
      Pending from = std::move(queue_.front());
      queue_.pop_front();
      for (const ThreadId thread : from.enabled) {
        std::vector<ThreadId> choices = from.choices;
        choices.push_back(thread);
        if (!visit(std::move(choices), std::make_pair(from.id, thread))) return outcome_;
      }
    }
    outcome_.complete = true;
    return outcome_;
  }

 private:
  StateGraphOutcome stop(std::string why) {
    outcome_.complete = false;
    outcome_.why_not = std::move(why);
    return outcome_;
  }

  // Runs `choices` and reports the state it reaches (new or known) and the edge that led there
  // from `from` (none for the first state). False when the search must stop.
  bool visit(std::vector<ThreadId> choices, std::optional<std::pair<std::uint32_t, ThreadId>> from) {
    PrefixChooser chooser(choices);
    const ExecutionEnd end = execution_.run(chooser);
    steps_ += execution_.trace().size();
    // A stopped run is no state of the scenario: the search ends (--max-time, an interrupt).
    if (stop_polled()) return (void)stop("the search for its states was stopped (time limit or interrupt)"), false;
    if (chooser.nondet) return (void)stop("the scenario takes nondet values"), false;
    if (steps_ > limits_.max_steps) return (void)stop(fmt::format("exploring it would replay more than {} steps", limits_.max_steps)), false;
    if (chooser.stopped && !chooser.fingerprint) return (void)stop("the model's thread states cannot be hashed"), false;
    const Fingerprint fingerprint = chooser.stopped ? *chooser.fingerprint : end_fingerprint(end);
    std::optional<std::uint32_t> known;
    const auto key = std::make_pair(fingerprint.hi, fingerprint.lo);
    if (const auto it = ids_.find(key); it != ids_.end()) {
      known = it->second;
    } else {
      ids_.emplace(key, outcome_.states);
    }
    Position at;
    at.so_far = counterexample_of(execution_);
    const std::uint32_t id = known ? *known : outcome_.states;
    if (!known) {
      if (outcome_.states >= limits_.max_states) {
        return (void)stop(fmt::format("the scenario has more than {} states", limits_.max_states)), false;
      }
      if ((outcome_.states + std::uint64_t{1}) * execution_.store().cells.size() > limits_.max_cells) {
        return (void)stop(fmt::format("its states would hold more than {} cells", limits_.max_cells)), false;
      }
      ++outcome_.states;
      at.over = !chooser.stopped;
      if (at.over) {
        at.end = end;
        at.error = execution_.outcome().error;
        at.point = execution_.snapshot();
      } else {
        at.point = std::move(chooser.snapshot);
        at.enabled = chooser.enabled;
        queue_.push_back(Pending{id, choices, chooser.enabled});
      }
      sink_.state(id, at);
    }
    if (from) {
      ++outcome_.edges;
      const std::size_t first = choices.empty() ? 0 : first_step_of_last_choice(at.so_far, choices.size());
      sink_.edge(from->first, from->second, id, at.so_far, first);
    }
    return true;
  }

  // An end, named by how it ended and the state it left (executions that end alike along other orders
  // end in one state). The threads' states are not hashed: they have ended or were abandoned.
  [[nodiscard]] Fingerprint end_fingerprint(ExecutionEnd end) const {
    StateHasher h;
    h.add(0xE4D);  // apart from the scheduling points' fingerprints
    h.add(static_cast<std::uint64_t>(end));
    const Outcome& outcome = execution_.outcome();
    if (outcome.violation) h.add(static_cast<std::uint64_t>(outcome.violation->kind));
    for (const std::string* text : {&outcome.error, outcome.violation ? &outcome.violation->message : nullptr}) {
      if (text == nullptr) continue;
      h.add(text->size());
      for (const char c : *text) h.add(static_cast<unsigned char>(c));
    }
    for (const std::int64_t cell : execution_.store().cells) h.add(static_cast<std::uint64_t>(cell));
    return h.result();
  }

  // The trace index of the step the last of `count` choices took: the steps before it are those of
  // the earlier choices (a step with no scheduling point before it -- final's, a failed check --
  // belongs to the choice before it).
  static std::size_t first_step_of_last_choice(const Counterexample& c, std::size_t count) {
    std::size_t chosen = 0;
    for (std::size_t i = 0; i < c.trace.size(); ++i) {
      if (c.trace[i].phase == Phase::Threads && c.trace[i].op.kind != OpKind::Fail && ++chosen == count) return i;
    }
    return c.trace.size();
  }

  const ModelProgram& program_;
  double max_seconds_;  // CheckConfig::max_seconds, 0: none
  StateGraphLimits limits_;
  StateGraphSink& sink_;
  Execution execution_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint32_t> ids_;  // fingerprint -> state (both kinds)
  std::deque<Pending> queue_;
  std::uint64_t steps_ = 0;
  StateGraphOutcome outcome_;
};

}  // namespace

StateGraphOutcome explore_state_graph(const ModelProgram& program, const CheckConfig& config,
                                      const StateGraphLimits& limits, StateGraphSink& sink) {
  GraphSearch search(program, config, limits, sink);
  return search.run();
}

}  // namespace preempt
