#include "checker/report/explanation_text.hpp"

#include <fmt/format.h>

#include "checker/report/step_text.hpp"
#include "checker/report/step_words.hpp"
#include "checker/report/words.hpp"
#include "checker/rt/address.hpp"

namespace preempt {

namespace {

// The object a race's two steps share, in the user's words.
// The object two racing steps both touch, in the words of the source where a step names it.
std::string shared_text(Addr cell, const ModelLayout& layout, const Counterexample& c, const Race& r) {
  if (cell == kNoAddr) return "shared variables (an await reads them)";
  for (const std::uint32_t index : {r.first, r.second}) {
    const Op& op = c.trace[index].op;
    if (op.target.addr == cell && op.expr != nullptr) return op.expr;  // "p->kobj"
  }
  if (is_heap(cell)) {
    const StepWords words(c.trace[r.first], layout, c.thread_names, c.view());
    const std::string object = words.heap_object_text(heap_header(cell));
    return heap_offset(cell) == 0 ? object + " (freed or not)" : "a field of " + object;
  }
  const ObjectGroup* group = layout.group_of(cell);
  if (group == nullptr) return "?";
  if (group->kind != ObjectKind::Module) return layout.object_name({group->kind, cell});
  const Addr object = group->base;
  return cell == object ? fmt::format("the refcount of module {}", group->name)
                        : fmt::format("module {} (loaded or not)", group->name);
}

const char* outcome_name(ReversedOutcome outcome) {
  switch (outcome) {
    case ReversedOutcome::Avoided: return "avoided";
    case ReversedOutcome::StillFails: return "still-fails";
    case ReversedOutcome::FailsDifferently: return "fails-differently";
    case ReversedOutcome::Inconclusive: return "inconclusive";
  }
  return "?";
}

// What the reversed execution ended with: the other violation, or why the replay was inconclusive.
std::string outcome_detail(const Race& r) {
  if (r.reversed_violation) {
    return fmt::format("{}: {}", violation_spelling(r.reversed_violation->kind), r.reversed_violation->message);
  }
  return r.inconclusive;
}

struct Side {
  std::uint32_t step;
  std::string thread;
  std::string op;
};

Side side(const Counterexample& c, std::uint32_t index, const ModelLayout& layout) {
  const TraceEntry& e = c.trace[index];
  return {e.step, thread_name_of(c.thread_names, e.thread), describe_step(e, layout, c.thread_names, c.view()).op};
}

}  // namespace

std::string explanation_text(const Counterexample& c, const ModelLayout& layout) {
  if (!c.explanation || c.explanation->races.empty()) return "";
  const std::vector<Race>& races = c.explanation->races;
  const bool deciding = races.front().outcome == ReversedOutcome::Avoided;
  std::string text = deciding
                         ? "  why: the order of these racing steps decides the failure (nothing in this "
                           "execution's happens-before order forces it):\n"
                         : "  racing steps of this execution (nothing in its happens-before order forces "
                           "their order), but reversing one does not avoid the failure:\n";
  for (const Race& r : races) {
    const Side first = side(c, r.first, layout);
    const Side second = side(c, r.second, layout);
    text += fmt::format("    - nothing forces step {} ({}: {}) before step {} ({}: {}); both touch {}\n", first.step,
                        first.thread, first.op, second.step, second.thread, second.op, shared_text(r.shared, layout, c, r));
    const std::string detail = outcome_detail(r);
    switch (r.outcome) {
      case ReversedOutcome::Avoided:
        text += fmt::format("      with step {} first the execution has no violation: schedule {}\n", second.step,
                            r.reversed_schedule);
        break;
      case ReversedOutcome::StillFails:
        text += fmt::format("      with step {} first it still fails ({}): schedule {}\n", second.step, detail,
                            r.reversed_schedule);
        break;
      case ReversedOutcome::FailsDifferently:
        text += fmt::format("      with step {} first it fails differently ({}): schedule {}\n", second.step, detail,
                            r.reversed_schedule);
        break;
      case ReversedOutcome::Inconclusive:
        text += fmt::format("      with step {} first the replay is inconclusive ({}): schedule {}\n", second.step,
                            detail, r.reversed_schedule);
        break;
    }
  }
  return text;
}

nlohmann::ordered_json explanation_json(const Counterexample& c, const ModelLayout& layout) {
  nlohmann::ordered_json races = nlohmann::ordered_json::array();
  if (c.explanation) {
    for (const Race& r : c.explanation->races) {
      const Side first = side(c, r.first, layout);
      const Side second = side(c, r.second, layout);
      nlohmann::ordered_json j;
      j["first"] = {{"step", first.step}, {"thread", first.thread}, {"op", first.op}};
      j["second"] = {{"step", second.step}, {"thread", second.thread}, {"op", second.op}};
      j["shared"] = shared_text(r.shared, layout, c, r);
      j["reversed_outcome"] = outcome_name(r.outcome);
      j["reversed_detail"] = outcome_detail(r);
      j["reversed_schedule"] = r.reversed_schedule;
      races.push_back(std::move(j));
    }
  }
  nlohmann::ordered_json j;
  j["races"] = std::move(races);
  return j;
}

}  // namespace preempt
