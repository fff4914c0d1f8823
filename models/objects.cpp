// Where an object lives and whether it is still there: a step that touches a cell of a freed heap
// object is a use-after-free (KASAN's report: what was touched, where the object was allocated and
// freed), one that touches module data of an unloaded module too. And the struct that holds an
// object, which a release method receives.
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

std::string op_expr(const Op& op, const ModelLayout& layout) {
  if (op.expr != nullptr) return op.expr;
  if (op.target.addr == kNoAddr) return "NULL";
  if (is_heap(op.target.addr)) return "a heap object";
  return layout.object_name(op.target);
}

std::string call_text(const Op& op, const StepContext& ctx) {
  if (op.text != nullptr) return op.text;
  if (op.kind == OpKind::Kfree && op.expr == nullptr) {  // the C++ API: the pointer is the argument
    const Addr addr = op.arg0 == 0 ? kNoAddr : addr_of_pointer(op.arg0);
    const std::string what = op.arg0 == 0 ? "NULL" : is_heap(addr) ? "a heap object" : addr == kNoAddr ? "a function"
                                                                                         : ctx.layout.instance_name(addr);
    return fmt::format("kfree({})", what);
  }
  return fmt::format("{}({})", op_name(op.kind), op_expr(op, ctx.layout));
}

namespace {
// " of the struct cdev allocated by a at line 42 (step 1)" for a count in a heap object.
std::string holder_text(const StepContext& ctx, Addr addr) {
  if (!is_heap(addr)) return "";
  const HeapObject* object = ctx.store.heap_object(addr);
  return object == nullptr ? std::string() : " of " + describe_heap_object(ctx, *object);
}
}  // namespace

bool fail_on_zero(const Op& op, const StepContext& ctx, std::int64_t count, StepEffect& effect) {
  if (count > 0) return false;
  effect.fail(ViolationKind::UseAfterFree,
              fmt::format("{} at line {} on a count of 0: addition on 0, use-after-free{}{}", call_text(op, ctx),
                          op.line, holder_text(ctx, op.target.addr), released_since(ctx, op.target.addr)));
  return true;
}

bool fail_below_zero(const Op& op, const StepContext& ctx, std::int64_t count, StepEffect& effect) {
  if (count > 0) return false;
  effect.fail(ViolationKind::RefcountUnderflow,
              fmt::format("{} at line {} drops a reference that does not exist: the count is already 0{}{}",
                          call_text(op, ctx), op.line, holder_text(ctx, op.target.addr),
                          released_since(ctx, op.target.addr)));
  return true;
}

std::string released_since(const StepContext& ctx, Addr addr) {
  const std::uint32_t step = ctx.store.marked_at(addr);
  return step == 0 ? std::string() : fmt::format(" (its last reference was dropped at step {})", step);
}

std::int64_t container_of(const StepContext& ctx, Addr addr) {
  if (is_heap(addr)) {
    const HeapObject* object = ctx.store.heap_object(addr);
    const std::uint32_t offset = heap_offset(addr);
    if (object == nullptr || offset == 0) return 0;
    const StructInfo& info = ctx.layout.structs[object->type];
    return pointer_to(object->header() + 1 + info.cells[offset - 1].container);
  }
  std::uint32_t index = 0;
  const ObjectGroup* group = ctx.layout.group_of(addr, &index);
  if (group == nullptr) return 0;
  if (group->type == kNone) return index;  // a kobject of an array: its release method gets the index
  const Addr element = ctx.layout.element(*group, index);
  return pointer_to(element + ctx.layout.structs[group->type].cells[addr - element].container);
}

// The verb of an access, for KASAN's words: a read, a write, or the builtin.
std::string access_words(const Op& op, const StepContext& ctx) {
  const std::string what = op_expr(op, ctx.layout);
  switch (op.kind) {
    case OpKind::Read: return fmt::format("reads {}", what);
    case OpKind::Write: return fmt::format("writes {}", what);
    case OpKind::WorkRun: return "runs a work item whose object is gone";
    case OpKind::TimerRun: return "fires a timer whose object is gone";
    case OpKind::RcuRun: return "runs an RCU callback whose rcu_head is gone";
    case OpKind::KthreadStart: return "starts a kthread whose task is gone";
    case OpKind::WaitEvent: case OpKind::WaitEventInterruptible: return fmt::format("queues itself on {} (wait_event)", what);
    case OpKind::WaitEventSleep: return fmt::format("sleeps on {} (wait_event)", what);
    case OpKind::FinishWait: return fmt::format("takes itself off {} (finish_wait)", what);
    default:
      if (op.text != nullptr) return fmt::format("calls {}", op.text);
      return fmt::format("calls {}({})", op_name(op.kind), what);
  }
}

std::string module_gone_words(const Store& store, Addr status) {
  if (store.get(status) == static_cast<std::int64_t>(ModuleStatus::NotLoaded)) return "which is not loaded";
  return fmt::format("unloaded at step {}", store.marked_at(status));
}

bool is_gone(const Store& store, const ModelLayout& layout, Addr addr) {
  if (is_heap(addr)) {
    const HeapObject* object = store.heap_object(addr);
    return object != nullptr && store.get(object->header()) == kHeapFreed;
  }
  if (!layout.has_module_data()) return false;
  const ModuleId owner = layout.data_owner(addr);
  return owner != kNone && module_absent(store.get(layout.modules[owner].addr + 1));
}

bool check_alive(const Op& op, const StepContext& ctx, StepEffect& effect) {
  const Addr addr = op.target.addr;
  if (addr == kNoAddr || (!is_heap(addr) && !ctx.layout.has_module_data())) return false;  // the common case
  const std::string& thread = ctx.names.thread_name(ctx.thread);
  if (is_heap(addr)) {
    const HeapObject* object = ctx.store.heap_object(addr);
    if (object == nullptr || ctx.store.get(object->header()) != kHeapFreed) return false;
    const std::string at = op.line != 0 ? fmt::format(" at line {}", op.line) : std::string();  // a context's own step
    effect.fail(ViolationKind::UseAfterFree,
                fmt::format("{} {}{}: use-after-free of {}, {}", thread, access_words(op, ctx), at,
                            describe_heap_object(ctx, *object), describe_free(ctx, *object)));
    return true;
  }
  const ModuleId owner = ctx.layout.data_owner(addr);
  if (owner == kNone) return false;
  const Addr status = ctx.layout.modules[owner].addr + 1;
  if (!module_absent(ctx.store.get(status))) return false;
  effect.fail(ViolationKind::UseAfterFree,
              fmt::format("{} {}{}: use-after-free of data of module {}, {}", thread,
                          access_words(op, ctx), op.line != 0 ? fmt::format(" at line {}", op.line) : std::string(),
                          ctx.layout.modules[owner].name, module_gone_words(ctx.store, status)));
  effect.module = owner;
  return true;
}

}  // namespace preempt::models

namespace preempt::models {

bool check_complete(const StepContext& ctx, StepEffect& effect) {
  const std::span<const HeapObject> heap = ctx.store.heap();
  if (heap.empty()) return false;
  // kmemleak's rule: an allocated object that no pointer in a global (a shared pointer, a static
  // object, module data) or in an object reachable from one points to is a leak.
  std::vector<char> reached(heap.size(), 0);
  std::vector<Addr> pending;
  const auto reach = [&](std::int64_t value) {
    const Addr addr = addr_of_pointer(value);
    if (!is_heap(addr)) return;
    const HeapObject* object = ctx.store.heap_object(addr);
    if (object == nullptr) return;
    const auto index = static_cast<std::size_t>(object - heap.data());
    if (reached[index] != 0) return;
    reached[index] = 1;
    pending.push_back(object->header());
  };
  const std::vector<CellRole>& roles = ctx.layout.roles;
  for (std::size_t c = 0; c < roles.size(); ++c) {
    // data of an unloaded module is gone: it holds no pointers
    if (roles[c] == CellRole::Pointer && !is_gone(ctx.store, ctx.layout, c)) reach(ctx.store.get(c));
  }
  while (!pending.empty()) {
    const HeapObject& object = *ctx.store.heap_object(pending.back());
    pending.pop_back();
    if (ctx.store.get(object.header()) != kHeapLive) continue;  // a freed object holds no pointers
    const StructInfo& info = ctx.layout.structs[object.type];
    for (std::uint32_t f = 0; f < info.cells.size(); ++f) {
      if (info.cells[f].role == CellRole::Pointer) reach(ctx.store.get(object.header() + 1 + f));
    }
  }
  for (std::size_t i = 0; i < heap.size(); ++i) {
    if (reached[i] != 0 || ctx.store.get(heap[i].header()) != kHeapLive) continue;
    effect.fail(ViolationKind::MemoryLeak,
                fmt::format("{} is neither freed nor reachable from a shared pointer, a static object or module data "
                            "when every thread has finished",
                            describe_heap_object(ctx, heap[i])));
    return true;
  }
  return false;
}

}  // namespace preempt::models
