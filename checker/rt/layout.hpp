#pragma once
// ModelLayout: the static description of a model that every execution shares -- names of objects,
// functions and modules, which module's text each function lives in, release and exit methods,
// and where each object's cells are. Both front ends (the C++ API and the scenario language)
// build one; the engine and the report writers only read it. Per-execution state lives in the
// Store, never here.
#include <cstdint>
#include <string>
#include <vector>

#include "checker/rt/ids.hpp"
#include "checker/rt/store.hpp"

namespace preempt {

struct FunctionInfo {
  std::string name;
  ModuleId module = kNone;  // kNone: built-in kernel code
  std::uint32_t line = 0;   // where it is declared (0: unknown)
};

struct ModuleInfo {
  std::string name;
  FunctionId exit_function = kNone;
  Addr addr = kNoAddr;      // its object: cell 0 the refcount, cell 1 the status
};

// A named group of consecutive objects of one kind: a scalar (size 0) or an array.
struct ObjectGroup {
  std::string name;
  ObjectKind kind = ObjectKind::Int;
  Addr base = 0;               // the first cell of the first element
  std::uint32_t size = 0;      // 0: a scalar; N: an array of N elements
  FunctionId release = kNone;  // kobjects: the release method
  ModuleId module = kNone;     // a module's own group: that module
};

class ModelLayout {
 public:
  std::string title;
  std::vector<FunctionInfo> functions;
  std::vector<ModuleInfo> modules;
  std::vector<ObjectGroup> groups;  // every declared object, in declaration order
  Store initial;                    // the state before `init` runs
  std::vector<CellRole> roles;      // per cell of `initial`: what its number means

  // Adds a group, places its cells after every earlier group's, and returns its base address.
  [[nodiscard]] Addr add_group(ObjectGroup group);
  [[nodiscard]] FunctionId add_function(FunctionInfo info);
  [[nodiscard]] ModuleId add_module(std::string name);

  // The address of element `index` of a group (0 for a scalar).
  [[nodiscard]] static Addr element(const ObjectGroup& group, std::uint32_t index) {
    return group.base + Addr{index} * object_kind_info(group.kind).cells;
  }
  // "dm_kobj", "fork[2]", "dm": the user's name of one object.
  [[nodiscard]] std::string object_name(ObjectRef ref) const;
  // The group an object belongs to, and its index in it (0 for a scalar); null for an unknown one.
  [[nodiscard]] const ObjectGroup* group_of(Addr addr, std::uint32_t* index_out = nullptr) const;
  // The release method of the kobject at `addr` and its array index argument.
  [[nodiscard]] FunctionId release_of(Addr addr, std::int64_t* index_out) const;
  // The module whose object starts at `addr` (kNone: not a module).
  [[nodiscard]] ModuleId module_at(Addr addr) const;
  [[nodiscard]] ModuleId module_of(FunctionId f) const {
    return f == kNone ? kNone : functions[f].module;
  }
  // The status cell of the module whose code `f` is (kNoAddr: built-in code).
  [[nodiscard]] Addr code_status(FunctionId f) const {
    const ModuleId m = module_of(f);
    return m == kNone ? kNoAddr : modules[m].addr + 1;
  }
  [[nodiscard]] std::string function_name(FunctionId f) const;
  // "dm_kobject_release [module dm]" or "rmmod [built-in]".
  [[nodiscard]] std::string describe_location(FunctionId f) const;

 private:
  std::vector<std::uint32_t> owner_;  // per cell: the index of its group
};

}  // namespace preempt
