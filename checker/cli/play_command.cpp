// preempt play FILE: the user is the scheduler. At every scheduling point the terminal shows the
// state of every object and each thread's next step; the user names the thread that runs next,
// `undo`es the last choice or `quit`s, until a violation or the end of the execution. Then the
// checker explores the scenario with DPOR and says how many distinct failing classes exist and
// which one the user found. With stdin not a terminal it reads one choice per line (scripts, tests).
//
// Every turn replays the user's choices from the state after init (explore/stepper.hpp), so undo is
// only dropping the last choice.
#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>
#include <regex>

#include <fmt/format.h>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/explore/schedule.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/explore/stepper.hpp"
#include "checker/report/explanation_text.hpp"
#include "checker/report/narrative.hpp"
#include "checker/report/report.hpp"
#include "checker/report/state_text.hpp"
#include "checker/report/step_text.hpp"

namespace preempt::cli {

namespace {

struct ThreadView {
  std::string name;
  bool enabled = false;
  std::string next;    // its next step, in the trace's words ("" when it has finished)
  std::string where;   // "dm_sysfs_exit [module dm], line 14"
  std::string status;  // "can run (...)", "waits for ...", "has finished"
};

// The threads of a scheduling point in the words the game shows.
std::vector<ThreadView> thread_views(const Position& at, const ModelLayout& layout) {
  std::vector<ThreadView> views;
  const std::vector<std::string>& names = at.so_far.thread_names;
  for (ThreadId t = 0; t < at.point.threads.size(); ++t) {
    const ThreadPosition& p = at.point.threads[t];
    ThreadView view;
    view.name = t < names.size() ? names[t] : "?";
    view.enabled = p.status == ThreadPosition::Status::Runnable;
    view.status = p.why;
    if (p.next) {
      TraceEntry next;
      next.thread = t;
      next.op = *p.next;
      view.next = describe_step(next, layout, names, at.so_far.view()).op;
      view.where = layout.describe_location(p.function);
      if (p.line != 0) view.where += fmt::format(", line {}", p.line);
    }
    views.push_back(std::move(view));
  }
  return views;
}

// Violations that differ only in step numbers ("unloaded at step 9") are one class.
std::string class_key(const Violation& v) {
  static const std::regex step_number("step [0-9]+");
  return fmt::format("{}: {}", violation_spelling(v.kind), std::regex_replace(v.message, step_number, "step N"));
}

// The end of the game: the whole execution, its violation, and the failing classes of the scenario.
int finish_game(const Position& turn, Stepper& stepper, const ModelProgram& program, const ModelLayout& layout) {
  Counterexample c = turn.so_far;
  std::cout << "\nthe execution you scheduled:\n";
  write_narrative(std::cout, c, layout);
  std::cout << "\n";
  if (turn.end == ExecutionEnd::ModelError || turn.end == ExecutionEnd::Stopped) {
    std::cout << "error: " << turn.error << "\n";
    return kExitBadInput;
  }
  if (turn.end == ExecutionEnd::StepLimit) std::cout << "the execution exceeded the step limit\n";
  if (turn.end == ExecutionEnd::Dropped) std::cout << "a failed assume() dropped the execution\n";
  if (c.violation) {
    std::cout << fmt::format("  {}: {}\n", violation_spelling(c.violation->kind), c.violation->message);
    c.explanation = stepper.explain(c);
    std::cout << explanation_text(c, layout);
  } else if (turn.end == ExecutionEnd::Complete) {
    std::cout << "every thread finished: no violation in this execution\n";
  }
  std::cout << "  schedule: " << c.schedule << "\n";

  CheckConfig config;
  config.strategy = StrategyKind::Dpor;
  config.stop_at_first_violation = false;
  config.check_canonical = true;
  config.max_seconds = 60;
  const ExploreResult all = explore(program, config);
  struct Class {
    std::size_t executions = 0;
    std::string schedule;  // the first execution of the class
  };
  std::map<std::string, Class> classes;
  for (const Counterexample& v : all.violations) {
    Class& k = classes[class_key(*v.violation)];
    if (k.executions++ == 0) k.schedule = v.schedule;
  }
  const std::string mine = c.violation ? class_key(*c.violation) : "";
  const bool complete = all.incomplete_reasons.empty() && all.verdict != Verdict::Error;
  std::cout << fmt::format("\nThe checker explored the scenario (dpor: {} executions, {} distinct traces{}): {}{} "
                           "distinct failing class{}.\n",
                           all.executions, all.distinct_traces, complete ? "" : ", incomplete",
                           complete ? "" : "at least ", classes.size(), classes.size() == 1 ? "" : "es");
  std::size_t index = 0;
  bool found = false;
  for (const auto& [key, k] : classes) {
    const bool yours = key == mine;
    found = found || yours;
    std::cout << fmt::format("  {}. {}  ({} execution{}; e.g. schedule {}){}\n", ++index, key, k.executions,
                             k.executions == 1 ? "" : "s", k.schedule, yours ? "   <- you found this one" : "");
  }
  if (c.violation) {
    std::cout << (found ? "You found one of them.\n" : "Yours is not among them (the exploration was cut short).\n");
    return kExitViolation;
  }
  std::cout << (classes.empty() ? "None exists: the scenario is safe.\n" : "You found none of them this time: try again.\n");
  return kExitSafe;
}

struct PlayCommand {
  std::string path;
  bool follow_symlinks = false;

  [[nodiscard]] int run() const;
};

int PlayCommand::run() const {
  if (const std::string refused = refuse_scenario_file(path, follow_symlinks); !refused.empty()) {
    std::cerr << refused << "\n";
    return kExitBadInput;
  }
  std::string errors;
  const auto scenario = interp::load_scenario(path, &errors);
  if (!scenario) {
    std::cerr << errors;
    return kExitBadInput;
  }
  std::cerr << scenario->warnings();
  const ModelProgram& program = scenario->model();
  const ModelLayout& layout = scenario->layout();
  const bool echo = ::isatty(STDIN_FILENO) == 0;
  std::cout << fmt::format("{}: {}\nYou are the scheduler: at each step name the thread that runs next "
                           "(or `undo`, `quit`).\n",
                           path, layout.title);
  CheckConfig config;
  config.explain = true;
  Stepper stepper(program, config);
  std::vector<ThreadId> choices;
  Position turn;
  while (true) {
    turn = stepper.at(choices);
    if (turn.over) break;
    const auto& trace = turn.so_far.trace;
    std::cout << "\n";
    if (!trace.empty()) {
      std::cout << fmt::format("step {}: {}\n", trace.back().step, narrate_step(turn.so_far, trace.size() - 1, layout));
    }
    std::cout << fmt::format("state after step {}:\n", trace.size());
    for (const ObjectState& o : describe_store(turn.point.state, layout, turn.so_far.thread_names)) {
      std::cout << fmt::format("  {:<20} {}\n", o.name, o.state);
    }
    std::cout << "threads:\n";
    std::vector<std::string> runnable;
    const std::vector<ThreadView> threads = thread_views(turn, layout);
    for (const ThreadView& t : threads) {
      if (t.next.empty()) {
        std::cout << fmt::format("  {:<14} {}\n", t.name, t.status);
        continue;
      }
      std::cout << fmt::format("  {:<14} next: {:<36} at {}{}\n", t.name, t.next, t.where,
                               t.enabled ? "" : "   [blocked: " + t.status + "]");
      if (t.enabled) runnable.push_back(t.name);
    }
    std::string options;
    for (const std::string& name : runnable) options += name + ", ";
    std::cout << fmt::format("step {}: who runs? ({}undo, quit) > ", trace.size() + 1, options) << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
      std::cout << "\n(end of input)\n";
      return kExitSafe;
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (echo) std::cout << line << "\n";
    if (line == "quit") {
      std::cout << "quit.\n";
      return kExitSafe;
    }
    if (line == "undo") {
      if (choices.empty()) {
        std::cout << "nothing to undo\n";
      } else {
        choices.pop_back();
        std::cout << "undone: back to step " << trace.size() - 1 << "\n";
      }
      continue;
    }
    bool taken = false;
    for (ThreadId t = 0; t < threads.size(); ++t) {
      if (threads[t].name != line) continue;
      if (threads[t].enabled) {
        choices.push_back(t);
        taken = true;
      } else {
        std::cout << fmt::format("{} cannot run now: it {}\n", line, threads[t].status);
        taken = true;  // answered
      }
    }
    if (!taken) std::cout << fmt::format("no runnable thread '{}': choose one of {}undo, quit\n", line, options);
  }
  return finish_game(turn, stepper, program, layout);
}

}  // namespace

void register_play(CLI::App& app, int* exit_code) {
  auto command = std::make_shared<PlayCommand>();
  CLI::App* sub = app.add_subcommand("play", "be the scheduler: pick the thread that runs at each step, find the race");
  sub->add_option("FILE", command->path, "the scenario file")->required();
  sub->add_flag("--follow-symlinks", command->follow_symlinks,
                "read a scenario file that is a symbolic link to a regular file (refused by default)");
  sub->footer(
      "At each step type a thread's name, `undo` or `quit`; without a terminal, one choice per line.\n"
      "Exit codes: 0 no violation (or quit), 1 the execution you scheduled has a violation, 2 bad input.\n\n"
      "Example:\n"
      "  preempt play scenarios/dm-sysfs-exit/buggy.scn\n");
  sub->callback([command, exit_code] { *exit_code = command->run(); });
}

}  // namespace preempt::cli
