#include "checker/report/explain.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/explore/explorer.hpp"
#include "checker/explore/footprint.hpp"
#include "checker/explore/schedule.hpp"
#include "checker/report/step_text.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {

// Traces longer than this are not explained: the relation is quadratic in the steps.
constexpr std::size_t kMaxExplainedSteps = 4000;

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
      if (e.op.kind == OpKind::Spawn && e.value >= 0 && static_cast<std::size_t>(e.value) < spawned_by.size()) {
        spawned_by[static_cast<std::size_t>(e.value)] = j;
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
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
  void add(std::size_t j, std::size_t i) {
    rows_[j][i] = true;
    for (std::size_t k = 0; k < i; ++k) {
      if (rows_[i][k]) rows_[j][k] = true;
    }
  }
  std::vector<std::vector<bool>> rows_;
};

// What two conflicting footprints share, in the user's words.
std::string shared_object(const Footprint& a, const Footprint& b, const ModelLayout& layout) {
  const auto name = [&](Space space, Addr cell) {
    (void)space;  // every footprint is over the Store's cells
    const ObjectGroup* group = layout.group_of(cell);
    if (group == nullptr) return std::string("?");
    const Addr first = ModelLayout::element(*group, 0);
    const Addr object = first + (cell - first) / object_kind_info(group->kind).cells * object_kind_info(group->kind).cells;
    const std::string named = layout.object_name({group->kind, object});
    if (group->kind != ObjectKind::Module) return named;
    return cell == object ? fmt::format("the refcount of module {}", named) : fmt::format("module {} (loaded or not)", named);
  };
  for (std::uint8_t i = 0; i < a.count; ++i) {
    for (std::uint8_t j = 0; j < b.count; ++j) {
      const Access& x = a.accesses[i];
      const Access& y = b.accesses[j];
      if (x.space == y.space && (x.write || y.write) && x.first <= y.last && y.first <= x.last) {
        return name(x.space, std::max(x.first, y.first));
      }
    }
  }
  return "shared variables (an await reads them)";
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
bool try_reversal(const ModelProgram& program, const CheckConfig& config, const Violation& original,
                  const std::string& schedule, Race& race) {
  CheckConfig replay_config;
  replay_config.max_steps = config.max_steps;
  const ExploreResult result = replay(program, schedule, replay_config);
  race.reversed_schedule = result.replayed ? result.replayed->schedule : schedule;
  switch (result.verdict) {
    case Verdict::Safe:
      race.outcome = ReversedOutcome::Avoided;
      return true;
    case Verdict::Violation: {
      const Violation& v = *result.violations.front().violation;
      race.outcome = v.kind == original.kind ? ReversedOutcome::StillFails : ReversedOutcome::FailsDifferently;
      race.outcome_detail = fmt::format("{}: {}", violation_spelling(v.kind), v.message);
      return true;
    }
    case Verdict::Incomplete:
      race.outcome = ReversedOutcome::Inconclusive;
      race.outcome_detail = result.incomplete_reasons.empty() ? "" : result.incomplete_reasons.front();
      return true;
    case Verdict::Error:
      if (result.error.starts_with("the schedule does not fit")) return false;
      race.outcome = ReversedOutcome::Inconclusive;
      race.outcome_detail = result.error;
      return true;
  }
  return false;
}

const char* outcome_name(ReversedOutcome outcome) {
  switch (outcome) {
    case ReversedOutcome::Avoided: return "avoided";
    case ReversedOutcome::StillFails: return "still-fails";
    case ReversedOutcome::FailsDifferently: return "fails-differently";
    case ReversedOutcome::Inconclusive: return "inconclusive";
  }
  return "?";
}

}  // namespace

Explanation explain(const Counterexample& execution, const ModelProgram& program, const CheckConfig& config,
                    std::uint32_t max_replays, std::uint32_t max_races) {
  Explanation out;
  const auto& trace = execution.trace;
  if (!execution.violation || trace.empty() || trace.size() > kMaxExplainedSteps) return out;
  if (trace.front().phase == Phase::Init) return out;
  const ModelLayout& layout = *program.layout;
  std::vector<Footprint> fps;
  fps.reserve(trace.size());
  for (const TraceEntry& e : trace) fps.push_back(footprint_of(e.op, layout));
  const HappensBefore hb(trace, fps);

  // The failing step; a deadlock or a failure in `final` is explained by every race.
  std::size_t failing = trace.size() - 1;
  bool every_race = true;
  const Violation& violation = *execution.violation;
  for (std::size_t k = 0; k < trace.size(); ++k) {
    if (trace[k].step == violation.step && trace[k].phase == Phase::Threads &&
        violation.kind != ViolationKind::Deadlock) {
      failing = k;
      every_race = false;
    }
  }
  struct Candidate {
    std::size_t i;
    std::size_t j;
  };
  std::vector<Candidate> candidates;
  for (std::size_t j = failing + 1; j-- > 0;) {
    if (trace[j].phase != Phase::Threads) continue;
    if (!every_race && j != failing && !hb.ordered(j, failing)) continue;
    for (std::size_t i = j; i-- > 0;) {
      if (!is_choice(trace[i]) || !is_choice(trace[j]) || trace[i].thread == trace[j].thread) continue;
      if (!conflict(fps[i], fps[j]) || hb.ordered_through(i, j)) continue;
      candidates.push_back({i, j});
    }
  }
  for (const Candidate& c : candidates) {
    if (out.examined >= max_replays) break;
    Race race;
    const std::string schedule = reversed_schedule(trace, hb, c.i, c.j, execution.thread_names);
    ++out.examined;
    if (!try_reversal(program, config, violation, schedule, race)) continue;
    const auto name = [&](const TraceEntry& e) { return thread_name_of(execution.thread_names, e.thread); };
    race.first = trace[c.i].step;
    race.second = trace[c.j].step;
    race.first_thread = name(trace[c.i]);
    race.second_thread = name(trace[c.j]);
    race.first_op = describe_step(trace[c.i], layout, execution.thread_names).op;
    race.second_op = describe_step(trace[c.j], layout, execution.thread_names).op;
    race.shared = shared_object(fps[c.i], fps[c.j], layout);
    out.races.push_back(std::move(race));
  }
  // Deciding races first; otherwise keep the order found (closest to the failure first).
  std::stable_sort(out.races.begin(), out.races.end(), [](const Race& a, const Race& b) {
    return (a.outcome == ReversedOutcome::Avoided) > (b.outcome == ReversedOutcome::Avoided);
  });
  if (out.races.size() > max_races) out.races.resize(max_races);
  return out;
}

std::string explanation_text(const Explanation& explanation) {
  if (explanation.races.empty()) return "";
  const bool deciding = explanation.races.front().outcome == ReversedOutcome::Avoided;
  std::string text = deciding
                         ? "  why: the order of these racing steps decides the failure (nothing in this "
                           "execution's happens-before order forces it):\n"
                         : "  racing steps of this execution (nothing in its happens-before order forces "
                           "their order), but reversing one does not avoid the failure:\n";
  for (const Race& r : explanation.races) {
    text += fmt::format("    - nothing orders step {} ({}: {}) after step {} ({}: {}); both touch {}\n", r.first,
                        r.first_thread, r.first_op, r.second, r.second_thread, r.second_op, r.shared);
    switch (r.outcome) {
      case ReversedOutcome::Avoided:
        text += fmt::format("      with step {} first the execution has no violation: schedule {}\n", r.second,
                            r.reversed_schedule);
        break;
      case ReversedOutcome::StillFails:
        text += fmt::format("      with step {} first it still fails ({}): schedule {}\n", r.second,
                            r.outcome_detail, r.reversed_schedule);
        break;
      case ReversedOutcome::FailsDifferently:
        text += fmt::format("      with step {} first it fails differently ({}): schedule {}\n", r.second,
                            r.outcome_detail, r.reversed_schedule);
        break;
      case ReversedOutcome::Inconclusive:
        text += fmt::format("      with step {} first the replay is inconclusive ({}): schedule {}\n", r.second,
                            r.outcome_detail, r.reversed_schedule);
        break;
    }
  }
  return text;
}

nlohmann::ordered_json explanation_json(const Explanation& explanation) {
  nlohmann::ordered_json races = nlohmann::ordered_json::array();
  for (const Race& r : explanation.races) {
    nlohmann::ordered_json j;
    j["first"] = {{"step", r.first}, {"thread", r.first_thread}, {"op", r.first_op}};
    j["second"] = {{"step", r.second}, {"thread", r.second_thread}, {"op", r.second_op}};
    j["shared"] = r.shared;
    j["reversed_outcome"] = outcome_name(r.outcome);
    j["reversed_detail"] = r.outcome_detail;
    j["reversed_schedule"] = r.reversed_schedule;
    races.push_back(std::move(j));
  }
  nlohmann::ordered_json j;
  j["races"] = std::move(races);
  return j;
}

}  // namespace preempt
