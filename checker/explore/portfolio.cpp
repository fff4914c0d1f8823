#include "checker/explore/portfolio.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <limits>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/rt/stop.hpp"
#include "checker/rt/strategy_names.hpp"

namespace preempt {

namespace {

// One search of the race and the cost of its work in units: per step taken and per run begun.
// Calibrated on the rows of bench/default_strategy.py (docs/performance.md, "The default
// strategy"): on the large ones both searches spend 2.5 to 15 microseconds per step, the run's
// own cost included, with no consistent gap between them, so a unit is one step in either. The
// order is the order of ties.
struct Lane {
  StrategyKind strategy;
  std::uint64_t per_step;
  std::uint64_t per_run;
};
constexpr std::array<Lane, 2> kLanes = {{
    {StrategyKind::Dpor, 1, 0},
    {StrategyKind::Stateful, 1, 0},
}};

constexpr std::uint64_t kNotConcluded = std::numeric_limits<std::uint64_t>::max();

std::uint64_t units(std::size_t lane, const WorkDone& work) {
  return kLanes[lane].per_step * work.steps + kLanes[lane].per_run * work.runs;
}

// What the two searches share: the units each concluded with (kNotConcluded until it does).
class WorkRace {
 public:
  // Search `lane` concluded after `work` units; false when the other already concluded with fewer
  // (or as many, and comes first): this one cannot decide.
  bool conclude(std::size_t lane, std::uint64_t work) {
    concluded_[lane].store(work);
    const std::size_t other = 1 - lane;
    const std::uint64_t theirs = concluded_[other].load();
    return !(theirs < work || (theirs == work && other < lane));
  }
  // Whether search `lane`, not concluded after `work` units, has lost: the other concluded with
  // no more. (Its own conclusion would come after more work than it has done now.)
  [[nodiscard]] bool beaten(std::size_t lane, std::uint64_t work) const {
    return work >= concluded_[1 - lane].load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t concluded(std::size_t lane) const { return concluded_[lane].load(); }

 private:
  std::array<std::atomic<std::uint64_t>, 2> concluded_{kNotConcluded, kNotConcluded};
};

std::string strategy_name(StrategyKind strategy) {
  return std::string(kStrategyNames[static_cast<std::size_t>(strategy)]);
}

ExploreResult run_lane(const ModelProgram& program, const CheckConfig& shared, std::size_t lane, WorkRace& race) {
  CheckConfig config = shared;
  config.strategy = kLanes[lane].strategy;
  config.outrun = [&race, lane](const WorkDone& work) { return race.beaten(lane, units(lane, work)); };
  config.concluded = [&race, lane](const WorkDone& work) { return race.conclude(lane, units(lane, work)); };
  if (lane != 0) config.progress = nullptr;  // one progress display: the first search's
  return explore(program, config);
}

// The result of one search alone, as the auto strategy's.
ExploreResult alone(const ModelProgram& program, const CheckConfig& shared) {
  CheckConfig config = shared;
  config.strategy = StrategyKind::Dpor;
  ExploreResult result = explore(program, config);
  if (result.verdict != Verdict::Incomplete) result.decided_by = config.preemption_bound ? "dfs" : "dpor";
  return result;
}

// Neither search concluded: the first one's counts, both searches' reasons.
ExploreResult neither(std::array<ExploreResult, 2>& results) {
  ExploreResult result = std::move(results[0]);
  result.verdict = Verdict::Incomplete;
  result.states = results[1].states;
  std::vector<std::string> reasons;
  for (std::size_t lane = 0; lane < kLanes.size(); ++lane) {
    const std::string name = strategy_name(kLanes[lane].strategy);
    for (const std::string& why : lane == 0 ? result.incomplete_reasons : results[lane].incomplete_reasons) {
      reasons.push_back(fmt::format("{}: {}", name, why));
    }
  }
  result.incomplete_reasons = std::move(reasons);
  return result;
}

}  // namespace

ExploreResult explore_auto(const ModelProgram& program, const CheckConfig& config) {
  if (config.preemption_bound || config.observer || !program.another) return alone(program, config);
  const auto started = std::chrono::steady_clock::now();
  const std::unique_ptr<ProgramInstance> second = program.another();
  WorkRace race;
  std::array<ExploreResult, 2> results;
  std::exception_ptr failure;
  const InheritedDeadline deadline = current_deadline();
  std::thread helper([&] {
    const StopDeadline inherited(deadline);  // the caller's time limit holds on this thread too
    try {
      results[1] = run_lane(second->program(), config, 1, race);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  try {
    results[0] = run_lane(program, config, 0, race);
  } catch (...) {
    request_stop(StopReason::Interrupt);  // the helper must end before this frame goes
    helper.join();
    throw;
  }
  helper.join();
  if (failure) std::rethrow_exception(failure);
  std::optional<std::size_t> winner;
  for (std::size_t lane = 0; lane < kLanes.size(); ++lane) {
    const std::uint64_t work = race.concluded(lane);
    if (work != kNotConcluded && (!winner || work < race.concluded(*winner))) winner = lane;
  }
  ExploreResult result = winner ? std::move(results[*winner]) : neither(results);
  if (winner) result.decided_by = strategy_name(kLanes[*winner].strategy);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace preempt
