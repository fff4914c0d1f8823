#pragma once
// ModelLayout: the static description of a model that every execution shares -- names of objects,
// functions and modules, which module's text each function lives in, release and exit methods.
// Both front ends (the C++ API and the scenario language) build one; the engine and the report
// writers only read it. Per-execution state lives in the Store, never here.
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
};

// A named group of consecutive objects of one kind: a scalar (size 0) or an array.
struct ObjectGroup {
  std::string name;
  ObjectKind kind = ObjectKind::Int;
  std::uint32_t base = 0;   // index of the first element in the kind's table
  std::uint32_t size = 0;   // 0: a scalar; N: an array of N elements
  FunctionId release = kNone;  // kobjects: the release method
};

class ModelLayout {
 public:
  std::string title;
  std::vector<FunctionInfo> functions;
  std::vector<ModuleInfo> modules;
  std::vector<ObjectGroup> groups;  // every declared object, in declaration order
  Store initial;                    // the state before `init` runs

  // Index tables: for each kind, the group owning each element (filled by add_group).
  [[nodiscard]] std::uint32_t add_group(ObjectGroup group);
  [[nodiscard]] FunctionId add_function(FunctionInfo info);
  [[nodiscard]] ModuleId add_module(std::string name);

  // "dm_kobj", "fork[2]", "module dm": the user's name of one object.
  [[nodiscard]] std::string object_name(ObjectRef ref) const;
  [[nodiscard]] const ObjectGroup* group_of(ObjectRef ref) const;
  // The release method of one kobject and its array index argument.
  [[nodiscard]] FunctionId release_of(std::uint32_t kobject, std::int64_t* index_out) const;
  [[nodiscard]] ModuleId module_of(FunctionId f) const {
    return f == kNone ? kNone : functions[f].module;
  }
  [[nodiscard]] std::string function_name(FunctionId f) const;
  // "dm_kobject_release [module dm]" or "rmmod [built-in]".
  [[nodiscard]] std::string describe_location(FunctionId f) const;

 private:
  std::vector<std::vector<std::uint32_t>> owner_;  // per kind: element -> group index
};

}  // namespace preempt
