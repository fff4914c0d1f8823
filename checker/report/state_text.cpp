#include "checker/report/state_text.hpp"

#include <fmt/format.h>

#include "checker/report/words.hpp"

namespace preempt {

namespace {

std::string owner(const LockState& lock, std::span<const std::string> names) {
  if (lock.owner == kNone) return "unlocked";
  return "held by " + thread_name_of(names, lock.owner);
}

std::string module_state(const ModuleState& m) {
  switch (m.status) {
    case ModuleStatus::Live: return fmt::format("live, refcount {}", m.refcount);
    case ModuleStatus::Going: return fmt::format("going (exit running), refcount {}", m.refcount);
    case ModuleStatus::Unloaded: return fmt::format("unloaded at step {}", m.unloaded_at_step);
  }
  return "?";
}

std::string element_state(const Store& store, ObjectRef ref, std::span<const std::string> names) {
  const std::uint32_t i = ref.index;
  switch (ref.kind) {
    case ObjectKind::Int:
      return i < store.ints.size() ? std::to_string(store.ints[i]) : "?";
    case ObjectKind::Kobject: {
      if (i >= store.kobjects.size()) return "?";
      const KobjectState& k = store.kobjects[i];
      if (k.refcount == 0 && k.released_at_step != 0) return fmt::format("refcount 0, released at step {}", k.released_at_step);
      return fmt::format("refcount {}", k.refcount);
    }
    case ObjectKind::Completion: {
      if (i >= store.completions.size()) return "?";
      const std::uint64_t done = store.completions[i].done;
      return done == CompletionState::kCompleteAll ? "done UINT_MAX (complete_all)" : fmt::format("done {}", done);
    }
    case ObjectKind::Mutex:
      return i < store.mutexes.size() ? owner(store.mutexes[i], names) : "?";
    case ObjectKind::Spinlock:
      return i < store.spinlocks.size() ? owner(store.spinlocks[i], names) : "?";
    case ObjectKind::Module:
      return i < store.modules.size() ? module_state(store.modules[i]) : "?";
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
      const ObjectRef ref{group.kind, group.base + k};
      std::string name = layout.object_name(ref);
      if (group.kind == ObjectKind::Module) name = "module " + name;
      out.push_back({std::move(name), object_kind_name(group.kind), element_state(store, ref, thread_names)});
    }
  }
  return out;
}

}  // namespace preempt
