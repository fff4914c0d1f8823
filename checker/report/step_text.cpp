#include "checker/report/step_text.hpp"

#include <fmt/format.h>

#include "checker/report/step_words.hpp"
#include "checker/report/words.hpp"

namespace preempt {

StepText describe_step(const TraceEntry& e, const ModelLayout& layout, std::span<const std::string> names) {
  const OpInfo& info = op_info(e.op.kind);
  const StepWords words(e, layout, names);
  StepText text{render(info.operation, words), render(info.note, words)};
  if (e.called != kNone) {
    if (!text.note.empty()) text.note += ", ";
    text.note += fmt::format("calls {}", layout.describe_location(e.called));
  }
  if (e.woke_count > 0) {
    if (!text.note.empty()) text.note += ", ";
    text.note += fmt::format("wakes {}", thread_name_of(names, e.woke));
    if (e.woke_count > 1) text.note += fmt::format(" (+{} more)", e.woke_count - 1);
  }
  return text;
}

}  // namespace preempt
