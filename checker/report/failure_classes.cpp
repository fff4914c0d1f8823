#include "checker/report/failure_classes.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "checker/report/words.hpp"

namespace preempt {

namespace {

// The step a class names, from its example's trace entry.
ClassStep class_step(const Counterexample& c, const TraceEntry& e, const ModelLayout& layout,
                     std::string_view source) {
  ClassStep step;
  step.thread = thread_name_of(c.thread_names, e.thread);
  step.function = e.op.location == kNone ? "" : layout.function_name(e.op.location);
  step.operation = op_name(e.op.kind);
  step.line = e.op.line;
  step.code = code_of_line(source, e.op.line);
  return step;
}

// The failing step's entry: the one the violation names, else none (a deadlock, init's end).
const TraceEntry* failing_entry(const Counterexample& c) {
  if (c.violation->step == 0) return nullptr;
  for (const TraceEntry& e : c.trace) {
    if (e.step == c.violation->step) return &e;
  }
  for (const TraceEntry& e : c.init_trace) {
    if (e.step == c.violation->step) return &e;
  }
  return nullptr;
}

FailureClass class_of(const FailureGroup& group, const ModelLayout& layout, std::string_view source) {
  const Counterexample& c = group.example;
  FailureClass out;
  out.kind = c.violation->kind;
  out.message = c.violation->message;
  out.schedule = c.schedule;
  out.preemptions = c.preemptions;
  out.executions = group.executions;
  // A deadlock's last step is whichever thread ran last: not where it fails.
  const TraceEntry* failing = out.kind == ViolationKind::Deadlock ? nullptr : failing_entry(c);
  if (failing != nullptr) {
    out.failing = class_step(c, *failing, layout, source);
    out.has_failing_step = true;
  }
  if (c.explanation) {
    for (const Race& race : c.explanation->races) {
      if (race.outcome != ReversedOutcome::Avoided) continue;
      out.races.push_back({class_step(c, c.trace[race.first], layout, source),
                           class_step(c, c.trace[race.second], layout, source)});
    }
  }
  return out;
}

std::string step_key(const ClassStep& step, bool with_code) {
  // Field lengths first: no text inside a field can forge a boundary between two.
  return with_code ? fmt::format("{}:{}{}:{}{}:{}", step.function.size(), step.function, step.operation.size(),
                                 step.operation, step.code.size(), step.code)
                   : fmt::format("{}:{}{}:{}", step.function.size(), step.function, step.operation.size(),
                                 step.operation);
}

// The message of a deadlock, which says what each thread waits for, without the line numbers it
// names (a spinning thread's loop): they move between versions. With `loose`, without any digit.
std::string wait_text(const std::string& message, bool loose) {
  std::string text;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const bool digit = message[i] >= '0' && message[i] <= '9';
    if (digit && (loose || text.ends_with("line ") || text.ends_with("line #"))) {
      if (!text.ends_with("#")) text += '#';
      continue;
    }
    text += message[i];
  }
  return text;
}

// A failure at a step is the same failure when it fails the same way at the same step; a deadlock
// when its threads wait for the same things; one tied to no step when the race closest to it that
// decides it is the same.
std::string class_key(const FailureClass& c, bool loose) {
  std::string key(violation_spelling(c.kind));
  if (c.kind == ViolationKind::Deadlock) return key + "|" + wait_text(c.message, loose);
  const bool with_code = !loose;
  if (c.has_failing_step) return key + "|" + step_key(c.failing, with_code);
  if (c.races.empty()) return key;
  return key + "|" + step_key(c.races.front().first, with_code) + "<" + step_key(c.races.front().second, with_code);
}

bool better_example(const FailureClass& a, const FailureClass& b) {
  if (a.preemptions != b.preemptions) return a.preemptions < b.preemptions;
  return a.schedule.size() < b.schedule.size();
}

}  // namespace

std::string FailureClass::key() const { return class_key(*this, false); }
std::string FailureClass::loose_key() const { return class_key(*this, true); }

std::string code_of_line(std::string_view source, std::uint32_t line) {
  if (line == 0) return "";
  std::size_t begin = 0;
  for (std::uint32_t n = 1; n < line; ++n) {
    begin = source.find('\n', begin);
    if (begin == std::string_view::npos) return "";
    ++begin;
  }
  std::string_view text = source.substr(begin, source.find('\n', begin) - begin);
  std::string code;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (!in_string && ch == '/' && i + 1 < text.size() && text[i + 1] == '/') break;
    if (ch == '"' && (i == 0 || text[i - 1] != '\\')) in_string = !in_string;
    const bool space = ch == ' ' || ch == '\t' || ch == '\r';
    if (space && (code.empty() || code.back() == ' ')) continue;
    code += space ? ' ' : ch;
    if (code.size() > kMaxCodeChars) return code.substr(0, kMaxCodeChars) + "...";
  }
  while (!code.empty() && code.back() == ' ') code.pop_back();
  return code;
}

std::vector<FailureClass> failure_classes(const FailureSearch& search, const ModelLayout& layout,
                                          std::string_view source) {
  std::vector<FailureClass> classes;
  std::map<std::string, std::size_t> index_of;
  for (const FailureGroup& group : search.groups) {
    if (!group.example.violation) continue;
    FailureClass c = class_of(group, layout, source);
    const auto [it, added] = index_of.emplace(c.key(), classes.size());
    if (added) {
      classes.push_back(std::move(c));
      continue;
    }
    FailureClass& known = classes[it->second];
    const std::uint64_t executions = known.executions + c.executions;
    if (better_example(c, known)) known = std::move(c);
    known.executions = executions;
  }
  return classes;
}

ClassDiff diff_classes(const std::vector<FailureClass>& buggy, const std::vector<FailureClass>& fixed) {
  ClassDiff diff;
  std::vector<bool> buggy_matched(buggy.size(), false);
  std::vector<bool> fixed_matched(fixed.size(), false);
  // Exact keys first, then loose ones among what is left; each in the buggy classes' order.
  for (const bool loose : {false, true}) {
    for (std::size_t b = 0; b < buggy.size(); ++b) {
      if (buggy_matched[b]) continue;
      const std::string key = loose ? buggy[b].loose_key() : buggy[b].key();
      for (std::size_t f = 0; f < fixed.size(); ++f) {
        if (fixed_matched[f] || (loose ? fixed[f].loose_key() : fixed[f].key()) != key) continue;
        buggy_matched[b] = true;
        fixed_matched[f] = true;
        diff.remaining.push_back({b, f, loose});
        break;
      }
    }
  }
  std::stable_sort(diff.remaining.begin(), diff.remaining.end(),
                   [](const ClassDiff::Pair& a, const ClassDiff::Pair& b) { return a.buggy < b.buggy; });
  for (std::size_t b = 0; b < buggy.size(); ++b) {
    if (!buggy_matched[b]) diff.removed.push_back(b);
  }
  for (std::size_t f = 0; f < fixed.size(); ++f) {
    if (!fixed_matched[f]) diff.added.push_back(f);
  }
  return diff;
}

}  // namespace preempt
