#include "checker/report/step_words.hpp"

#include <fmt/format.h>

#include "checker/report/words.hpp"

namespace preempt {

namespace {

const char* module_status(std::int64_t status) {
  switch (static_cast<ModuleStatus>(status)) {
    case ModuleStatus::Live: return "live";
    case ModuleStatus::Going: return "going";
    case ModuleStatus::Unloaded: return "unloaded";
  }
  return "?";
}

}  // namespace

bool is_body_of(const ModelLayout& layout, FunctionId f, const std::string& thread) {
  if (f == kNone || f >= layout.functions.size()) return true;
  const std::string& name = layout.functions[f].name;
  return name == thread.substr(0, thread.find('['));
}

std::string StepWords::cell_text(std::int64_t v, bool counted) const {
  const CellRole role = e_.changed_addr < layout_.roles.size() ? layout_.roles[e_.changed_addr] : CellRole::Value;
  switch (role) {
    case CellRole::Value: case CellRole::Count: return std::to_string(v);
    case CellRole::Done: return counted && v == kCompleteAll ? done_text(v) + " (all)" : done_text(v);
    case CellRole::Owner: return v == 0 ? std::string("unlocked") : "held by " + thread_name_of(names_, owner_of(v));
    case CellRole::ModuleStatus: return module_status(v);
  }
  return std::to_string(v);
}

std::string StepWords::field(std::string_view name) const {
  const Op& op = e_.op;
  if (name == "obj") return op.target.addr == kNoAddr ? std::string() : layout_.object_name(op.target);
  if (name == "a0") return std::to_string(op.arg0);
  if (name == "a1") return std::to_string(op.arg1);
  if (name == "val") return std::to_string(e_.value);
  if (name == "before") return cell_text(e_.before, false);
  if (name == "after") return cell_text(e_.after, false);
  if (name == "count_before") return cell_text(e_.before, true);
  if (name == "count_after") return cell_text(e_.after, true);
  if (name == "before_owner") {
    return e_.before == 0 ? std::string("nobody") : thread_name_of(names_, owner_of(e_.before));
  }
  if (name == "text") return op.text != nullptr ? op.text : "";
  if (name == "callee") return function_text(layout_, op.other, ModuleTag::Long);
  if (name == "callee_name") return layout_.function_name(op.other);
  if (name == "callee_where" || name == "caller_where") return layout_.describe_location(op.other);
  if (name == "loc") return function_text(layout_, op.location, ModuleTag::Long);
  if (name == "loc_name") return layout_.function_name(op.location);
  if (name == "return_to") {
    if (op.other == kNone || is_body_of(layout_, op.other, thread_name_of(names_, e_.thread))) return "";
    return " to " + function_text(layout_, op.other, ModuleTag::Long);
  }
  if (name == "spawned") return thread_name_of(names_, static_cast<ThreadId>(e_.value));
  if (name == "kind") return std::string(violation_spelling(static_cast<ViolationKind>(op.arg0)));
  return "{" + std::string(name) + "}";
}

bool StepWords::holds(std::string_view cond) const {
  if (cond == "changed") return e_.changed();
  if (cond == "value") return e_.value != 0;
  if (cond == "modified") return e_.before != e_.after;
  if (cond == "text") return e_.op.text != nullptr;
  if (cond == "caller") return e_.op.other != kNone;
  return equals_condition(cond, "value", e_.value) || equals_condition(cond, "after", e_.after) ||
         equals_condition(cond, "a0", e_.op.arg0);
}

}  // namespace preempt
