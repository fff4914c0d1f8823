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
    case ModuleStatus::NotLoaded: return "not loaded";
    case ModuleStatus::Coming: return "coming";
  }
  return "?";
}

// GFP_KERNEL, GFP_ATOMIC, ... for the flags of an allocation.
std::string gfp_text(std::int64_t flags) {
  const std::int64_t base = flags & ~kGfpZero;
  std::string text = base == kGfpKernel   ? "GFP_KERNEL"
                     : base == kGfpAtomic ? "GFP_ATOMIC"
                     : base == kGfpNowait ? "GFP_NOWAIT"
                     : base == kGfpNoio   ? "GFP_NOIO"
                     : base == kGfpNofs   ? "GFP_NOFS"
                     : base == kGfpUser   ? "GFP_USER"
                                          : fmt::format("{:#x}", base);
  if ((flags & kGfpZero) != 0) text += " | __GFP_ZERO";
  return text;
}

}  // namespace

bool is_body_of(const ModelLayout& layout, FunctionId f, const std::string& thread) {
  if (f == kNone || f >= layout.functions.size()) return true;
  const std::string& name = layout.functions[f].name;
  return name == thread.substr(0, thread.find('['));
}

std::string StepWords::cell_text(std::int64_t v, bool counted) const {
  // The role of the changed cell: which cell of the target object it is.
  const ObjectKindInfo& kind = object_kind_info(e_.op.target.kind);
  const std::uint64_t offset = e_.changed_addr - e_.op.target.addr;
  const CellRole role = e_.op.target.kind == ObjectKind::Header ? CellRole::HeapStatus
                        : offset < kind.cells                    ? kind.role(static_cast<std::uint32_t>(offset))
                                                                 : CellRole::Value;
  switch (role) {
    case CellRole::Value: case CellRole::Count: return std::to_string(v);
    case CellRole::Done: return counted && v == kCompleteAll ? done_text(v) + " (all)" : done_text(v);
    case CellRole::Owner: return v == 0 ? std::string("unlocked") : "held by " + thread_name_of(names_, owner_of(v));
    case CellRole::ModuleStatus: return module_status(v);
    case CellRole::Pointer: return pointer_text(v);
    case CellRole::HeapStatus: return v == kHeapFreed ? "freed" : v == kHeapLive ? "live" : "unallocated";
  }
  return std::to_string(v);
}

std::string StepWords::heap_object_text(Addr header) const {
  const bool by_init = heap_thread(header) == kInitHeapOwner;
  for (const TraceEntry& t : by_init ? trace_.init : trace_.steps) {
    if (t.value == 0 || !is_heap(addr_of_pointer(t.value)) || heap_header(addr_of_pointer(t.value)) != header) continue;
    const std::string by = by_init ? std::string("init") : thread_name_of(names_, t.thread);
    if (t.op.kind == OpKind::Kmalloc || t.op.kind == OpKind::Kzalloc) {
      const auto type = static_cast<std::uint32_t>(t.op.arg0);
      return fmt::format("the struct {} allocated by {} at line {}",
                         type < layout_.structs.size() ? layout_.structs[type].name : "?", by, t.op.line);
    }
    if (t.op.kind == OpKind::AllocWorkqueue || t.op.kind == OpKind::AllocOrderedWorkqueue) {
      return fmt::format("the workqueue allocated by {} at line {}", by, t.op.line);
    }
    if (t.op.kind == OpKind::KthreadRun || t.op.kind == OpKind::KthreadCreate) {
      return fmt::format("the task of kthread {}", thread_name_of(names_, t.spawned));
    }
  }
  return fmt::format("heap object #{} of {}", heap_seq(header) + 1,
                     by_init ? std::string("init") : thread_name_of(names_, heap_thread(header)));
}

std::string StepWords::heap_cell_text(Addr addr) const {
  const Addr header = heap_header(addr);
  const std::string object = heap_object_text(header);
  const std::uint32_t offset = heap_offset(addr);
  if (offset == 0) return object;
  std::uint32_t type = kNone;
  for (const TraceEntry& t : heap_thread(header) == kInitHeapOwner ? trace_.init : trace_.steps) {
    if (t.value == 0 || !is_heap(addr_of_pointer(t.value)) || heap_header(addr_of_pointer(t.value)) != header) continue;
    if (t.op.kind == OpKind::Kmalloc || t.op.kind == OpKind::Kzalloc) type = static_cast<std::uint32_t>(t.op.arg0);
    if (t.op.kind == OpKind::AllocWorkqueue || t.op.kind == OpKind::AllocOrderedWorkqueue) type = layout_.workqueue_type;
    if (t.op.kind == OpKind::KthreadRun || t.op.kind == OpKind::KthreadCreate) type = layout_.task_type;
    break;
  }
  if (type >= layout_.structs.size() || offset - 1 >= layout_.structs[type].cells.size()) return object;
  return fmt::format("{} of {}", layout_.structs[type].cells[offset - 1].path, object);
}

std::string StepWords::pointer_text(std::int64_t value) const {
  if (value == 0) return "NULL";
  if (const FunctionId f = function_of_pointer(value); f != kNone) return layout_.function_name(f);
  const Addr addr = addr_of_pointer(value);
  if (const ModuleId m = layout_.module_at(addr); m != kNone) return layout_.modules[m].name;  // a struct module *
  if (!is_heap(addr)) return fmt::format("&{}", layout_.instance_name(addr));  // not "&" + s: GCC 12 -Wrestrict
  const std::string object = heap_object_text(heap_header(addr));
  return heap_offset(addr) == 1 ? object : fmt::format("a field of {}", object);
}

std::string StepWords::field(std::string_view name) const {
  const Op& op = e_.op;
  if (name == "obj") {
    if (op.expr != nullptr) return op.expr;
    if (op.target.addr == kNoAddr) return op.kind == OpKind::Kfree ? "NULL" : "";
    if (is_heap(op.target.addr)) return heap_cell_text(op.target.addr);
    return layout_.object_name(op.target);
  }
  // A value read or written: a pointer's in words, when the cell holds a pointer.
  const bool pointer_cell = (op.kind == OpKind::Read || op.kind == OpKind::Write) &&
                            (op.target.kind == ObjectKind::Pointer || op.target.kind == ObjectKind::Function ||
                             op.target.kind == ObjectKind::ModuleRef);
  if (name == "a0") return pointer_cell ? pointer_text(op.arg0) : std::to_string(op.arg0);
  if (name == "a1") return std::to_string(op.arg1);
  if (name == "val") return pointer_cell ? pointer_text(e_.value) : std::to_string(e_.value);
  if (name == "before") return cell_text(e_.before, false);
  if (name == "after") return cell_text(e_.after, false);
  if (name == "count_before") return cell_text(e_.before, true);
  if (name == "count_after") return cell_text(e_.after, true);
  if (name == "before_owner") {
    return e_.before == 0 ? std::string("nobody") : thread_name_of(names_, owner_of(e_.before));
  }
  if (name == "text") return op.text != nullptr ? op.text : "";
  const FunctionId callee = op.other != kNone ? op.other : e_.called;  // a context runs what it called
  if (name == "callee") return function_text(layout_, callee, ModuleTag::Long);
  if (name == "callee_name") return callee == kNone ? std::string("nothing") : layout_.function_name(callee);
  if (name == "callee_where" || name == "caller_where") return layout_.describe_location(op.other);
  if (name == "loc") return function_text(layout_, op.location, ModuleTag::Long);
  if (name == "loc_name") return layout_.function_name(op.location);
  if (name == "return_to") {
    if (op.other == kNone || is_body_of(layout_, op.other, thread_name_of(names_, e_.thread))) return "";
    return " to " + function_text(layout_, op.other, ModuleTag::Long);
  }
  if (name == "spawned") {
    return thread_name_of(names_, e_.spawned != kNone ? e_.spawned : static_cast<ThreadId>(e_.value));
  }
  if (name == "kind") return std::string(violation_spelling(static_cast<ViolationKind>(op.arg0)));
  if (name == "type") {
    const auto type = static_cast<std::size_t>(op.arg0);
    return type < layout_.structs.size() ? layout_.structs[type].name : "?";
  }
  if (name == "gfp") return gfp_text(op.arg1);
  if (name == "allocated") return e_.value == 0 ? std::string("nothing") : heap_object_text(heap_header(addr_of_pointer(e_.value)));
  if (name == "freed") return heap_object_text(heap_header(e_.changed_addr));
  return fmt::format("{{{}}}", name);
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
