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
  FunctionId init_function = kNone;  // what load_module runs (a module it loads starts not loaded)
};

// A struct type as the engine sees it: the cells of one instance, its fields flattened (embedded
// structs and arrays inline), and what each cell is. Offsets count from the instance's first cell
// (a heap object's fields start at offset 1 of the object, after its header).
struct StructInfo {
  struct Cell {
    ObjectKind kind = ObjectKind::Int;  // the object this cell is (or belongs to)
    CellRole role = CellRole::Value;
    std::int64_t initial = 0;           // its value when an instance is created
    std::uint32_t container = 0;        // the offset of the innermost struct instance holding it
    std::uint32_t container_type = 0;   // that struct's type
    FunctionId release = kNone;         // a kobject field: its release method
    std::string path;                   // its name within the struct: "ref", "dev.lock", "socks[2]"
  };
  std::string name;                     // "nbd_config"
  std::vector<Cell> cells;
  // The structs embedded in it, at every depth: (offset of the instance, its StructInfo).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> embedded;
};

// A named group of consecutive objects of one kind: a scalar (size 0) or an array.
struct ObjectGroup {
  std::string name;
  ObjectKind kind = ObjectKind::Int;
  Addr base = 0;               // the first cell of the first element
  std::uint32_t size = 0;      // 0: a scalar; N: an array of N elements
  FunctionId release = kNone;  // kobjects: the release method
  ModuleId module = kNone;     // a module's own group: that module
  std::uint32_t type = kNone;  // a struct instance (or array of them): its StructInfo
  ModuleId owner = kNone;      // module data (`in M`): gone when M is unloaded
};

class ModelLayout {
 public:
  std::string title;
  std::vector<FunctionInfo> functions;
  std::vector<ModuleInfo> modules;
  std::vector<ObjectGroup> groups;  // every declared object, in declaration order
  std::vector<StructInfo> structs;  // every struct type
  Store initial;                    // the state before `init` runs
  std::vector<CellRole> roles;      // per cell of `initial`: what its number means
  // Deferred execution, when the scenario uses it: the kernel state (object_kinds.def), the
  // struct types of workqueues and tasks, and the system workqueue (its `active` count).
  Addr kernel = kNoAddr;
  std::uint32_t workqueue_type = kNone;
  std::uint32_t task_type = kNone;
  Addr system_wq = kNoAddr;
  Addr irq_lines = kNoAddr;  // the interrupt lines 0 .. kIrqLines - 1 (op.hpp), when it uses them

  // Adds a group, places its cells after every earlier group's, and returns its base address.
  [[nodiscard]] Addr add_group(ObjectGroup group);
  [[nodiscard]] FunctionId add_function(FunctionInfo info);
  [[nodiscard]] ModuleId add_module(std::string name);

  // The cells of one element of a group.
  [[nodiscard]] std::uint32_t element_cells(const ObjectGroup& group) const {
    return group.type != kNone ? static_cast<std::uint32_t>(structs[group.type].cells.size())
                               : object_kind_info(group.kind).cells;
  }
  // The address of element `index` of a group (0 for a scalar).
  [[nodiscard]] Addr element(const ObjectGroup& group, std::uint32_t index) const {
    return group.base + Addr{index} * element_cells(group);
  }
  // The module whose data the global cell `addr` is (kNone: not module data).
  [[nodiscard]] ModuleId data_owner(Addr addr) const {
    return addr < data_owner_.size() ? data_owner_[addr] : kNone;
  }
  [[nodiscard]] bool has_module_data() const { return !data_owner_.empty(); }
  // "dm_kobj", "fork[2]", "dm", "static_cfg.ref": the user's name of one global object (of a
  // heap object's cell: "the ref of a struct nbd_config", given its type).
  [[nodiscard]] std::string object_name(ObjectRef ref) const;
  [[nodiscard]] std::string heap_cell_name(std::uint32_t type, std::uint32_t offset) const;
  // What a pointer to the global cell `addr` points to: the struct instance that starts there
  // ("my_ops", "devs[1]", "cfg.inner"), else the cell ("x", "a[2]", "s.flags").
  [[nodiscard]] std::string instance_name(Addr addr) const;
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
  std::vector<std::uint32_t> owner_;      // per cell: the index of its group
  std::vector<ModuleId> data_owner_;      // per cell, when some group is module data
};

}  // namespace preempt
