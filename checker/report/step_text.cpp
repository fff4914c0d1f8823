#include "checker/report/step_text.hpp"

#include <fmt/format.h>

#include "checker/report/step_words.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {
// The scenario language gives a builtin call or an assignment as written (the C++ API does not).
// The operation column shows it when the template's words would be worse: an object reached
// through a pointer ("kref_put(&c->ref, release)"), a size, a function or a pointer argument, a
// pointer stored, an object written with `&`. Otherwise the template shows the values ("counter = 2", "atomic_add(v, 3)").
bool as_written(const Op& op) {
  if (op.text == nullptr || !is_primitive(op.kind)) return false;
  if (op.expr != nullptr) return true;
  if (op.kind == OpKind::Write) {
    return op.target.kind == ObjectKind::Pointer || op.target.kind == ObjectKind::Function ||
           op.target.kind == ObjectKind::ModuleRef;
  }
  const std::string_view args = op_info(op.kind).args;
  if (args.find_first_of("pfzD") != std::string_view::npos) return true;
  // an object written with its `&` ("kref_init(&s.ref)"), when no value argument needs showing
  return args.find('v') == std::string_view::npos && std::string_view(op.text).find('&') != std::string_view::npos;
}
}  // namespace

StepText describe_step(const TraceEntry& e, const ModelLayout& layout, std::span<const std::string> names,
                       TraceView trace) {
  const OpInfo& info = op_info(e.op.kind);
  const StepWords words(e, layout, names, trace);
  StepText text{as_written(e.op) ? std::string(e.op.text) : render(info.operation, words), render(info.note, words)};
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
