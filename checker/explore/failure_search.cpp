#include "checker/explore/failure_search.hpp"

#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

#include "checker/explore/explain.hpp"
#include "checker/explore/explorer.hpp"

namespace preempt {

namespace {

// At most this many racing pairs name a group: those closest to the failure.
constexpr std::size_t kMaxKeyPairs = 16;

// A step as the group key names it: the function whose code runs it, its operation, its line.
void append_step(std::string& key, const TraceEntry& e) {
  key += fmt::format("{}.{}.{}", e.op.location, static_cast<unsigned>(e.op.kind), e.op.line);
}

// The entry of the failing step; none when the violation names none.
const TraceEntry* failing_entry(const Counterexample& c) {
  if (c.violation->step == 0) return nullptr;
  for (const TraceEntry& e : c.trace) {
    if (e.step == c.violation->step) return &e;
  }
  return nullptr;
}

// A violation at a step is grouped by that step. A deadlock is grouped by what its threads wait
// for (its message): its last step is only whichever thread happened to run last. One tied to no
// step otherwise, by its racing pairs (sorted: equivalent executions list them in other orders).
std::string group_key(const Counterexample& c, const ModelLayout& layout) {
  std::string key = fmt::format("{}|", static_cast<unsigned>(c.violation->kind));
  if (c.violation->kind == ViolationKind::Deadlock) return key + c.violation->message;
  if (const TraceEntry* failing = failing_entry(c)) {
    append_step(key, *failing);
    return key;
  }
  if (c.trace.size() > kMaxGroupedSteps) return key;
  const std::vector<RacingPair> pairs = racing_pairs(c, layout);
  std::vector<std::string> names;
  for (std::size_t k = 0; k < pairs.size() && k < kMaxKeyPairs; ++k) {
    std::string name;
    append_step(name, c.trace[pairs[k].first]);
    name += "<";
    append_step(name, c.trace[pairs[k].second]);
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) key += "|" + name;
  return key;
}

bool is_better(const Counterexample& a, const Counterexample& b) {
  if (a.preemptions != b.preemptions) return a.preemptions < b.preemptions;
  return a.trace.size() < b.trace.size();
}

}  // namespace

FailureSearch search_failures(const ModelProgram& program, CheckConfig config, std::size_t max_groups) {
  FailureSearch search;
  std::map<std::string, std::size_t> group_of_key;
  config.stop_at_first_violation = false;
  config.minimize = false;
  config.explain = false;
  config.walkthrough = false;
  config.on_violation = [&](Counterexample&& c) {
    if (!c.violation) return;
    const std::string key = group_key(c, *program.layout);
    auto it = group_of_key.find(key);
    if (it == group_of_key.end()) {
      if (search.groups.size() >= max_groups) {
        ++search.ungrouped;
        return;
      }
      it = group_of_key.emplace(key, search.groups.size()).first;
      search.groups.push_back({std::move(c), 0});
    } else if (is_better(c, search.groups[it->second].example)) {
      search.groups[it->second].example = std::move(c);
    }
    ++search.groups[it->second].executions;
  };
  search.result = explore(program, config);
  // A failure of init ends the search before any thread runs: one group of its own, unexplained.
  for (Counterexample& c : search.result.violations) search.groups.push_back({std::move(c), 1});
  search.result.violations.clear();
  std::vector<Counterexample> examples;
  examples.reserve(search.groups.size());
  for (FailureGroup& group : search.groups) examples.push_back(std::move(group.example));
  config.on_violation = nullptr;
  // Init that fails leaves nothing to explain: the examples come back as they were.
  (void)explain_counterexamples(program, config, examples);
  for (std::size_t i = 0; i < examples.size(); ++i) search.groups[i].example = std::move(examples[i]);
  return search;
}

}  // namespace preempt
