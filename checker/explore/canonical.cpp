#include "checker/explore/canonical.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"

namespace preempt {

std::string canonical_trace(const Execution& execution) {
  struct Event {
    std::uint32_t level;
    ThreadId thread;
    std::uint32_t index;
    std::size_t entry;
  };
  const auto trace = execution.reported_trace();
  const auto& footprints = execution.footprints();
  std::vector<Event> events;
  std::vector<std::uint32_t> count;
  std::vector<std::uint32_t> spawn_level;  // per thread: the level of the spawn that created it
  for (std::size_t i = 0; i < trace.size() && i < footprints.size(); ++i) {
    const TraceEntry& t = trace[i];
    if (t.phase != Phase::Threads || t.op.kind == OpKind::Fail) continue;
    if (count.size() <= t.thread) count.resize(t.thread + 1, 0);
    if (spawn_level.size() <= t.thread) spawn_level.resize(t.thread + 1, 0);
    std::uint32_t level = spawn_level[t.thread] + 1;
    for (const Event& e : events) {
      if (e.thread == t.thread || conflict(footprints[e.entry], footprints[i])) level = std::max(level, e.level + 1);
    }
    events.push_back({level, t.thread, ++count[t.thread], i});
    if (t.spawned != kNone) {
      const auto child = static_cast<std::uint32_t>(t.spawned);
      if (spawn_level.size() <= child) spawn_level.resize(child + 1, 0);
      spawn_level[child] = level;
    }
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.level, a.thread, a.index) < std::tie(b.level, b.thread, b.index);
  });
  std::string form;
  // A nondet step's value is part of its event: the executions that differ only in what a choice
  // point returned are different traces, though their steps and dependences may be the same.
  for (const Event& e : events) {
    const TraceEntry& t = trace[e.entry];
    if (t.op.kind == OpKind::Nondet) {
      form += fmt::format("{}:{}:{}={} ", e.level, e.thread, e.index, t.value);
    } else {
      form += fmt::format("{}:{}:{} ", e.level, e.thread, e.index);
    }
  }
  return form;
}

}  // namespace preempt
