#include "checker/explore/explain.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <span>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/explore/footprint.hpp"
#include "checker/explore/schedule.hpp"

namespace preempt {

namespace {

static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

// The happens-before relation of one trace, as one bit row per step: before[j][i] is true when
// step index i happens before step index j.
class HappensBefore {
 public:
  HappensBefore(std::span<const TraceEntry> trace, const std::vector<Footprint>& fps) : rows_(trace.size()) {
    std::vector<std::size_t> spawned_by(trace.size() + 64, kNoIndex);  // thread -> spawning step
    for (std::size_t j = 0; j < trace.size(); ++j) {
      rows_[j].assign(trace.size(), false);
      const TraceEntry& e = trace[j];
      if (e.thread < spawned_by.size() && spawned_by[e.thread] != kNoIndex) add(j, spawned_by[e.thread]);
      for (std::size_t i = j; i-- > 0;) {
        if (rows_[j][i]) continue;  // already ordered through a later step
        if (direct(trace[i], trace[j], fps[i], fps[j])) add(j, i);
      }
      if (e.spawned != kNone) {
        if (spawned_by.size() <= e.spawned) spawned_by.resize(e.spawned + 1, kNoIndex);
        spawned_by[e.spawned] = j;
      }
    }
  }

  [[nodiscard]] bool ordered(std::size_t i, std::size_t j) const { return rows_[j][i]; }
  // Whether something orders i before j other than their own dependence: a step k between them
  // with i -> k -> j.
  [[nodiscard]] bool ordered_through(std::size_t i, std::size_t j) const {
    for (std::size_t k = i + 1; k < j; ++k) {
      if (rows_[k][i] && rows_[j][k]) return true;
    }
    return false;
  }

  static bool direct(const TraceEntry& a, const TraceEntry& b, const Footprint& fa, const Footprint& fb) {
    if (a.thread == b.thread) return true;
    if (a.phase != Phase::Threads || b.phase != Phase::Threads) return true;  // final follows everything
    return conflict(fa, fb);
  }

 private:
  void add(std::size_t j, std::size_t i) {
    rows_[j][i] = true;
    for (std::size_t k = 0; k < i; ++k) {
      if (rows_[i][k]) rows_[j][k] = true;
    }
  }
  std::vector<std::vector<bool>> rows_;
};

// A cell the two conflicting footprints share (kNoAddr: one reads every cell).
Addr shared_cell(const Footprint& a, const Footprint& b) {
  for (std::uint8_t i = 0; i < a.count; ++i) {
    for (std::uint8_t j = 0; j < b.count; ++j) {
      const Access& x = a.accesses[i];
      const Access& y = b.accesses[j];
      if (x.space == y.space && (x.write || y.write) && x.first <= y.last() && y.first <= x.last()) {
        return std::max(x.first, y.first);
      }
    }
  }
  return kNoAddr;
}

bool is_choice(const TraceEntry& e) { return e.phase == Phase::Threads && e.op.kind != OpKind::Fail; }

// The steps that run the same way with trace[j] before trace[i], in their order: the steps before
// i, those between i and j that do not depend on i, then j, then i. Each thread takes a prefix of
// its own steps in the trace (a step that depends on i makes every later step of its thread depend
// on it), so the reversed execution's first steps are these, each its thread's n-th as here.
std::vector<TraceEntry> reversed_order(std::span<const TraceEntry> trace, const HappensBefore& hb, std::size_t i,
                                       std::size_t j) {
  std::vector<TraceEntry> order;
  for (std::size_t k = 0; k < i; ++k) {
    if (is_choice(trace[k])) order.push_back(trace[k]);
  }
  for (std::size_t k = i + 1; k < j; ++k) {
    if (is_choice(trace[k]) && !hb.ordered(i, k)) order.push_back(trace[k]);
  }
  order.push_back(trace[j]);
  order.push_back(trace[i]);
  return order;
}

std::string name_of(const std::vector<std::string>& names, ThreadId t) { return t < names.size() ? names[t] : "?"; }

// The printed trace's number of each step of the reversed execution that is a step of the trace:
// the n-th step of a thread among the steps the reversal forced (`order`) is that thread's n-th
// step in the trace; after them, a thread's n-th step is its n-th in the trace if it is the same
// operation at the same place. Threads are matched by name: a context may get another id.
std::map<std::uint32_t, std::uint32_t> steps_in_trace(std::span<const TraceEntry> order, const Counterexample& c,
                                                      const Counterexample& replayed) {
  std::map<std::string, std::size_t> forced;                   // thread -> how many of its steps were forced
  for (const TraceEntry& e : order) ++forced[name_of(c.thread_names, e.thread)];
  std::map<std::string, std::vector<const TraceEntry*>> steps;  // thread -> its steps in the trace
  for (const TraceEntry& e : c.trace) {
    if (is_choice(e)) steps[name_of(c.thread_names, e.thread)].push_back(&e);
  }
  std::map<std::string, std::size_t> taken;
  std::map<std::uint32_t, std::uint32_t> out;
  for (const TraceEntry& e : replayed.trace) {
    if (!is_choice(e)) continue;
    const std::string name = name_of(replayed.thread_names, e.thread);
    const std::size_t n = taken[name]++;
    const std::vector<const TraceEntry*>& own = steps[name];
    if (n >= own.size()) continue;
    const Op& op = own[n]->op;
    const bool same = op.kind == e.op.kind && op.location == e.op.location && op.line == e.op.line;
    if (n < forced[name] || same) out[e.step] = own[n]->step;
  }
  return out;
}

// The reversed violation's message cites steps of the replayed execution ("unloaded at step 16");
// a reader takes every step number for one of the printed trace. A step the trace has gets its
// number there; any other comes after the reversed pair (the forced steps are all in the trace).
std::string renumbered(const std::string& message, const std::map<std::uint32_t, std::uint32_t>& steps) {
  static const std::regex step_number("\\bstep ([0-9]+)\\b");
  std::string out;
  auto at = message.cbegin();
  for (std::sregex_iterator m(message.begin(), message.end(), step_number), end; m != end; ++m) {
    out.append(at, (*m)[0].first);
    const auto found = steps.find(static_cast<std::uint32_t>(std::stoul((*m)[1].str())));
    out += found != steps.end() ? fmt::format("step {}", found->second) : std::string("a later step of that run");
    at = (*m)[0].second;
  }
  out.append(at, message.cend());
  return out;
}

// Runs the reversed schedule; false when j cannot run first (the order is forced).
bool try_reversal(Execution& execution, const CheckConfig& config, const Counterexample& original,
                  std::span<const TraceEntry> order, Race& race) {
  const std::string schedule = encode_schedule(order, original.thread_names);
  const ExploreResult result = replay_on(execution, schedule, config);
  race.reversed_schedule = result.replayed ? result.replayed->schedule : schedule;
  switch (result.verdict) {
    case Verdict::Safe:
      race.outcome = ReversedOutcome::Avoided;
      return true;
    case Verdict::Violation: {
      const Counterexample& replayed = result.violations.front();
      const Violation& v = *replayed.violation;
      race.outcome = v.kind == original.violation->kind ? ReversedOutcome::StillFails : ReversedOutcome::FailsDifferently;
      race.reversed_violation = v;
      race.reversed_violation->message = renumbered(v.message, steps_in_trace(order, original, replayed));
      return true;
    }
    case Verdict::Incomplete:
      race.outcome = ReversedOutcome::Inconclusive;
      race.inconclusive = result.incomplete_reasons.empty() ? "" : result.incomplete_reasons.front();
      return true;
    case Verdict::Error:
      if (result.error.starts_with("the schedule does not fit")) return false;
      race.outcome = ReversedOutcome::Inconclusive;
      race.inconclusive = result.error;
      return true;
  }
  return false;
}

bool explainable(const Counterexample& c) {
  return c.violation && !c.trace.empty() && c.trace.size() <= kMaxExplainedSteps &&
         c.trace.front().phase != Phase::Init;
}

std::vector<Footprint> footprints_of(std::span<const TraceEntry> trace, const ModelLayout& layout) {
  std::vector<Footprint> fps;
  fps.reserve(trace.size());
  for (const TraceEntry& e : trace) fps.push_back(footprint_of(e.op, layout));
  return fps;
}

// The racing pairs of an explainable counterexample (see racing_pairs).
std::vector<RacingPair> candidates_of(const Counterexample& c, const std::vector<Footprint>& fps,
                                      const HappensBefore& hb) {
  const auto& trace = c.trace;
  // The failing step; a deadlock or a failure in `final` is explained by every race.
  std::size_t failing = trace.size() - 1;
  bool every_race = true;
  const Violation& violation = *c.violation;
  for (std::size_t k = 0; k < trace.size(); ++k) {
    if (trace[k].step == violation.step && trace[k].phase == Phase::Threads &&
        violation.kind != ViolationKind::Deadlock) {
      failing = k;
      every_race = false;
    }
  }
  std::vector<RacingPair> candidates;
  for (std::size_t j = failing + 1; j-- > 0;) {
    if (trace[j].phase != Phase::Threads) continue;
    if (!every_race && j != failing && !hb.ordered(j, failing)) continue;
    for (std::size_t i = j; i-- > 0;) {
      if (!is_choice(trace[i]) || !is_choice(trace[j]) || trace[i].thread == trace[j].thread) continue;
      if (!conflict(fps[i], fps[j]) || hb.ordered_through(i, j)) continue;
      candidates.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j)});
    }
  }
  return candidates;
}

}  // namespace

std::vector<RacingPair> racing_pairs(const Counterexample& c, const ModelLayout& layout) {
  if (!explainable(c)) return {};
  const std::vector<Footprint> fps = footprints_of(c.trace, layout);
  return candidates_of(c, fps, HappensBefore(c.trace, fps));
}

Explanation explain(Execution& execution, const Counterexample& c, const CheckConfig& config,
                    std::uint32_t max_replays, std::uint32_t max_races) {
  Explanation out;
  if (!explainable(c)) return out;
  const auto& trace = c.trace;
  const std::vector<Footprint> fps = footprints_of(trace, execution.layout());
  const HappensBefore hb(trace, fps);
  for (const RacingPair& cand : candidates_of(c, fps, hb)) {
    if (out.examined >= max_replays) break;
    Race race;
    const std::vector<TraceEntry> order = reversed_order(trace, hb, cand.first, cand.second);
    ++out.examined;
    if (!try_reversal(execution, config, c, order, race)) continue;
    race.first = cand.first;
    race.second = cand.second;
    race.shared = shared_cell(fps[cand.first], fps[cand.second]);
    out.races.push_back(std::move(race));
  }
  // Deciding races first; otherwise keep the order found (closest to the failure first).
  std::stable_sort(out.races.begin(), out.races.end(), [](const Race& a, const Race& b) {
    return (a.outcome == ReversedOutcome::Avoided) > (b.outcome == ReversedOutcome::Avoided);
  });
  if (out.races.size() > max_races) out.races.resize(max_races);
  return out;
}

}  // namespace preempt
