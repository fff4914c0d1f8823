#include "checker/explore/explorer.hpp"

#include <chrono>
#include <unordered_set>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "checker/explore/canonical.hpp"
#include "checker/explore/dfs.hpp"
#include "checker/explore/explain.hpp"
#include "checker/explore/dpor.hpp"
#include "checker/explore/execution.hpp"
#include "checker/explore/minimal.hpp"
#include "checker/explore/nondet_oracle.hpp"
#include "checker/explore/portfolio.hpp"
#include "checker/explore/random_walk.hpp"
#include "checker/explore/schedule.hpp"
#include "checker/explore/stateful.hpp"

namespace preempt {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::Safe: return "safe";
    case Verdict::Violation: return "violation";
    case Verdict::Incomplete: return "incomplete";
    case Verdict::Error: return "error";
  }
  return "?";
}

namespace {

// How often one kernel context may run in one execution of a stateless search (ExecutionOptions).
constexpr std::uint32_t kMaxContextRuns = 3;

using Clock = std::chrono::steady_clock;

std::uint32_t count_preemptions(const std::vector<TraceEntry>& trace) {
  std::uint32_t count = 0;
  for (const TraceEntry& entry : trace) count += entry.preempted ? 1 : 0;
  return count;
}


// Runs `init` alone, once; on success the execution's store becomes every execution's start.
// Returns false (with `result` filled) when init itself fails.
bool run_init(const ModelProgram& program, Execution& execution, ExploreResult& result) {
  if (!program.init) return true;
  const ExecutionEnd end = execution.run_alone(Phase::Init, *program.init);
  switch (end) {
    case ExecutionEnd::Complete:
      execution.set_initial(execution.store());
      return true;
    case ExecutionEnd::Violation:
      result.verdict = Verdict::Violation;
      result.violations.push_back(counterexample_of(execution));  // never handed away: it ends the search
      result.violating_executions = 1;
      return false;
    case ExecutionEnd::Dropped:
      result.verdict = Verdict::Error;
      result.error = "an assume() in init failed: no execution is possible";
      return false;
    case ExecutionEnd::StepLimit:
      result.verdict = Verdict::Incomplete;
      // A stop request cuts an execution as the step limit does (explore() says which it was).
      if (!stop_known()) result.incomplete_reasons.push_back("init exceeded the step limit");
      return false;
    case ExecutionEnd::ModelError: case ExecutionEnd::Stopped:
      result.verdict = Verdict::Error;
      result.error = execution.outcome().error;
      return false;
  }
  return false;
}

ExecutionOptions execution_options(const CheckConfig& config) {
  ExecutionOptions options{config.max_steps, config.check_canonical, config.loops_as_written};
  // The stateless strategies bound a context that keeps re-arming itself; stateful caches the cycle.
  if (config.strategy != StrategyKind::Stateful) options.max_context_runs = kMaxContextRuns;
  return options;
}

std::string context_bound_reason(const Execution& execution) {
  return fmt::format("{} ran {} times in one execution (it is queued or armed again each time, by itself or "
                     "another thread): dfs, dpor, random and pct do not run it again; --strategy stateful "
                     "explores the cycle to the end",
                     execution.thread_name(execution.outcome().bound_thread), kMaxContextRuns);
}

std::string step_limit_reason(const Execution& execution, std::uint32_t max_steps) {
  const ThreadId t = execution.outcome().limit_thread;
  if (t == kNone) return fmt::format("an execution exceeded the step limit ({} steps)", max_steps);
  if (execution.outcome().context_bound) return context_bound_reason(execution);
  if (execution.outcome().limit_line != 0) {
    return fmt::format("thread {} loops without end at line {}: it ran the local instruction limit "
                       "without a visible step",
                       execution.thread_name(t), execution.outcome().limit_line);
  }
  const auto trace = execution.reported_trace();
  std::uint32_t line = 0;
  for (auto it = trace.rbegin(); it != trace.rend(); ++it) {
    if (it->thread == t && it->op.line != 0) {
      line = it->op.line;
      break;
    }
  }
  // Most often a loop that spins on shared state: each pass is new visible steps for a stateless
  // search. Say what ends it.
  constexpr const char* kHint =
      " (a loop spinning on shared state? dfs, dpor and stateful stop a spin loop `while (cond) { }` with an "
      "empty body where it would only repeat itself, await(cond) blocks without spinning, and --strategy "
      "stateful explores any loop to the end)";
  return line != 0 ? fmt::format("an execution exceeded the step limit ({} steps): thread {} keeps "
                                 "running at line {}{}",
                                 max_steps, execution.thread_name(t), line, kHint)
                   : fmt::format("an execution exceeded the step limit ({} steps): thread {} keeps "
                                 "running{}",
                                 max_steps, execution.thread_name(t), kHint);
}

// Records the violation `execution` ended with: in the result, or handed to config.on_violation.
void record_violation(const Execution& execution, const CheckConfig& config, ExploreResult& result) {
  ++result.violating_executions;
  if (config.on_violation) {
    config.on_violation(counterexample_of(execution));
  } else {
    result.violations.push_back(counterexample_of(execution));
  }
}

// Runs a schedule a strategy found to reach a violation and records that violation.
void run_witness(Execution& execution, const std::vector<ThreadId>& witness, const std::vector<std::string>& names,
                 const CheckConfig& config, Chooser& values, ExploreResult& result) {
  if (result.violating_executions > 0 && config.stop_at_first_violation) return;
  std::vector<std::string> steps;
  for (ThreadId t : witness) steps.push_back(names[t]);
  ReplayChooser chooser(std::move(steps), &values);  // the nondet values of the strategy's current run
  if (execution.run(chooser) == ExecutionEnd::Violation) record_violation(execution, config, result);
}

// Calls config.progress at most every progress_interval seconds; reads the clock only every 16
// executions, so that short executions do not pay for it.
class ProgressTicker {
 public:
  ProgressTicker(const CheckConfig& config, Clock::time_point started)
      : config_(config), started_(started), next_(started + interval()) {}
  void after(std::uint64_t executions, std::uint32_t depth) {
    if (!config_.progress || executions % 16 != 0) return;
    const auto now = Clock::now();
    if (now < next_) return;
    next_ = now + interval();
    config_.progress({executions, depth, std::chrono::duration<double>(now - started_).count()});
  }

 private:
  [[nodiscard]] Clock::duration interval() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config_.progress_interval));
  }
  const CheckConfig& config_;
  Clock::time_point started_;
  Clock::time_point next_;
};

std::string proven_minimal(std::uint32_t preemptions) {
  if (preemptions == 0) return "fewest preemptions: none needed; fewest steps among the executions without one";
  return fmt::format("fewest preemptions: no execution with fewer than {} preemption{} violates; fewest steps "
                     "among those with {}",
                     preemptions, preemptions == 1 ? "" : "s", preemptions);
}

// Why a stop request ended the run: this run's own time limit, an enclosing one (a `test` run's
// budget), the memory limit, or an interrupt.
std::string stop_text(const StopDeadline& deadline, const CheckConfig& config) {
  if (deadline.expired()) return fmt::format("stopped at the time limit ({} s)", config.max_seconds);
  if (stop_reason() == StopReason::Deadline) return "stopped at the time budget of the whole run";
  if (stop_reason() == StopReason::Memory) {
    return fmt::format("stopped at the memory limit ({} MiB, the process's resident memory)",
                       config.max_memory_bytes >> 20);
  }
  return "interrupted";
}

// The order of counterexamples: fewer preemptions first, then fewer steps.
bool is_better(const Counterexample& a, const Counterexample& b) {
  if (a.preemptions != b.preemptions) return a.preemptions < b.preemptions;
  return a.trace.size() < b.trace.size();
}

// Stateful: the minimal counterexample by a best-first search over states (minimal.hpp), within the
// same budget of executions as the stateless search below.
void minimize_over_states(Execution& execution, const CheckConfig& config, ExploreResult& result) {
  Counterexample& found = result.violations.front();
  std::uint64_t asked = 0;
  const std::function<bool()> keep_going = [&] {
    return asked++ < config.minimize_budget && !stop_polled();
  };
  MinimalSearch search = minimal_counterexample(execution, config.symmetry, config.max_memory_bytes, keep_going);
  result.minimize_executions = search.executions;
  if (search.best && is_better(*search.best, found)) found = std::move(*search.best);
  result.minimality = search.proven ? proven_minimal(found.preemptions)
                                    : fmt::format("not proven minimal: the search over states stopped at its limit "
                                                  "({} executions)",
                                                  result.minimize_executions);
}

// Replaces the first counterexample by one with the fewest preemptions, and among those the fewest
// steps: preemption-bounded exhaustive searches with bound 0, 1, ... up to the counterexample's
// own count; the first bound with a violation is the minimum, if every lower bound was searched
// to the end. Keeps only the best execution seen, so memory stays bounded.
void minimize(Execution& execution, const CheckConfig& config, ExploreResult& result) {
  Counterexample& found = result.violations.front();
  for (std::uint32_t bound = 0; bound <= found.preemptions; ++bound) {
    NondetOracle dfs([bound] { return std::make_unique<DfsChooser>(bound); });
    std::optional<Counterexample> best;
    bool searched_all = true;
    for (bool more = true; more;) {
      if (result.minimize_executions >= config.minimize_budget || stop_polled()) {
        searched_all = false;
        break;
      }
      const ExecutionEnd end = execution.run(dfs);
      dfs.finish(execution);
      ++result.minimize_executions;
      if (end == ExecutionEnd::Violation && (!best || execution.outcome().steps < best->trace.size())) {
        best = counterexample_of(execution);
      } else if (end == ExecutionEnd::ModelError || end == ExecutionEnd::Stopped) {
        return;  // leave the counterexample as found
      }
      more = dfs.next();
    }
    if (best && is_better(*best, found)) found = std::move(*best);
    if (best || !searched_all) {
      result.minimality =
          searched_all
              ? proven_minimal(found.preemptions)
              : fmt::format("not proven minimal: the search with at most {} preemption{} stopped at its "
                            "limit ({} executions)",
                            bound, bound == 1 ? "" : "s", result.minimize_executions);
      return;
    }
  }
}

// Counts an execution the strategy explored (not a rerun) by how it ended, with the reduction check
// when it is on; false when that check finds its trace explored before (result says so).
bool tally(const Execution& execution, ExecutionEnd end, const CheckConfig& config,
           std::unordered_set<std::string>& traces, ExploreResult& result) {
  if (config.check_canonical && end != ExecutionEnd::StepLimit && end != ExecutionEnd::Stopped) {
    if (!traces.insert(canonical_trace(execution)).second && config.strategy == StrategyKind::Dpor) {
      result.verdict = Verdict::Error;
      result.error = fmt::format("reduction check: execution {} repeats the Mazurkiewicz trace of an "
                                 "earlier one (schedule {})",
                                 result.executions, counterexample_of(execution).schedule);
      return false;
    }
    result.distinct_traces = traces.size();
  }
  result.steps += execution.outcome().steps;
  result.max_depth = std::max(result.max_depth, execution.outcome().steps);
  if (end == ExecutionEnd::Violation) {
    record_violation(execution, config, result);
  } else if (end == ExecutionEnd::Dropped && execution.outcome().dropped_at_spin) {
    ++result.spin_dropped;
  } else if (end == ExecutionEnd::Dropped) {
    ++result.dropped;
  } else if (end == ExecutionEnd::StepLimit && result.step_limited++ == 0) {
    result.incomplete_reasons.push_back(step_limit_reason(execution, config.max_steps));
  }
  if (execution.outcome().context_bound && end != ExecutionEnd::StepLimit) {  // it completed without the runs cut
    std::string why = context_bound_reason(execution);
    if (std::find(result.incomplete_reasons.begin(), result.incomplete_reasons.end(), why) ==
        result.incomplete_reasons.end()) {
      result.incomplete_reasons.push_back(std::move(why));
    }
  }
  return true;
}

std::unique_ptr<Strategy> make_search(const ModelProgram& program, const CheckConfig& config) {
  switch (config.strategy) {
    case StrategyKind::Dfs: return std::make_unique<DfsChooser>(config.preemption_bound);
    case StrategyKind::Dpor:
      // Partial-order reduction and preemption bounding do not combine soundly in general (a
      // reduced execution may need more preemptions than an equivalent one it stands for): with a
      // bound, the bounded exhaustive search runs instead.
      if (config.preemption_bound) return std::make_unique<DfsChooser>(config.preemption_bound);
      return std::make_unique<DporChooser>(*program.layout);
    case StrategyKind::Random: return std::make_unique<RandomChooser>(config.seed, config.samples);
    case StrategyKind::Pct: return std::make_unique<PctChooser>(config.seed, config.pct_depth, config.samples);
    case StrategyKind::Stateful:
      if (config.preemption_bound) return std::make_unique<DfsChooser>(config.preemption_bound);
      return std::make_unique<StatefulChooser>(*program.layout, config.symmetry, config.reduction,
                                               config.max_memory_bytes);
    case StrategyKind::Auto: break;  // explore() hands it to explore_auto(), which runs the others
  }
  return std::make_unique<DfsChooser>(config.preemption_bound);
}

// The exhaustive searches run once per assignment of nondet values (nondet_oracle.hpp); random
// sampling draws the values itself.
std::unique_ptr<Strategy> make_strategy(const ModelProgram& program, const CheckConfig& config) {
  const bool sampling = config.strategy == StrategyKind::Random || config.strategy == StrategyKind::Pct;
  if (!program.may_choose || sampling) return make_search(program, config);
  return std::make_unique<NondetOracle>([&program, &config] { return make_search(program, config); });
}

// Explains `c` and, when asked and `first`, records its walkthrough.
void describe(Execution& execution, const CheckConfig& config, Counterexample& c, bool first) {
  if (config.explain && c.violation) {
    c.explanation = explain(execution, c, config, config.explain_replays, config.explain_races);
  }
  if (config.walkthrough && first) c.walkthrough = walk(execution, c);
}

// The reported counterexamples, explained (at most kMaxExplained of them) and the first walked.
void describe_counterexamples(Execution& execution, const CheckConfig& config, ExploreResult& result) {
  constexpr std::size_t kMaxExplained = 10;
  for (std::size_t i = 0; i < result.violations.size() && i < kMaxExplained; ++i) {
    describe(execution, config, result.violations[i], i == 0);
  }
}

}  // namespace

Counterexample counterexample_of(const Execution& execution) {
  Counterexample example;
  example.violation = execution.outcome().violation;
  const auto trace = execution.reported_trace();
  example.trace.assign(trace.begin(), trace.end());
  example.thread_names = execution.thread_names();
  example.init_trace = execution.init_trace();
  example.schedule = encode_schedule(example.trace, example.thread_names);
  example.preemptions = count_preemptions(example.trace);
  return example;
}

ExploreResult explore(const ModelProgram& program, const CheckConfig& config) {
  if (config.strategy == StrategyKind::Auto) return explore_auto(program, config);
  ExploreResult result;
  const auto started = Clock::now();
  const StopMemoryLimit memory(config.max_memory_bytes);
  const StopDeadline deadline(config.max_seconds);
  Execution execution(program, execution_options(config));
  if (!run_init(program, execution, result)) {
    if (result.verdict == Verdict::Incomplete && stop_known()) result.incomplete_reasons.push_back(stop_text(deadline, config));
    if (result.verdict != Verdict::Incomplete && config.concluded) (void)config.concluded(execution.work());
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
  }
  std::unique_ptr<Strategy> strategy = make_strategy(program, config);
  std::unordered_set<std::string> traces;
  ProgressTicker progress(config, started);
  bool more = true;
  while (more) {
    if (config.max_executions != 0 && result.executions + result.reruns >= config.max_executions) {
      result.incomplete_reasons.push_back(
          result.reruns == 0
              ? fmt::format("stopped at the execution limit ({} executions)", config.max_executions)
              : fmt::format("stopped at the execution limit ({} runs: {} executions and {} reruns after an early end)",
                            config.max_executions, result.executions, result.reruns));
      break;
    }
    if (stop_polled()) {
      result.incomplete_reasons.push_back(stop_text(deadline, config));
      break;
    }
    if (config.outrun && config.outrun(execution.work())) {
      result.incomplete_reasons.push_back("another strategy concluded with less work");
      break;
    }
    const ExecutionEnd end = execution.run(*strategy);
    // A stop request cuts the execution where it is (rt/stop.hpp): it is neither counted nor
    // handed to the strategy; a violation it reached before still counts.
    if (end != ExecutionEnd::Violation && stop_known()) {
      result.incomplete_reasons.push_back(stop_text(deadline, config));
      break;
    }
    strategy->finish(execution);
    if (!execution.outcome().cut_after_end.empty() && result.cut_after_end++ == 0) {
      result.incomplete_reasons.push_back(fmt::format(
          "the run after an execution's early end stopped at {}: the races of the steps it did not take "
          "were not explored",
          execution.outcome().cut_after_end));
    }
    if (strategy->abandoned()) {
      ++result.abandoned;
      more = strategy->next();
      continue;
    }
    // A rerun repeats an earlier execution up to its end: it is neither counted nor reported again;
    // only the witnesses of its later part are new.
    const bool rerun = strategy->rerun();
    if (rerun) {
      ++result.reruns;
    } else {
      ++result.executions;
      if (config.observer) config.observer(execution, end);
    }
    if (!config.stop_at_first_violation || end != ExecutionEnd::Violation) {
      for (const auto& witness : strategy->take_witnesses()) {
        run_witness(execution, witness, execution.thread_names(), config, *strategy, result);
      }
    }
    if (!rerun && !tally(execution, end, config, traces, result)) break;
    if (end == ExecutionEnd::ModelError || end == ExecutionEnd::Stopped) {
      result.verdict = Verdict::Error;
      result.error = execution.outcome().error;
      break;
    }
    // A violation ends the search here, whether this execution had it or a witness found it.
    if (config.stop_at_first_violation && result.violating_executions > 0) break;
    progress.after(result.executions + result.reruns, execution.outcome().steps);
    more = strategy->next();
  }
  if (const std::string why = strategy->not_covered(); !why.empty()) result.incomplete_reasons.push_back(why);
  result.states = strategy->states();
  const bool conclusive = result.verdict == Verdict::Error || !result.violations.empty() ||
                          result.incomplete_reasons.empty();
  const bool used = !conclusive || !config.concluded || config.concluded(execution.work());
  if (used && !result.violations.empty() && config.minimize && config.stop_at_first_violation &&
      result.verdict != Verdict::Error) {
    // The search over states follows thread choices only: with nondet steps, the bounded searches.
    if (config.strategy == StrategyKind::Stateful && !config.preemption_bound && !program.may_choose) {
      minimize_over_states(execution, config, result);
    } else {
      minimize(execution, config, result);
    }
  }
  // Explaining replays executions, which a stop request would cut: a stopped run reports its
  // counterexamples unexplained.
  if (used && !stop_known()) describe_counterexamples(execution, config, result);
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (result.verdict == Verdict::Error) return result;
  if (!result.violations.empty() || result.violating_executions > 0) {
    result.verdict = Verdict::Violation;
  } else if (!result.incomplete_reasons.empty()) {
    result.verdict = Verdict::Incomplete;
  } else {
    result.verdict = Verdict::Safe;
  }
  return result;
}

ExploreResult replay_on(Execution& execution, std::string_view schedule, const CheckConfig& config) {
  ExploreResult result;
  std::string error;
  auto steps = decode_schedule(schedule, &error);
  if (!steps) {
    result.verdict = Verdict::Error;
    result.error = "bad schedule: " + error;
    return result;
  }
  ReplayChooser chooser(std::move(*steps));
  const ExecutionEnd end = execution.run(chooser);
  result.executions = 1;
  result.steps = execution.outcome().steps;
  result.max_depth = execution.outcome().steps;
  if (chooser.ran_past_end()) {
    result.note = fmt::format("the schedule ended after {} steps; the execution went on without "
                              "preemptions",
                              chooser.used());
  }
  result.replayed = counterexample_of(execution);
  switch (end) {
    case ExecutionEnd::Violation:
      result.verdict = Verdict::Violation;
      result.violations.push_back(*result.replayed);
      break;
    case ExecutionEnd::Complete:
      result.verdict = Verdict::Safe;
      break;
    case ExecutionEnd::Dropped:
      result.verdict = Verdict::Safe;
      result.note += (result.note.empty() ? "" : "; ") + std::string("a failed assume() dropped the execution");
      break;
    case ExecutionEnd::StepLimit:
      result.verdict = Verdict::Incomplete;
      result.incomplete_reasons.push_back(step_limit_reason(execution, config.max_steps));
      break;
    case ExecutionEnd::ModelError: case ExecutionEnd::Stopped:
      result.verdict = Verdict::Error;
      result.error = execution.outcome().error;
      break;
  }
  return result;
}

bool explain_counterexamples(const ModelProgram& program, const CheckConfig& config,
                             std::vector<Counterexample>& examples) {
  ExploreResult init;
  Execution execution(program, execution_options(config));
  if (!run_init(program, execution, init)) return false;
  for (Counterexample& c : examples) {
    if (stop_polled()) return true;  // a stop request would cut the replays: the rest stay unexplained
    if (c.violation) c.explanation = explain(execution, c, config, config.explain_replays, config.explain_races);
  }
  return true;
}

ExploreResult replay(const ModelProgram& program, std::string_view schedule, const CheckConfig& config) {
  ExploreResult result;
  Execution execution(program, execution_options(config));
  if (!run_init(program, execution, result)) return result;
  result = replay_on(execution, schedule, config);
  if (result.replayed) {
    // The replayed execution is what the writers show; a violation is the same execution.
    describe(execution, config, *result.replayed, true);
    if (!result.violations.empty()) result.violations.front() = *result.replayed;
  }
  return result;
}

}  // namespace preempt
