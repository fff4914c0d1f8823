#include "checker/explore/explain.hpp"

#include <algorithm>
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

// The schedule that runs the same steps with trace[j] before trace[i]: the steps before i, those
// between i and j that do not depend on i, then j's thread, then i's thread.
std::string reversed_schedule(std::span<const TraceEntry> trace, const HappensBefore& hb, std::size_t i,
                              std::size_t j, const std::vector<std::string>& names) {
  std::vector<TraceEntry> order;
  for (std::size_t k = 0; k < i; ++k) {
    if (is_choice(trace[k])) order.push_back(trace[k]);
  }
  for (std::size_t k = i + 1; k < j; ++k) {
    if (is_choice(trace[k]) && !hb.ordered(i, k)) order.push_back(trace[k]);
  }
  order.push_back(trace[j]);
  order.push_back(trace[i]);
  return encode_schedule(order, names);
}

// Runs the reversed schedule; false when j cannot run first (the order is forced).
bool try_reversal(Execution& execution, const CheckConfig& config, const Violation& original,
                  const std::string& schedule, Race& race) {
  const ExploreResult result = replay_on(execution, schedule, config);
  race.reversed_schedule = result.replayed ? result.replayed->schedule : schedule;
  switch (result.verdict) {
    case Verdict::Safe:
      race.outcome = ReversedOutcome::Avoided;
      return true;
    case Verdict::Violation: {
      const Violation& v = *result.violations.front().violation;
      race.outcome = v.kind == original.kind ? ReversedOutcome::StillFails : ReversedOutcome::FailsDifferently;
      race.reversed_violation = v;
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
  const Violation& violation = *c.violation;
  for (const RacingPair& cand : candidates_of(c, fps, hb)) {
    if (out.examined >= max_replays) break;
    Race race;
    const std::string schedule = reversed_schedule(trace, hb, cand.first, cand.second, c.thread_names);
    ++out.examined;
    if (!try_reversal(execution, config, violation, schedule, race)) continue;
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
