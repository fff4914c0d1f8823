#pragma once
// The state of every declared object of a Store in the user's words, one line per object (each
// element of an array on its own): "dm_kobj: refcount 1", "kobj_holder: done 0", "lock: held by
// t1", "module dm: unloaded at step 9", "flag: 1". Shared by the HTML page and `preempt play`.
#include <span>
#include <string>
#include <vector>

#include "checker/rt/layout.hpp"
#include "checker/rt/store.hpp"

namespace preempt {

struct ObjectState {
  std::string name;   // "dm_kobj", "fork[2]", "module dm"
  std::string kind;   // "kobject", "completion", "mutex", "spinlock", "module", "int"
  std::string state;  // "refcount 1", "done 0", "unlocked", "live, refcount 1", "7"
};

// Objects in declaration order. `thread_names` names lock owners.
[[nodiscard]] std::vector<ObjectState> describe_store(const Store& store, const ModelLayout& layout,
                                                      std::span<const std::string> thread_names);

}  // namespace preempt
