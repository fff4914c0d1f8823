#include "checker/report/report.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "checker/report/explanation_text.hpp"
#include "checker/report/narrative.hpp"
#include "checker/report/step_text.hpp"
#include "checker/report/text_safety.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {

std::string module_name(const ModelLayout& layout, ModuleId m) {
  return m == kNone || m >= layout.modules.size() ? std::string() : layout.modules[m].name;
}

std::string stats_line(const ExploreResult& r) {
  std::string line = fmt::format("{} execution{}, {} steps, {:.3f} s", r.executions, r.executions == 1 ? "" : "s",
                                 r.steps, r.seconds);
  if (r.dropped != 0) line += fmt::format(", {} dropped by assume", r.dropped);
  if (r.spin_dropped != 0) {
    line += fmt::format(", {} ended at a spin loop that would read new values", r.spin_dropped);
  }
  if (r.states != 0) line += fmt::format(", {} states", r.states);
  if (r.reruns != 0) line += fmt::format(", {} more run{} repeating an execution", r.reruns, r.reruns == 1 ? "" : "s");
  if (r.abandoned != 0) {
    line += fmt::format(", {} more cut at {}", r.abandoned,
                        r.states != 0 ? "a state explored before or a sleep-set block" : "a sleep-set block");
  }
  return line;
}

}  // namespace

std::string shell_quote(const std::string& word) {
  const bool safe = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
           c == '-' || c == ',' || c == ':' || c == '+' || c == '=';
  });
  if (safe) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string replay_command(const std::string& path, const std::string& schedule) {
  return fmt::format("preempt replay {} --schedule {}", shell_quote(path), shell_quote(schedule));
}

void write_trace(std::ostream& out, const Counterexample& execution, const ModelLayout& layout) {
  const auto& names = execution.thread_names;
  std::size_t thread_width = 6;
  for (const auto& entry : execution.trace) {
    if (entry.thread < names.size()) thread_width = std::max(thread_width, names[entry.thread].size());
  }
  out << fmt::format("  {:>4}  {:<{}}  {:<40}  {:<36}  {}\n", "step", "thread", thread_width, "operation",
                     "state change", "at");
  bool in_final = false;
  for (std::size_t i = 0; i < execution.trace.size(); ++i) {
    const TraceEntry& entry = execution.trace[i];
    const std::string name = thread_name_of(names, entry.thread);
    const std::string preemption = preemption_text(execution, i, layout);
    if (!preemption.empty()) out << fmt::format("        -- {} --\n", preemption);
    if (entry.phase == Phase::Final && !in_final) {
      out << "        -- every thread has finished; the final checks run --\n";
      in_final = true;
    }
    const StepText text = describe_step(entry, layout, names, execution.view());
    out << fmt::format("  {:>4}  {:<{}}  {:<40}  {:<36}  {}\n", entry.step, name, thread_width, text.op, text.note,
                       step_location(entry, layout));
  }
}

namespace {

// The strategy as the verdict line names it: auto says which of its searches decided.
std::string strategy_text(const ScenarioReport& report) {
  const ExploreResult& r = *report.result;
  if (report.strategy != "auto") return report.strategy;
  if (r.decided_by.empty()) return "auto (dpor and stateful)";
  return fmt::format("auto ({} decided)", r.decided_by);
}

void write_text_unfiltered(std::ostream& out, const ScenarioReport& report) {
  const ExploreResult& r = *report.result;
  const ModelLayout& layout = *report.layout;
  out << one_line(report.path);
  if (!layout.title.empty()) out << ": " << one_line(layout.title);
  out << "\n";
  std::string bound = report.preemption_bound ? fmt::format(", preemption bound {}", *report.preemption_bound) : "";
  const std::string strategy = strategy_text(report);
  if (report.seed) bound += fmt::format(", seed {}", *report.seed);
  switch (r.verdict) {
    case Verdict::Safe:
      if (report.replay) {
        out << fmt::format("  this execution: no violation ({} steps)\n", r.steps);
      } else {
        out << fmt::format("  verdict: SAFE -- every interleaving explored ({}; strategy {})\n", stats_line(r),
                           strategy);
      }
      break;
    case Verdict::Violation:
      out << fmt::format("  verdict: VIOLATION ({}; strategy {}{})\n", stats_line(r), strategy, bound);
      break;
    case Verdict::Incomplete:
      out << fmt::format("  verdict: INCOMPLETE -- no violation found, but the space was not covered ({}; "
                         "strategy {}{})\n",
                         stats_line(r), strategy, bound);
      for (const std::string& why : r.incomplete_reasons) out << "    " << why << "\n";
      break;
    case Verdict::Error:
      out << "  error: " << r.error << "\n";
      break;
  }
  if (!r.note.empty()) out << "  note: " << r.note << "\n";
  const auto show = [&](const Counterexample& c) {
    out << "\n";
    if (report.table) {
      write_trace(out, c, layout);
    } else {
      write_narrative(out, c, layout, report.columns);
    }
    out << "\n";
    if (c.violation) {
      out << fmt::format("  {}: {}\n", violation_spelling(c.violation->kind), c.violation->message);
      out << explanation_text(c, layout);
    }
    out << fmt::format("  preemptions: {}\n", c.preemptions);
    if (!r.violations.empty() && &c == &r.violations.front() && !r.minimality.empty()) out << "  minimal:  " << r.minimality << "\n";
    out << "  schedule: " << c.schedule << "\n";
    if (!report.path.empty()) out << "  replay:   " << replay_command(report.path, c.schedule) << "\n";
  };
  if (report.replay && r.replayed) {
    show(*r.replayed);
  } else {
    for (const Counterexample& c : r.violations) show(c);
  }
}

}  // namespace

void write_text(std::ostream& out, const ScenarioReport& report) {
  std::ostringstream text;
  write_text_unfiltered(text, report);
  out << terminal_safe(text.str());
}

std::string json_line(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json to_json(const ScenarioReport& report) {
  const ExploreResult& r = *report.result;
  const ModelLayout& layout = *report.layout;
  nlohmann::ordered_json j;
  j["scenario"] = report.path;
  j["title"] = layout.title;
  j["verdict"] = verdict_name(r.verdict);
  j["executions"] = r.executions;
  j["steps"] = r.steps;
  j["seconds"] = r.seconds;
  j["strategy"] = report.strategy;
  if (!r.decided_by.empty()) j["decided_by"] = r.decided_by;  // auto: which search's result this is
  j["preemption_bound"] = report.preemption_bound ? nlohmann::ordered_json(*report.preemption_bound) : nullptr;
  j["seed"] = report.seed ? nlohmann::ordered_json(*report.seed) : nullptr;
  if (!r.minimality.empty()) j["minimality"] = r.minimality;
  if (r.distinct_traces != 0) j["distinct_traces"] = r.distinct_traces;
  if (r.states != 0) j["states"] = r.states;
  j["dropped"] = r.dropped;
  j["spin_dropped"] = r.spin_dropped;
  j["reruns"] = r.reruns;  // runs that repeat an execution (after its early end, or under other nondet values)
  j["abandoned"] = r.abandoned;  // dpor: given up as sleep-set blocked; stateful: cut (not counted above)
  j["incomplete_reasons"] = r.incomplete_reasons;
  if (r.verdict == Verdict::Error) j["error"] = r.error;
  if (!r.note.empty()) j["note"] = r.note;
  const auto execution_json = [&](const Counterexample& c) {
    nlohmann::ordered_json v;
    if (c.violation) {
      v["kind"] = std::string(violation_spelling(c.violation->kind));
      v["thread"] = c.violation->thread < c.thread_names.size() ? c.thread_names[c.violation->thread] : "";
      const std::string module = module_name(layout, c.violation->module);
      v["module"] = module.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(module);
      v["message"] = c.violation->message;
      if (c.explanation) v["explanation"] = explanation_json(c, layout);
    }
    v["schedule"] = c.schedule;
    v["preemptions"] = c.preemptions;
    if (!report.path.empty()) v["replay"] = replay_command(report.path, c.schedule);
    nlohmann::ordered_json trace = nlohmann::ordered_json::array();
    for (const TraceEntry& e : c.trace) {
      const StepText text = describe_step(e, layout, c.thread_names, c.view());
      nlohmann::ordered_json step;
      step["step"] = e.step;
      step["thread"] = e.thread < c.thread_names.size() ? c.thread_names[e.thread] : "";
      const auto index = static_cast<std::size_t>(&e - c.trace.data());
      step["text"] = narrate_step(c, index, layout);
      const std::string preemption = preemption_text(c, index, layout);
      step["preemption"] = preemption.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(preemption);
      step["op"] = text.op;
      step["note"] = text.note;
      step["line"] = e.op.line;
      step["preempted"] = e.preempted;
      step["function"] = layout.function_name(e.op.location);
      const std::string module = module_name(layout, layout.module_of(e.op.location));
      step["module"] = module.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(module);
      step["phase"] = e.phase == Phase::Final ? "final" : e.phase == Phase::Init ? "init" : "threads";
      trace.push_back(std::move(step));
    }
    v["trace"] = std::move(trace);
    return v;
  };
  nlohmann::ordered_json violations = nlohmann::ordered_json::array();
  for (const Counterexample& c : r.violations) violations.push_back(execution_json(c));
  j["violations"] = std::move(violations);
  if (report.replay && r.replayed) j["execution"] = execution_json(*r.replayed);
  return j;
}

}  // namespace preempt
