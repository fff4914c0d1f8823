#include "checker/report/html_graph.hpp"

#include <regex>

#include <fmt/format.h>

#include "checker/report/narrative.hpp"
#include "checker/report/state_text.hpp"
#include "checker/report/step_text.hpp"

namespace preempt {

namespace {

// A state lists at most this many objects (the trace stepper's cap: the page stays small).
constexpr std::size_t kMaxObjectsShown = 100;

const char* end_words(ExecutionEnd end) {
  switch (end) {
    case ExecutionEnd::Complete: return "every thread finished: no violation";
    case ExecutionEnd::Violation: return "violation";
    case ExecutionEnd::Dropped: return "dropped: an assume() failed, this order does not count";
    case ExecutionEnd::StepLimit: return "cut at the step limit";
    case ExecutionEnd::ModelError: return "model error";
    case ExecutionEnd::Stopped: return "stopped";
  }
  return "?";
}

// Violations that differ only in step numbers ("unloaded at step 9") are one class.
std::string class_key(const Violation& v) {
  static const std::regex step_number("step [0-9]+");
  return fmt::format("{}: {}", violation_spelling(v.kind), std::regex_replace(v.message, step_number, "step N"));
}

}  // namespace

std::uint32_t PageGraph::intern(std::vector<nlohmann::ordered_json>& table, std::map<std::string, std::uint32_t>& index,
                                nlohmann::ordered_json record) {
  std::string key = record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  const auto [it, added] = index.emplace(std::move(key), static_cast<std::uint32_t>(table.size()));
  if (added) table.push_back(std::move(record));
  return it->second;
}

void PageGraph::state(std::uint32_t id, const Position& at) {
  const std::vector<std::string>& names = at.so_far.thread_names;
  nlohmann::ordered_json s;
  s["t"] = nlohmann::ordered_json::array();
  for (ThreadId t = 0; t < at.point.threads.size(); ++t) {
    const ThreadPosition& p = at.point.threads[t];
    std::string where;
    std::string next;
    if (p.function != kNone) where = layout_.describe_location(p.function);
    if (p.next) {
      TraceEntry entry;
      entry.thread = t;
      entry.op = *p.next;
      next = describe_step(entry, layout_, names, at.so_far.view()).op;
    }
    const std::string name = t < names.size() ? names[t] : "?";
    s["t"].push_back(intern(threads_, thread_index_, {name, p.why, where, p.line, next}));
  }
  s["o"] = nlohmann::ordered_json::array();
  const std::vector<ObjectState> all = describe_store(at.point.state, layout_, names);
  for (std::size_t i = 0; i < all.size() && i < kMaxObjectsShown; ++i) {
    s["o"].push_back(intern(objects_, object_index_, {all[i].name, all[i].state}));
  }
  if (all.size() > kMaxObjectsShown) {
    s["o"].push_back(intern(objects_, object_index_,
                            {"...", fmt::format("{} more objects not shown", all.size() - kMaxObjectsShown)}));
  }
  s["e"] = nlohmann::ordered_json::array();
  s["end"] = nullptr;
  if (at.over) {
    nlohmann::ordered_json end;
    const bool violation = at.end == ExecutionEnd::Violation && at.so_far.violation;
    end["kind"] = violation ? std::string(violation_spelling(at.so_far.violation->kind)) : end_words(at.end);
    end["message"] = violation ? at.so_far.violation->message : at.error;
    end["class"] = violation ? class_key(*at.so_far.violation) : "";
    end["violation"] = violation;
    end["safe"] = at.end == ExecutionEnd::Complete;
    s["end"] = std::move(end);
  }
  if (states_.size() <= id) states_.resize(id + 1);
  states_[id] = std::move(s);
}

void PageGraph::edge(std::uint32_t from, ThreadId thread, std::uint32_t to, const Counterexample& so_far,
                     std::size_t first) {
  std::string story;
  for (std::size_t i = first; i < so_far.trace.size(); ++i) {
    if (!story.empty()) story += "\n";
    story += narrate_step(so_far, i, layout_);
    if (so_far.trace[i].op.line != 0) story += fmt::format("   (line {})", so_far.trace[i].op.line);
  }
  states_[from]["e"].push_back({thread, to, intern(texts_, text_index_, story)});
}

nlohmann::ordered_json PageGraph::to_json() const {
  nlohmann::ordered_json j;
  j["threads"] = threads_;
  j["objects"] = objects_;
  j["texts"] = texts_;
  j["states"] = states_;
  return j;
}

}  // namespace preempt
