#include "checker/report/failure_diff.hpp"

#include <sstream>

#include <fmt/format.h>

#include "checker/report/report.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt {

namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Whether the step runs in a function other than its thread's body ("inc" is the body of inc[1]).
bool in_other_function(const ClassStep& s) {
  if (s.function.empty() || s.operation == "return") return false;
  return s.function != s.thread && !s.thread.starts_with(s.function + "[");
}

// The words of a step: its code as written ("kobject_put(dm_kobj);"); a return, the function it
// leaves (its line is only a brace).
std::string step_words(const ClassStep& s) {
  if (s.operation == "return" && !s.function.empty()) return "returns from " + s.function;
  return s.code.empty() ? s.operation : s.code;
}

// "line 25 sysfs_reader: kobject_put(dm_kobj);" with " [in dm_sysfs_exit]" when the step runs in a
// function other than the thread's own body.
std::string step_text(const ClassStep& s) {
  std::string text = s.line != 0 ? fmt::format("line {} {}: ", s.line, s.thread) : s.thread + ": ";
  text += step_words(s);
  if (in_other_function(s)) text += " [in " + s.function + "]";
  return text;
}

// What the side's search found, in one line: "violation: 2 failure classes in 5 of 9 executions".
std::string side_summary(const DiffSide& side) {
  const std::string& strategy = side.strategy;
  const ExploreResult& r = side.search->result;
  std::string text;
  if (r.verdict == Verdict::Safe) {
    text = fmt::format("safe: no failure in {} ({})", plural(r.executions, "execution", "executions"), strategy);
  } else if (r.verdict == Verdict::Violation && r.executions == 0) {
    text = fmt::format("violation: {} in init, before any execution ({})",
                       plural(side.classes.size(), "failure class", "failure classes"), strategy);
  } else if (r.verdict == Verdict::Violation) {
    text = fmt::format("violation: {} in {} of {} ({})", plural(side.classes.size(), "failure class", "failure classes"),
                       r.violating_executions, plural(r.executions, "execution", "executions"), strategy);
  } else {
    text = fmt::format("{}: {} in {} ({})", verdict_name(r.verdict),
                       plural(side.classes.size(), "failure class", "failure classes"),
                       plural(r.executions, "execution", "executions"), strategy);
  }
  for (const std::string& why : r.incomplete_reasons) text += "\n    not complete: " + why;
  if (side.search->ungrouped != 0) {
    text += fmt::format("\n    not classified: {} (the limit of counterexamples kept was reached)",
                        plural(side.search->ungrouped, "violating execution", "violating executions"));
  }
  return text;
}

void write_class(std::ostream& out, const FailureClass& c, const std::string& path, const char* which) {
  out << "  - " << violation_spelling(c.kind) << ": " << c.message << "\n";
  if (c.has_failing_step) out << "    at " << step_text(c.failing) << "\n";
  if (c.races.empty()) out << "    no race of its example decides it (none whose other order avoids the failure)\n";
  for (const ClassRace& race : c.races) {
    out << "    race: " << step_text(race.first) << "\n";
    out << "          before " << step_text(race.second) << " (the other order avoids the failure)\n";
  }
  out << "    " << which << ": " << plural(c.executions, "violating execution", "violating executions")
      << "; one: " << replay_command(path, c.schedule) << "\n";
}

std::string summary_line(const FailureDiff& d) {
  const ClassDiff& diff = d.diff;
  const std::size_t total = d.buggy.classes.size();
  std::string text = fmt::format("the fix removes {} of {}", diff.removed.size(),
                                 plural(total, "failure class", "failure classes"));
  text += diff.remaining.empty() ? "; none remains" : fmt::format("; {} remain{}", diff.remaining.size(),
                                                                   diff.remaining.size() == 1 ? "s" : "");
  text += diff.added.empty() ? ", none is new" : fmt::format(", {} new", diff.added.size());
  return text;
}

nlohmann::ordered_json step_json(const ClassStep& s) {
  nlohmann::ordered_json j;
  j["thread"] = s.thread;
  j["function"] = s.function;
  j["operation"] = s.operation;
  j["code"] = s.code;
  j["line"] = s.line;
  return j;
}

nlohmann::ordered_json class_json(const FailureClass& c, std::size_t index, const std::string& path) {
  nlohmann::ordered_json j;
  j["id"] = index + 1;
  j["kind"] = std::string(violation_spelling(c.kind));
  j["message"] = c.message;
  nlohmann::ordered_json races = nlohmann::ordered_json::array();
  for (const ClassRace& race : c.races) races.push_back({{"first", step_json(race.first)}, {"second", step_json(race.second)}});
  j["races"] = std::move(races);
  j["failing"] = c.has_failing_step ? step_json(c.failing) : nlohmann::ordered_json(nullptr);
  j["executions"] = c.executions;
  j["preemptions"] = c.preemptions;
  j["schedule"] = c.schedule;
  j["replay"] = replay_command(path, c.schedule);
  return j;
}

nlohmann::ordered_json side_json(const DiffSide& side) {
  const ExploreResult& r = side.search->result;
  nlohmann::ordered_json j;
  j["scenario"] = side.path;
  j["title"] = side.title;
  j["strategy"] = side.strategy;
  j["verdict"] = verdict_name(r.verdict);
  j["executions"] = r.executions;
  j["violating_executions"] = r.violating_executions;
  j["unclassified_executions"] = side.search->ungrouped;
  j["incomplete_reasons"] = r.incomplete_reasons;
  nlohmann::ordered_json classes = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < side.classes.size(); ++i) classes.push_back(class_json(side.classes[i], i, side.path));
  j["classes"] = std::move(classes);
  return j;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (const char ch : valid_utf8(text)) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string step_html(const ClassStep& s) {
  std::string html = s.line != 0 ? fmt::format("line {} ", s.line) : "";
  html += "<b>" + escape_html(s.thread) + "</b>: <code>" + escape_html(step_words(s)) + "</code>";
  if (in_other_function(s)) html += " in " + escape_html(s.function);
  return html;
}

std::string class_html(const FailureClass& c, const std::string& path) {
  std::string html = "<li><b>" + escape_html(violation_spelling(c.kind)) + "</b>: " + escape_html(c.message) + "<ul>";
  if (c.has_failing_step) html += "<li>at " + step_html(c.failing) + "</li>";
  if (c.races.empty()) html += "<li>no race of its example decides it (none whose other order avoids the failure)</li>";
  for (const ClassRace& race : c.races) {
    html += "<li>race: " + step_html(race.first) + " before " + step_html(race.second) +
            " (the other order avoids the failure)</li>";
  }
  html += fmt::format("<li>{}; one: <code>{}</code></li></ul></li>\n",
                      escape_html(plural(c.executions, "violating execution", "violating executions")),
                      escape_html(replay_command(path, c.schedule)));
  return html;
}

std::string section_html(const char* heading, const std::vector<std::string>& items) {
  std::string html = fmt::format("<h2>{} ({})</h2>\n", heading, items.size());
  if (items.empty()) return html + "<p>none</p>\n";
  html += "<ul>\n";
  for (const std::string& item : items) html += item;
  return html + "</ul>\n";
}

}  // namespace

void write_diff_text(std::ostream& out, const FailureDiff& d) {
  std::string text;
  for (const auto* side : {&d.buggy, &d.fixed}) {
    text += fmt::format("{}: {}{}\n  {}\n", side == &d.buggy ? "buggy" : "fixed", side->path,
                        side->title.empty() ? "" : ": " + side->title, side_summary(*side));
  }
  out << terminal_safe(text);
  std::ostringstream body;
  body << "\nremoved by the fix (" << d.diff.removed.size() << "):" << (d.diff.removed.empty() ? " none\n" : "\n");
  for (const std::size_t b : d.diff.removed) write_class(body, d.buggy.classes[b], d.buggy.path, "in buggy");
  body << "remaining (" << d.diff.remaining.size() << "):" << (d.diff.remaining.empty() ? " none\n" : "\n");
  for (const ClassDiff::Pair& pair : d.diff.remaining) {
    write_class(body, d.fixed.classes[pair.fixed], d.fixed.path, "in fixed");
    if (pair.loose) body << "    (matched by function and operation alone: the code of its failing step changed)\n";
  }
  body << "new in the fix (" << d.diff.added.size() << "):" << (d.diff.added.empty() ? " none\n" : "\n");
  for (const std::size_t f : d.diff.added) write_class(body, d.fixed.classes[f], d.fixed.path, "in fixed");
  body << "\n" << summary_line(d) << "\n";
  out << terminal_safe(body.str());
}

nlohmann::ordered_json diff_json(const FailureDiff& d) {
  nlohmann::ordered_json j;
  j["buggy"] = side_json(d.buggy);
  j["fixed"] = side_json(d.fixed);
  nlohmann::ordered_json removed = nlohmann::ordered_json::array();
  for (const std::size_t b : d.diff.removed) removed.push_back(b + 1);
  nlohmann::ordered_json remaining = nlohmann::ordered_json::array();
  for (const ClassDiff::Pair& pair : d.diff.remaining) {
    remaining.push_back({{"buggy", pair.buggy + 1}, {"fixed", pair.fixed + 1},
                         {"matched_by", pair.loose ? "function-operation" : "function-operation-code"}});
  }
  nlohmann::ordered_json added = nlohmann::ordered_json::array();
  for (const std::size_t f : d.diff.added) added.push_back(f + 1);
  j["removed"] = std::move(removed);
  j["remaining"] = std::move(remaining);
  j["new"] = std::move(added);
  j["summary"] = summary_line(d);
  return j;
}

std::string diff_html(const FailureDiff& d) {
  const std::string title = d.fixed.title.empty() ? d.fixed.path : d.fixed.title;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>preempt diff: " +
                     escape_html(title) +
                     "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
                     "code{background:#f3f3f3;padding:0 .2em}h2{border-bottom:1px solid #ccc}"
                     ".removed{color:#1a7f37}.left{color:#b3261e}</style></head><body>\n";
  html += "<h1>What the fix removes: " + escape_html(title) + "</h1>\n<dl>\n";
  for (const auto* side : {&d.buggy, &d.fixed}) {
    html += fmt::format("<dt>{} <code>{}</code>{}</dt><dd>{}</dd>\n", side == &d.buggy ? "buggy" : "fixed",
                        escape_html(side->path), side->title.empty() ? "" : ": " + escape_html(side->title),
                        escape_html(side_summary(*side)));
  }
  html += "</dl>\n<p class=\"" + std::string(d.diff.remaining.empty() && d.diff.added.empty() ? "removed" : "left") +
          "\">" + escape_html(summary_line(d)) + "</p>\n";
  std::vector<std::string> items;
  for (const std::size_t b : d.diff.removed) items.push_back(class_html(d.buggy.classes[b], d.buggy.path));
  html += section_html("Removed by the fix", items);
  items.clear();
  for (const ClassDiff::Pair& pair : d.diff.remaining) items.push_back(class_html(d.fixed.classes[pair.fixed], d.fixed.path));
  html += section_html("Remaining", items);
  items.clear();
  for (const std::size_t f : d.diff.added) items.push_back(class_html(d.fixed.classes[f], d.fixed.path));
  html += section_html("New in the fix", items);
  return html + "</body></html>\n";
}

}  // namespace preempt
