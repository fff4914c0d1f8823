#include "checker/report/narrative.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/report/step_text.hpp"
#include "checker/report/step_words.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {

// "dm_kobject_release [module dm]" for module code, the bare name for built-in code.
std::string function_text(const ModelLayout& layout, FunctionId f) { return function_text(layout, f, ModuleTag::Long); }

// Whether the story line cites the operation as the scenario spells it: not for the language's
// own steps (calls, returns, awaits) nor for a read, whose sentence says all its words would.
bool cites_operation(OpKind kind) { return op_info(kind).family != OpFamily::Lang && kind != OpKind::Read; }

// A module primitive on a NULL struct module * (built-in code, which cannot go away; the kernel
// relies on module_put(NULL) doing nothing): "calls module_put(NULL), which does nothing".
std::string null_module_story(OpKind kind) {
  const std::string_view name = op_info(kind).name;
  switch (kind) {
    case OpKind::TryModuleGet: return fmt::format("calls {}(NULL), which returns 1 (built-in code)", name);
    case OpKind::DeleteModule: return fmt::format("calls {}(NULL), which returns -ENOENT", name);
    case OpKind::LoadModule: return fmt::format("calls {}(NULL), which returns -EEXIST (built-in code)", name);
    case OpKind::ModulePutAndExit: return fmt::format("calls {}(NULL) and exits", name);
    default: return fmt::format("calls {}(NULL), which does nothing", name);
  }
}

}  // namespace

std::string narrate_step(const TraceEntry& e, const ModelLayout& layout, std::span<const std::string> names,
                         TraceView trace) {
  const bool null_module = op_info(e.op.kind).family == OpFamily::Module && e.op.target.addr == kNoAddr;
  std::string sentence =
      thread_name_of(names, e.thread) + " " +
      (null_module ? null_module_story(e.op.kind) : render(op_info(e.op.kind).story, StepWords(e, layout, names, trace)));
  // "runs work item w: fn", "runs the threaded handler fn of IRQ 8": the sentence names the callee
  const bool names_callee = op_info(e.op.kind).control == Control::Idle || e.op.kind == OpKind::IrqThreadRun;
  if (e.called != kNone && !names_callee) sentence += fmt::format(" and calls {}", function_text(layout, e.called));
  if (e.woke_count > 0) {
    sentence += fmt::format(", waking {}", thread_name_of(names, e.woke));
    if (e.woke_count > 1) sentence += fmt::format(" and {} more", e.woke_count - 1);
  }
  return sentence;
}

std::string narrate_step(const Counterexample& c, std::size_t index, const ModelLayout& layout) {
  const TraceEntry& e = c.trace[index];
  // The primitive that fails did not do what it does otherwise: tell the attempt, the last line of
  // the report says what went wrong ("open_races calls kobject_get(cdev_kobj)").
  const bool failing = c.violation && c.violation->kind != ViolationKind::Deadlock &&
                       c.violation->step == e.step && c.violation->thread == e.thread;
  if (failing && (e.op.kind == OpKind::Read || e.op.kind == OpKind::Write)) {  // "reads p->a", "p->a = 1"
    return fmt::format("{} {}{}", thread_name_of(c.thread_names, e.thread), e.op.kind == OpKind::Read ? "" : "writes ",
                       describe_step(e, layout, c.thread_names, c.view()).op);
  }
  if (failing && e.op.kind == OpKind::Await && e.op.text != nullptr) {  // its condition read what is gone
    return fmt::format("{} evaluates {}", thread_name_of(c.thread_names, e.thread), e.op.text);
  }
  if (failing && is_primitive(e.op.kind) && op_info(e.op.kind).control != Control::Idle) {
    return fmt::format("{} calls {}", thread_name_of(c.thread_names, e.thread),
                       describe_step(e, layout, c.thread_names, c.view()).op);
  }
  const bool failing_in_module = c.violation && c.violation->kind == ViolationKind::UnloadedCode &&
                                 c.violation->step == e.step && layout.module_of(e.op.location) != kNone;
  if (failing_in_module) {
    for (std::size_t i = index; i-- > 0;) {
      if (c.trace[i].thread != e.thread) continue;
      if (!returns_from_primitive(c.trace[i].op, e.op)) break;
      return fmt::format("{} runs again: {}() returns into {}, whose code is gone", thread_name_of(c.thread_names, e.thread),
                         op_name(c.trace[i].op.kind), function_text(layout, e.op.location));
    }
  }
  return narrate_step(e, layout, c.thread_names, c.view());
}

std::string step_location(const TraceEntry& entry, const ModelLayout& layout) {
  std::string at;
  const FunctionId f = entry.op.location;
  if (f != kNone && f < layout.functions.size()) at = function_text(layout, f, ModuleTag::Short);
  if (entry.op.line != 0) at += fmt::format("{}line {}", at.empty() ? "" : ", ", entry.op.line);
  return at.empty() ? std::string("kernel") : at;  // a context's own steps: the kernel's code
}

std::string preemption_text(const Counterexample& c, std::size_t index, const ModelLayout& layout) {
  if (index == 0 || index >= c.trace.size() || !c.trace[index].preempted) return "";
  const ThreadId previous = c.trace[index - 1].thread;
  const std::string preempted = thread_name_of(c.thread_names, previous);
  // Where the preempted thread stands: the code of the next step it takes (if it takes one).
  std::string inside;
  for (std::size_t k = index + 1; k < c.trace.size(); ++k) {
    if (c.trace[k].thread != previous) continue;
    const FunctionId f = c.trace[k].op.location;
    if (!is_body_of(layout, f, preempted)) inside = " inside " + function_text(layout, f, ModuleTag::Short);
    break;
  }
  return fmt::format("{} is preempted{}; {} runs", preempted, inside, thread_name_of(c.thread_names, c.trace[index].thread));
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
  std::vector<std::string> lines(1);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t space = text.find(' ', at);
    const std::string_view word = text.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at);
    at = space == std::string_view::npos ? text.size() : space + 1;
    if (word.empty()) continue;
    std::string& line = lines.back();
    if (line.empty()) {
      line = word;
    } else if (line.size() + 1 + word.size() <= width) {
      line += ' ';
      line += word;
    } else {
      lines.emplace_back(word);
    }
  }
  return lines;
}

void write_narrative(std::ostream& out, const Counterexample& c, const ModelLayout& layout, std::size_t columns) {
  struct Line {
    std::string sentence;
    std::string citation;  // where the step runs and, for an operation the sentence paraphrases,
                           // the operation as the scenario spells it
  };
  std::vector<Line> lines;
  lines.reserve(c.trace.size());
  const int digits = c.trace.size() >= 100 ? 3 : 2;
  const std::size_t indent = 2 + static_cast<std::size_t>(digits) + 2;  // "  10. "
  const std::size_t gap = 3;
  std::size_t width = 0;  // of the sentence column
  for (std::size_t i = 0; i < c.trace.size(); ++i) {
    const TraceEntry& e = c.trace[i];
    Line& line = lines.emplace_back();
    line.sentence = narrate_step(c, i, layout);
    line.citation = step_location(e, layout);
    if (cites_operation(e.op.kind)) line.citation += ": " + describe_step(e, layout, c.thread_names, c.view()).op;
    width = std::max(width, line.sentence.size());
  }
  // One line a step, the citations in a column, when every step fits so; else the citations flush
  // right (a right edge the eye can follow), each beside its sentence where both fit, else on a
  // line of its own under the sentence, wrapped.
  bool one_line = true;
  for (const Line& line : lines) one_line = one_line && indent + width + gap + line.citation.size() <= columns;
  const std::size_t text_width = columns > indent + 20 ? columns - indent : 20;  // a narrow terminal: overflow
  const std::string blank(indent, ' ');
  bool in_final = false;
  for (std::size_t i = 0; i < c.trace.size(); ++i) {
    const TraceEntry& e = c.trace[i];
    const std::string preemption = preemption_text(c, i, layout);
    if (!preemption.empty()) {
      for (const std::string& part : wrap_words("-- " + preemption + " --", text_width)) out << blank << part << "\n";
    }
    if (e.phase == Phase::Final && !in_final) {
      out << blank << "-- every thread has finished; the final checks run --\n";
      in_final = true;
    }
    const Line& line = lines[i];
    const std::string number = fmt::format("  {:>{}}. ", e.step, digits);
    if (one_line) {
      out << fmt::format("{}{:<{}}{:{}}{}\n", number, line.sentence, width, "", gap, line.citation);
      continue;
    }
    if (indent + line.sentence.size() + gap + line.citation.size() <= columns) {
      out << fmt::format("{}{}{:>{}}\n", number, line.sentence, line.citation, columns - indent - line.sentence.size());
      continue;
    }
    const std::vector<std::string> parts = wrap_words(line.sentence, text_width);
    for (std::size_t k = 0; k < parts.size(); ++k) out << (k == 0 ? number : blank) << parts[k] << "\n";
    if (indent + 2 + line.citation.size() <= columns) {
      out << std::string(columns - line.citation.size(), ' ') << line.citation << "\n";
    } else {  // longer than the line: wrapped, indented under the sentence
      for (const std::string& part : wrap_words(line.citation, text_width - 2)) out << blank << "  " << part << "\n";
    }
  }
}

}  // namespace preempt
