// preempt play FILE: the user is the scheduler. At every scheduling point where more than one
// thread can run, the terminal shows the state of every object and each thread's next step, and
// the user picks the thread that runs next (by name, unique prefix or number), or types `undo`,
// `show`, `help` or `quit`; a point where only one thread can run does not ask. It goes on until a
// violation, the end of the execution, or a thread that runs for ever alone. Then the checker
// explores the scenario with DPOR and says how many distinct failing classes exist and which one
// the user found. With stdin not a terminal it reads one choice per line (scripts, tests).
//
// Every turn replays the user's choices from the state after init (explore/stepper.hpp), so undo is
// only dropping the last choice. Loops run as written: a spin loop's thread stays runnable and
// each pass is steps the user sees (the searches' shortcut, stopping a pass that only repeats
// itself, would leave the user a thread that can never run again although another thread will
// change what it reads). The Stepper says when the state is one the execution was in before.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>

#include <fmt/format.h>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/scenario_files.hpp"
#include "checker/cli/terminal.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/explore/schedule.hpp"
#include "checker/explore/stepper.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/report/explanation_text.hpp"
#include "checker/report/narrative.hpp"
#include "checker/report/report.hpp"
#include "checker/report/state_text.hpp"
#include "checker/report/step_text.hpp"

namespace preempt::cli {

namespace {

// At most this many steps run without asking when only one thread can run, before the user is
// asked anyway (a thread that loops alone and changes something each time: a counter).
constexpr std::uint32_t kMaxStepsAlone = 100;

constexpr const char* kHelp =
    "  NAME      run that thread's next step; a unique prefix is enough (rm for rmmod)\n"
    "  NUMBER    run the thread with that number in the list of threads that can run\n"
    "  (empty)   run the thread that ran last once more\n"
    "  undo      take your last choice back (and the steps that ran on their own after it)\n"
    "  show      print the state and the threads again\n"
    "  help      this list\n"
    "  quit      end the game (so does the end of input, Ctrl-D)\n";

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

// `text` wrapped to `columns` when its first line starts at column `indent` (the caller printed what
// comes before it) and its later lines are indented as much.
std::string wrapped(const std::string& text, std::size_t indent, std::size_t columns) {
  const std::vector<std::string> lines = wrap_words(text, columns > indent + 20 ? columns - indent : 20);
  std::string out;
  for (std::size_t k = 0; k < lines.size(); ++k) out += (k == 0 ? "" : std::string(indent, ' ')) + lines[k] + "\n";
  return out;
}

// Violations that differ only in step numbers ("unloaded at step 9") are one class.
std::string class_key(const Violation& v) {
  static const std::regex step_number("step [0-9]+");
  return fmt::format("{}: {}", violation_spelling(v.kind), std::regex_replace(v.message, step_number, "step N"));
}

// How the game ended when the engine did not end it: a thread left alone that repeats itself.
struct Hang {
  std::string thread;
  std::uint32_t steps = 0;  // the execution is back in the state it was in after this many steps
  std::uint32_t now = 0;
};

// The end of the game: the whole execution, its violation, and the failing classes of the scenario.
int finish_game(const Position& turn, const std::optional<Hang>& hang, Stepper& stepper, const ModelProgram& program,
                const ModelLayout& layout) {
  const std::size_t columns = output_columns();
  Counterexample c = turn.so_far;
  std::cout << "\nthe execution you scheduled:\n";
  write_narrative(std::cout, c, layout, columns);
  std::cout << "\n";
  if (turn.over && (turn.end == ExecutionEnd::ModelError || turn.end == ExecutionEnd::Stopped)) {
    std::cout << "error: " << turn.error << "\n";
    return kExitBadInput;
  }
  if (hang) {
    std::cout << "  " << wrapped(fmt::format("hang: {} runs for ever: the state after step {} is the state after step {}, "
                                     "and no other thread can run to change what it reads",
                                     hang->thread, hang->now, hang->steps),
                         4, columns);
  } else if (turn.end == ExecutionEnd::StepLimit) {
    std::cout << "the execution exceeded the step limit\n";
  } else if (turn.end == ExecutionEnd::Dropped) {
    std::cout << (turn.dropped_at_spin
                      ? "a thread stopped at a loop pass that only repeated itself, and another thread then changed "
                        "what it read: the execution where the pass reads the new values stands for this one\n"
                      : "an assume() failed: the scenario leaves this execution out\n");
  }
  if (c.violation) {
    std::cout << fmt::format("  {}: {}\n", violation_spelling(c.violation->kind), c.violation->message);
    c.explanation = stepper.explain(c);
    std::cout << explanation_text(c, layout);
  } else if (!hang && turn.end == ExecutionEnd::Complete) {
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
  // A hang is the checker's deadlock in which that thread "spins for ever".
  const auto yours = [&](const std::string& key) {
    if (hang) return key.starts_with("deadlock:") && key.find(hang->thread + " spins for ever") != std::string::npos;
    return c.violation && key == class_key(*c.violation);
  };
  const bool complete = all.incomplete_reasons.empty() && all.verdict != Verdict::Error;
  std::cout << fmt::format("\nThe checker explored the scenario (dpor: {} executions, {} distinct traces{}): {}{} "
                           "distinct failing class{}.\n",
                           all.executions, all.distinct_traces, complete ? "" : ", incomplete",
                           complete ? "" : "at least ", classes.size(), classes.size() == 1 ? "" : "es");
  std::size_t index = 0;
  bool found = false;
  for (const auto& [key, k] : classes) {
    const bool mine = yours(key);
    found = found || mine;
    std::cout << fmt::format("  {}. {}  ({} execution{}; e.g. schedule {}){}\n", ++index, key, k.executions,
                             k.executions == 1 ? "" : "s", k.schedule, mine ? "   <- you found this one" : "");
  }
  if (c.violation || hang) {
    std::cout << (found ? "You found one of them.\n" : "Yours is not among them (the exploration was cut short).\n");
    return kExitViolation;
  }
  std::cout << (classes.empty() ? "None exists: the scenario is safe.\n" : "You found none of them this time: try again.\n");
  return kExitSafe;
}

// "step 5" or "steps 5-7".
std::string steps_text(std::uint32_t first, std::uint32_t last) {
  return first == last ? fmt::format("step {}", first) : fmt::format("steps {}-{}", first, last);
}

// What the user typed, understood.
struct Answer {
  enum class Kind : std::uint8_t { Run, Undo, Show, Quit, Again };  // Again: ask again
  Kind kind = Kind::Again;
  ThreadId thread = kNone;  // Run
};

class Game {
 public:
  Game(const std::string& path, const ModelProgram& program, const ModelLayout& layout)
      : path_(path), program_(program), layout_(layout), stepper_(program, play_config()) {}

  int play() {
    std::cout << fmt::format("{}: {}\nYou are the scheduler: at each step name the thread that runs next "
                             "(`help` lists the commands).\n",
                             path_, layout_.title);
    while (true) {
      turn_ = stepper_.at(choices_, kMaxStepsAlone);
      const std::uint32_t first_alone = static_cast<std::uint32_t>(choices_.size()) + 1;
      for (const ThreadId t : turn_.ran_alone) {
        choices_.push_back(t);
        by_user_.push_back(false);
      }
      tell_new_steps(first_alone);
      if (turn_.over) return finish_game(turn_, std::nullopt, stepper_, program_, layout_);
      if (const std::optional<Hang> hang = alone_for_ever()) return finish_game(turn_, hang, stepper_, program_, layout_);
      tell_repetition();
      show();
      while (true) {
        const std::optional<Answer> answer = ask();
        if (!answer) {
          std::cout << "\n(end of input)\n";
          return kExitSafe;
        }
        if (answer->kind == Answer::Kind::Quit) {
          std::cout << "quit.\n";
          return kExitSafe;
        }
        if (answer->kind == Answer::Kind::Show) show();
        if (answer->kind == Answer::Kind::Run) {
          choices_.push_back(answer->thread);
          by_user_.push_back(true);
          break;
        }
        if (answer->kind == Answer::Kind::Undo && undo()) break;
      }
    }
  }

 private:
  static CheckConfig play_config() {
    CheckConfig config;
    config.explain = true;
    config.loops_as_written = true;  // see the top of this file
    return config;
  }

  [[nodiscard]] std::size_t steps() const { return turn_.so_far.trace.size(); }

  // The steps taken since the last turn told, one sentence each, and those no one chose.
  void tell_new_steps(std::uint32_t first_alone) {
    const auto& trace = turn_.so_far.trace;
    std::cout << "\n";
    for (; told_ < trace.size(); ++told_) {
      const std::string prefix = fmt::format("step {}: ", trace[told_].step);
      std::cout << prefix << wrapped(narrate_step(turn_.so_far, told_, layout_), prefix.size(), output_columns());
    }
    // The lone runs, thread by thread: "only rmmod could run: it took steps 5-7 without asking".
    const std::vector<ThreadId>& alone = turn_.ran_alone;
    for (std::size_t k = 0; k < alone.size();) {
      std::size_t end = k;
      while (end < alone.size() && alone[end] == alone[k]) ++end;
      const auto first = static_cast<std::uint32_t>(first_alone + k);
      std::cout << fmt::format("(only {} could run: it took {} without asking)\n", name_of(alone[k]),
                               steps_text(first, static_cast<std::uint32_t>(first_alone + end - 1)));
      k = end;
    }
  }

  [[nodiscard]] std::string name_of(ThreadId t) const {
    const std::vector<std::string>& names = turn_.so_far.thread_names;
    return t < names.size() ? names[t] : "?";
  }

  // The thread whose steps since an earlier identical state are all its own ("" if several ran).
  [[nodiscard]] std::string repeating_thread() const {
    const auto& trace = turn_.so_far.trace;
    std::string thread;
    for (std::size_t k = *turn_.same_state_as; k < trace.size(); ++k) {
      const std::string name = name_of(trace[k].thread);
      if (!thread.empty() && thread != name) return "";
      thread = name;
    }
    return thread;
  }

  // The only thread that can run brings the execution back to a state it was in: run alone, it
  // would take the same steps for ever (the engine is deterministic).
  [[nodiscard]] std::optional<Hang> alone_for_ever() const {
    if (!turn_.same_state_as || turn_.enabled.size() != 1) return std::nullopt;
    return Hang{name_of(turn_.enabled.front()), *turn_.same_state_as, static_cast<std::uint32_t>(steps())};
  }

  // Steps that changed nothing: say so, and what could change it.
  void tell_repetition() const {
    if (!turn_.same_state_as) return;
    const std::uint32_t then = *turn_.same_state_as;
    const auto now = static_cast<std::uint32_t>(steps());
    std::string text = fmt::format("(the state after step {} is the state after step {}: {} changed nothing", now,
                                   then, steps_text(then + 1, now));
    const std::string thread = repeating_thread();
    if (!thread.empty()) {
      text += fmt::format("; run alone, {} would repeat them for ever: only another thread can change what it reads",
                          thread);
    }
    std::cout << wrapped(text + ")", 1, output_columns());
  }

  // The state and the threads; the runnable ones numbered.
  void show() {
    const std::size_t columns = output_columns();
    std::cout << fmt::format("state after step {}:\n", steps());
    for (const ObjectState& o : describe_store(turn_.point.state, layout_, turn_.so_far.thread_names)) {
      std::cout << fmt::format("  {:<20} {}\n", o.name, o.state);
    }
    std::cout << "threads:\n";
    views_ = thread_views(turn_, layout_);
    runnable_.clear();
    std::size_t next_width = 0;
    for (const ThreadView& v : views_) next_width = std::max(next_width, v.next.size());
    for (ThreadId t = 0; t < views_.size(); ++t) {
      const ThreadView& v = views_[t];
      if (v.enabled && !v.next.empty()) runnable_.push_back(t);
      const std::string number = v.enabled && !v.next.empty() ? fmt::format("[{}]", runnable_.size()) : "";
      const std::string head = fmt::format("  {:<4}{:<14} ", number, v.name);
      if (v.next.empty()) {
        std::cout << head << v.status << "\n";
        continue;
      }
      // "next: STEP   at WHERE", the places in a column where they fit, else on a line of their own
      std::string line = fmt::format("{}next: {:<{}}   at {}", head, v.next, next_width, v.where);
      if (line.size() > columns) line = fmt::format("{}next: {}   at {}", head, v.next, v.where);
      if (line.size() > columns) line = fmt::format("{}next: {}\n{:>{}}at {}", head, v.next, "", head.size() + 6, v.where);
      std::cout << line << "\n";
      if (!v.enabled) std::cout << std::string(head.size() + 6, ' ') << wrapped("[blocked: " + v.status + "]", head.size() + 6, columns);
    }
  }

  [[nodiscard]] std::string prompt() const {
    std::string options;
    for (std::size_t k = 0; k < runnable_.size(); ++k) options += fmt::format("{} {}, ", k + 1, views_[runnable_[k]].name);
    return fmt::format("step {}: who runs? ({}help) > ", steps() + 1, options);
  }

  // Reads answers until one is understood.
  std::optional<Answer> ask() {
    while (true) {
      std::cout << prompt() << std::flush;
      std::optional<std::string> line = reader_.read_line();
      if (!line) return std::nullopt;
      while (!line->empty() && (line->back() == ' ' || line->back() == '\r' || line->back() == '\t')) line->pop_back();
      while (!line->empty() && (line->front() == ' ' || line->front() == '\t')) line->erase(0, 1);
      if (!reader_.editing()) std::cout << *line << "\n";  // a script's answers, shown as if typed
      if (std::optional<Answer> answer = understand(*line)) return answer;
    }
  }

  std::optional<Answer> understand(const std::string& line) {
    if (line == "quit") return Answer{Answer::Kind::Quit};
    if (line == "undo") return Answer{Answer::Kind::Undo};
    if (line == "show") return Answer{Answer::Kind::Show};
    if (line == "help") {
      std::cout << kHelp;
      return std::nullopt;
    }
    if (line.empty()) return again();
    if (line.find_first_not_of("0123456789") == std::string::npos) {
      const std::size_t n = line.size() > 4 ? 0 : std::stoul(line);
      if (n >= 1 && n <= runnable_.size()) return Answer{Answer::Kind::Run, runnable_[n - 1]};
      std::cout << fmt::format("no thread number {}: the threads that can run are numbered 1 to {}\n", line,
                               runnable_.size());
      return std::nullopt;
    }
    return by_name(line);
  }

  // An empty line: the thread that ran last, once more.
  std::optional<Answer> again() const {
    const ThreadId last = turn_.so_far.trace.empty() ? kNone : turn_.so_far.trace.back().thread;
    for (const ThreadId t : runnable_) {
      if (t == last) return Answer{Answer::Kind::Run, t};
    }
    std::cout << (last == kNone ? std::string("no thread has run yet")
                                : fmt::format("{}, which ran last, cannot run now", name_of(last)))
              << ": type a thread's name or number (`help` lists the commands)\n";
    return std::nullopt;
  }

  // A thread by its name, else by the start of the name if one runnable thread has it.
  std::optional<Answer> by_name(const std::string& typed) const {
    std::vector<ThreadId> runnable_matches;
    std::vector<ThreadId> other_matches;
    for (ThreadId t = 0; t < views_.size(); ++t) {
      const ThreadView& v = views_[t];
      const bool can_run = std::find(runnable_.begin(), runnable_.end(), t) != runnable_.end();
      if (v.name == typed) {
        if (can_run) return Answer{Answer::Kind::Run, t};
        std::cout << fmt::format("{} cannot run now: it {}\n", typed, v.status);
        return std::nullopt;
      }
      if (v.name.starts_with(typed)) (can_run ? runnable_matches : other_matches).push_back(t);
    }
    if (runnable_matches.size() == 1) return Answer{Answer::Kind::Run, runnable_matches.front()};
    if (runnable_matches.size() > 1) {
      std::string names;
      for (const ThreadId t : runnable_matches) names += (names.empty() ? "" : ", ") + views_[t].name;
      std::cout << fmt::format("'{}' could be {}: type more of the name\n", typed, names);
    } else if (other_matches.size() == 1) {
      std::cout << fmt::format("{} cannot run now: it {}\n", views_[other_matches.front()].name,
                               views_[other_matches.front()].status);
    } else {
      std::cout << fmt::format("no thread '{}' can run: type one of the names or numbers above (`help` lists the "
                               "commands)\n",
                               typed);
    }
    return std::nullopt;
  }

  // Drops the last choice the user made and the lone steps after it; false when there is none.
  bool undo() {
    std::size_t keep = by_user_.size();
    while (keep > 0 && !by_user_[keep - 1]) --keep;
    if (keep == 0) {
      std::cout << "nothing to undo\n";
      return false;
    }
    --keep;
    choices_.resize(keep);
    by_user_.resize(keep);
    told_ = std::min(told_, keep);
    std::cout << "undone: back to step " << keep << "\n";
    return true;
  }

  const std::string& path_;
  const ModelProgram& program_;
  const ModelLayout& layout_;
  Stepper stepper_;
  LineReader reader_;
  std::vector<ThreadId> choices_;   // the execution so far: a thread per step
  std::vector<bool> by_user_;       // by step: the user chose it (false: its thread was alone)
  std::size_t told_ = 0;            // steps whose sentence has been printed
  Position turn_;
  std::vector<ThreadView> views_;   // the threads at this turn
  std::vector<ThreadId> runnable_;  // the threads that can run, in the numbered order
};

struct PlayCommand {
  std::string path;
  bool follow_symlinks = false;

  [[nodiscard]] int run() const {
    const auto scenario = load_scenario_file(path, follow_symlinks);
    if (!scenario) return kExitBadInput;
    Game game(path, scenario->model(), scenario->layout());
    return game.play();
  }
};

}  // namespace

void register_play(CLI::App& app, int* exit_code) {
  auto command = std::make_shared<PlayCommand>();
  CLI::App* sub = app.add_subcommand("play", "be the scheduler: pick the thread that runs at each step, find the race");
  sub->add_option("FILE", command->path, "the scenario file")->required();
  sub->add_flag("--follow-symlinks", command->follow_symlinks,
                "read a scenario file that is a symbolic link to a regular file (refused by default)");
  sub->footer(
      "At each step where more than one thread can run, type a thread's name (or a unique prefix of it),\n"
      "its number in the list, or a command; a thread that is the only one able to run runs without\n"
      "asking. Commands:\n" +
      std::string(kHelp) +
      "Without a terminal, one answer per line.\n"
      "Exit codes: 0 no violation (or quit), 1 the execution you scheduled has a violation or runs for\n"
      "ever, 2 bad input.\n\n"
      "Example:\n"
      "  preempt play scenarios/dm-sysfs-exit/buggy.scn\n");
  sub->callback([command, exit_code] { *exit_code = command->run(); });
}

}  // namespace preempt::cli
