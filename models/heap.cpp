// Heap objects: kmalloc/kzalloc allocate a struct, kfree frees it (mm/slab_common.c, as KASAN
// checks it). An object is named by its allocating thread and sequence (checker/rt/address.hpp);
// its header cell says live or freed, and every access to one of its cells checks it first
// (rules.cpp): an access after kfree is a use-after-free, a second kfree a double-free.
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {

// The limits of one execution's heap: objects are named by 20-bit sequences and offsets, and the
// cells of all of them together are bounded so that a model cannot exhaust the machine.
constexpr std::size_t kMaxHeapCells = std::size_t{1} << 24;

}  // namespace

void allocate_object(const Op& op, std::uint32_t type, StepContext& ctx, StepEffect& effect) {
  const StructInfo& info = ctx.layout.structs[type];
  const ThreadId owner = ctx.heap_owner != kNone ? ctx.heap_owner : ctx.thread;
  const std::uint32_t seq = ctx.store.allocations_of(owner);
  if (seq > kMaxHeapSeq || info.cells.size() >= kMaxHeapOffset ||
      ctx.store.heap_cells() + info.cells.size() + 1 > kMaxHeapCells) {
    effect.fail_model(fmt::format("the heap outgrew its limit: {} allocations by this thread, {} cells in all (the "
                                  "limits are {} and {})",
                                  seq, ctx.store.heap_cells(), kMaxHeapSeq, kMaxHeapCells));
    return;
  }
  ctx.initial_cells.clear();
  for (const StructInfo::Cell& cell : info.cells) ctx.initial_cells.push_back(cell.initial);
  const Addr header = ctx.store.allocate(owner, seq, type, ctx.initial_cells);
  HeapObject& object = *ctx.store.heap_object(header);
  object.alloc_step = ctx.step;
  object.alloc_line = op.line;
  effect.change(header, 0, kHeapLive);
  effect.result.value = pointer_to(header + 1);  // the object's first field
}

void free_whole_object(HeapObject& object, StepContext& ctx, StepEffect& effect, std::uint32_t line) {
  std::int64_t& header = ctx.store.at(object.header());
  effect.record(object.header(), header, kHeapFreed);
  header = kHeapFreed;
  object.free_step = ctx.step;
  object.free_line = line;
  object.free_thread = ctx.thread;
}

namespace {

// A global that kfree() was given: "the static struct obj s", "data of module m (its struct
// file_operations fops)".
std::string static_object_text(const StepContext& ctx, Addr addr) {
  std::uint32_t index = 0;
  const ObjectGroup* group = ctx.layout.group_of(addr, &index);
  std::string what = group != nullptr && group->type != kNone && addr == ctx.layout.element(*group, index)
                         ? fmt::format("struct {} {}", ctx.layout.structs[group->type].name, ctx.layout.instance_name(addr))
                         : ctx.layout.instance_name(addr);
  const ModuleId owner = ctx.layout.data_owner(addr);
  if (owner != kNone) return fmt::format("data of module {} ({})", ctx.layout.modules[owner].name, what);
  return "the static " + what;
}

void free_object(const Op& op, StepContext& ctx, StepEffect& effect) {
  const std::int64_t pointer = op.arg0;
  if (pointer == 0) return;  // kfree(NULL) does nothing
  const Addr addr = addr_of_pointer(pointer);
  if (!is_heap(addr)) {
    effect.fail(ViolationKind::InvalidFree,
                fmt::format("{} at line {} frees {}, which kmalloc did not allocate", call_text(op, ctx), op.line,
                            addr == kNoAddr ? std::string("a function") : static_object_text(ctx, addr)));
    return;
  }
  HeapObject* object = ctx.store.heap_object(addr);
  if (object == nullptr) {
    effect.fail_model(fmt::format("{} at line {} of a pointer to no object", call_text(op, ctx), op.line));
    return;
  }
  const std::string what = describe_heap_object(ctx, *object);
  if (heap_offset(addr) != 1) {
    effect.fail(ViolationKind::InvalidFree,
                fmt::format("{} at line {} frees a pointer into {}, not the object's start", call_text(op, ctx), op.line,
                            what));
    return;
  }
  std::int64_t& header = ctx.store.at(object->header());
  if (header == kHeapFreed) {
    effect.fail(ViolationKind::DoubleFree,
                fmt::format("{} at line {} frees {} again: {}", call_text(op, ctx), op.line, what,
                            describe_free(ctx, *object)));
    return;
  }
  free_whole_object(*object, ctx, effect, op.line);
}

}  // namespace

std::string describe_heap_object(const StepContext& ctx, const HeapObject& object) {
  if (object.thread == kInitHeapOwner) {  // init's steps are not numbered among the execution's
    return fmt::format("the struct {} allocated by init at line {}", ctx.layout.structs[object.type].name,
                       object.alloc_line);
  }
  return fmt::format("the struct {} allocated by {} at line {} (step {})", ctx.layout.structs[object.type].name,
                     ctx.names.thread_name(object.thread), object.alloc_line, object.alloc_step);
}

std::string describe_free(const StepContext& ctx, const HeapObject& object) {
  return fmt::format("freed by {} at line {} (step {})", ctx.names.thread_name(object.free_thread), object.free_line,
                     object.free_step);
}

void apply_heap(const Op& op, StepContext& ctx, StepEffect& effect) {
  switch (op.kind) {
    case OpKind::Kmalloc: case OpKind::Kzalloc: allocate_object(op, static_cast<std::uint32_t>(op.arg0), ctx, effect); return;
    case OpKind::Kfree: free_object(op, ctx, effect); return;
    default: return;
  }
}

}  // namespace preempt::models
