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
  }
  return "?";
}

std::string element_state(const Store& store, ObjectRef ref, std::span<const std::string> names) {
  if (!store.holds(ref.addr)) return "?";
  const std::int64_t cell = store.get(ref.addr);
  switch (ref.kind) {
    case ObjectKind::Int: return std::to_string(cell);
    case ObjectKind::Kobject: {
      const std::uint32_t released = store.marked_at(ref.addr);
      if (cell == 0 && released != 0) return fmt::format("refcount 0, released at step {}", released);
      return fmt::format("refcount {}", cell);
    }
    case ObjectKind::Completion:
      return cell == kCompleteAll ? "done UINT_MAX (complete_all)" : fmt::format("done {}", cell);
    case ObjectKind::Mutex: case ObjectKind::Spinlock: return owner(cell, names);
    case ObjectKind::Module: return module_state(store, ref.addr);
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
      const ObjectRef ref{group.kind, ModelLayout::element(group, k)};
      std::string name = layout.object_name(ref);
      if (group.kind == ObjectKind::Module) name = "module " + name;
      out.push_back({std::move(name), object_kind_name(group.kind), element_state(store, ref, thread_names)});
    }
  }
  return out;
}

}  // namespace preempt
