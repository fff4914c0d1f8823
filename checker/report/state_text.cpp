#include "checker/report/state_text.hpp"

#include <fmt/format.h>

#include "checker/report/words.hpp"

namespace preempt {

namespace {

std::string owner(std::int64_t cell, std::span<const std::string> names) {
  if (cell == 0) return "unlocked";
  return "held by " + thread_name_of(names, owner_of(cell));
}

std::string module_state(const Store& store, Addr addr) {
  const std::int64_t refcount = store.get(addr);
  switch (static_cast<ModuleStatus>(store.get(addr + 1))) {
    case ModuleStatus::Live: return fmt::format("live, refcount {}", refcount);
    case ModuleStatus::Going: return fmt::format("going (exit running), refcount {}", refcount);
    case ModuleStatus::Unloaded: return fmt::format("unloaded at step {}", store.marked_at(addr + 1));
    case ModuleStatus::NotLoaded: return "not loaded";
    case ModuleStatus::Coming: return fmt::format("coming (init running), refcount {}", refcount);
  }
  return "?";
}

// A heap object's name in the state: "struct nbd_config #1 of opener".
std::string heap_name(const HeapObject& object, const ModelLayout& layout, std::span<const std::string> names) {
  // init's objects are allocated before any thread exists: "of init"
  return fmt::format("struct {} #{} of {}", layout.structs[object.type].name, object.seq + 1,
                     object.thread == kInitHeapOwner ? std::string("init") : thread_name_of(names, object.thread));
}

std::string pointer_state(const Store& store, std::int64_t value, const ModelLayout& layout,
                          std::span<const std::string> names) {
  if (value == 0) return "NULL";
  const Addr addr = addr_of_pointer(value);
  if (!is_heap(addr)) return "-> " + layout.object_name({ObjectKind::Int, addr});
  const HeapObject* object = store.heap_object(addr);
  if (object == nullptr) return "-> ?";
  std::string target = heap_name(*object, layout, names);
  if (heap_offset(addr) > 1) target += "." + layout.structs[object->type].cells[heap_offset(addr) - 1].path;
  return fmt::format("-> {}{}", target, store.get(object->header()) == kHeapFreed ? " (freed)" : "");
}

std::string cell_state(const Store& store, ObjectRef ref, const ModelLayout& layout, std::span<const std::string> names) {
  if (!store.holds(ref.addr)) return "?";
  const std::int64_t cell = store.get(ref.addr);
  switch (ref.kind) {
    case ObjectKind::Int: return std::to_string(cell);
    case ObjectKind::Kobject: case ObjectKind::Kref: case ObjectKind::Refcount: {
      const std::uint32_t released = store.marked_at(ref.addr);
      if (cell == 0 && released != 0) return fmt::format("refcount 0, released at step {}", released);
      return fmt::format("refcount {}", cell);
    }
    case ObjectKind::Completion:
      return cell == kCompleteAll ? "done UINT_MAX (complete_all)" : fmt::format("done {}", cell);
    case ObjectKind::Mutex: case ObjectKind::Spinlock: return owner(cell, names);
    case ObjectKind::Module: return module_state(store, ref.addr);
    case ObjectKind::Pointer: return pointer_state(store, cell, layout, names);
    case ObjectKind::Function: {
      const FunctionId f = function_of_pointer(cell);
      return f == kNone ? std::string("NULL") : "-> " + layout.function_name(f);
    }
    case ObjectKind::ModuleRef: {
      if (cell == 0) return "NULL";
      const ModuleId m = layout.module_at(addr_of_pointer(cell));
      return m == kNone ? std::string("?") : "module " + layout.modules[m].name;
    }
    case ObjectKind::Header: return cell == kHeapFreed ? "freed" : "live";
    case ObjectKind::Work: case ObjectKind::Timer: case ObjectKind::RcuHead: case ObjectKind::Tasklet: {
      const bool running = store.get(ref.addr + 1) != 0;
      const char* armed = ref.kind == ObjectKind::Timer ? "armed" : "pending";
      if (cell != 0 && running) return fmt::format("running, {} again", armed);
      if (running) return "running";
      return cell != 0 ? armed : "idle";
    }
    case ObjectKind::Irq: {
      if (store.get(ref.addr + 5) == 0) return store.get(ref.addr + 1) != 0 ? "freed, handler running" : "free";
      std::string s = store.get(ref.addr + 1) != 0 ? "handler running" : cell != 0 ? "interrupt pending" : "requested";
      if (store.get(ref.addr + 6) != 0) s += fmt::format(", disabled (depth {})", store.get(ref.addr + 6));
      return s;
    }
    case ObjectKind::WaitQueue: {
      std::string queued;
      for (Addr i = 0; i < 4; ++i) {
        const std::int64_t task = store.get(ref.addr + i);
        if (task == 0) continue;
        const auto t = static_cast<std::size_t>(task - 1);
        queued += fmt::format("{}{}", queued.empty() ? "" : ", ", t < names.size() ? names[t] : std::string("?"));
      }
      return queued.empty() ? std::string("nobody queued") : "queued: " + queued;
    }
    case ObjectKind::Kernel:
      return fmt::format("{} RCU reader{}, {} RCU callback{} queued", cell, cell == 1 ? "" : "s",
                         store.get(ref.addr + 1), store.get(ref.addr + 1) == 1 ? "" : "s");
  }
  return "?";
}

}  // namespace

std::vector<ObjectState> describe_store(const Store& store, const ModelLayout& layout,
                                        std::span<const std::string> thread_names) {
  std::vector<ObjectState> out;
  for (const ObjectGroup& group : layout.groups) {
    const std::uint32_t count = group.size == 0 ? 1 : group.size;
    for (std::uint32_t k = 0; k < count; ++k) {
      const Addr element = layout.element(group, k);
      if (group.type != kNone) {  // a static struct: one line per field
        const StructInfo& info = layout.structs[group.type];
        for (std::uint32_t c = 0; c < info.cells.size(); c += std::max<std::uint32_t>(1, object_kind_info(info.cells[c].kind).cells)) {
          const ObjectRef ref{info.cells[c].kind, element + c};
          out.push_back({layout.object_name(ref), object_kind_name(ref.kind), cell_state(store, ref, layout, thread_names)});
        }
        continue;
      }
      const ObjectRef ref{group.kind, element};
      if (group.kind == ObjectKind::Irq && store.get(element + 2) == 0) continue;  // a line never requested
      std::string name = layout.object_name(ref);
      if (group.kind == ObjectKind::Module) name = "module " + name;
      out.push_back({std::move(name), object_kind_name(group.kind), cell_state(store, ref, layout, thread_names)});
    }
  }
  for (const HeapObject& object : store.heap()) {
    const std::string name = heap_name(object, layout, thread_names);
    const bool freed = store.get(object.header()) == kHeapFreed;
    out.push_back({name, "heap object",
                   freed ? fmt::format("freed by {} at step {}", thread_name_of(thread_names, object.free_thread),
                                       object.free_step)
                         : fmt::format("allocated at step {}", object.alloc_step)});
    if (freed) continue;
    const StructInfo& info = layout.structs[object.type];
    for (std::uint32_t c = 0; c < info.cells.size(); ++c) {
      const ObjectRef ref{info.cells[c].kind, object.header() + 1 + c};
      out.push_back({name + "." + info.cells[c].path, object_kind_name(ref.kind), cell_state(store, ref, layout, thread_names)});
    }
  }
  return out;
}

}  // namespace preempt
