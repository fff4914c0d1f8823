#include "checker/rt/layout.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace preempt {

namespace {
constexpr std::array kKinds = {
#define PREEMPT_OBJECT(name, spelling, cells, initial, role0, role1, role2, role3, role4) \
  ObjectKindInfo{spelling, cells, initial,                                              \
                 {CellRole::role0, CellRole::role1, CellRole::role2, CellRole::role3, CellRole::role4}},
#include "checker/rt/object_kinds.def"
};
}  // namespace

const ObjectKindInfo& object_kind_info(ObjectKind kind) { return kKinds[static_cast<std::size_t>(kind)]; }

Addr ModelLayout::add_group(ObjectGroup group) {
  const ObjectKindInfo& info = object_kind_info(group.kind);
  group.base = initial.cells.size();
  const std::uint32_t count = group.size == 0 ? 1 : group.size;
  const auto group_index = static_cast<std::uint32_t>(groups.size());
  for (std::uint32_t e = 0; e < count; ++e) {
    if (group.type != kNone) {
      for (const StructInfo::Cell& cell : structs[group.type].cells) {
        initial.cells.push_back(cell.initial);
        roles.push_back(cell.role);
        owner_.push_back(group_index);
      }
      continue;
    }
    for (std::uint32_t c = 0; c < info.cells; ++c) {
      initial.cells.push_back(c == 0 ? info.initial : 0);
      roles.push_back(info.role(c));
      owner_.push_back(group_index);
    }
  }
  if (group.owner != kNone || !data_owner_.empty()) {
    data_owner_.resize(owner_.size(), kNone);
    std::fill(data_owner_.begin() + static_cast<std::ptrdiff_t>(group.base), data_owner_.end(), group.owner);
  }
  groups.push_back(std::move(group));
  initial.seal_globals();
  return groups.back().base;
}

FunctionId ModelLayout::add_function(FunctionInfo info) {
  functions.push_back(std::move(info));
  return static_cast<FunctionId>(functions.size() - 1);
}

ModuleId ModelLayout::add_module(std::string name) {
  const auto id = static_cast<ModuleId>(modules.size());
  const Addr addr = add_group({name, ObjectKind::Module, 0, 0, kNone, id});
  modules.push_back({std::move(name), kNone, addr});
  return id;
}

const ObjectGroup* ModelLayout::group_of(Addr addr, std::uint32_t* index_out) const {
  if (addr >= owner_.size()) return nullptr;
  const ObjectGroup& group = groups[owner_[addr]];
  if (index_out != nullptr) *index_out = static_cast<std::uint32_t>((addr - group.base) / element_cells(group));
  return &group;
}

std::string ModelLayout::object_name(ObjectRef ref) const {
  std::uint32_t index = 0;
  const ObjectGroup* group = group_of(ref.addr, &index);
  if (group == nullptr) return fmt::format("{}#{}", object_kind_name(ref.kind), ref.addr);
  if (group->kind == ObjectKind::Irq) return fmt::format("IRQ {}", index);  // the kernel's interrupt lines
  std::string name = group->size == 0 ? group->name : fmt::format("{}[{}]", group->name, index);
  if (group->type != kNone) {
    const auto offset = static_cast<std::uint32_t>(ref.addr - element(*group, index));
    const std::string& path = structs[group->type].cells[offset].path;
    if (!path.empty()) name += "." + path;
  }
  return name;
}

std::string ModelLayout::instance_name(Addr addr) const {
  std::uint32_t index = 0;
  const ObjectGroup* group = group_of(addr, &index);
  if (group == nullptr || group->type == kNone) return object_name({ObjectKind::Int, addr});
  const std::string name = group->size == 0 ? group->name : fmt::format("{}[{}]", group->name, index);
  const auto offset = static_cast<std::uint32_t>(addr - element(*group, index));
  if (offset == 0) return name;
  const StructInfo& info = structs[group->type];
  for (const auto& [start, type] : info.embedded) {
    if (start != offset) continue;
    const std::string& path = info.cells[offset].path;  // "inner.x": the embedded struct is "inner"
    const std::size_t dot = path.rfind('.');
    return dot == std::string::npos ? name : name + "." + path.substr(0, dot);
  }
  return object_name({ObjectKind::Int, addr});
}

std::string ModelLayout::heap_cell_name(std::uint32_t type, std::uint32_t offset) const {
  if (type >= structs.size()) return "?";
  const StructInfo& info = structs[type];
  if (offset == 0 || offset > info.cells.size()) return fmt::format("a struct {}", info.name);
  return fmt::format("the {} of a struct {}", info.cells[offset - 1].path, info.name);
}

FunctionId ModelLayout::release_of(Addr addr, std::int64_t* index_out) const {
  std::uint32_t index = 0;
  const ObjectGroup* group = group_of(addr, &index);
  if (group == nullptr) return kNone;
  if (index_out != nullptr) *index_out = index;
  if (group->type != kNone) return structs[group->type].cells[addr - element(*group, index)].release;
  return group->release;
}

ModuleId ModelLayout::module_at(Addr addr) const {
  const ObjectGroup* group = group_of(addr);
  return group != nullptr && group->kind == ObjectKind::Module ? group->module : kNone;
}

std::string ModelLayout::function_name(FunctionId f) const {
  return f == kNone || f >= functions.size() ? std::string("?") : functions[f].name;
}

std::string ModelLayout::describe_location(FunctionId f) const {
  if (f == kNone || f >= functions.size()) return "built-in";
  const FunctionInfo& info = functions[f];
  if (info.module == kNone) return fmt::format("{} [built-in]", info.name);
  return fmt::format("{} [module {}]", info.name, modules[info.module].name);
}

}  // namespace preempt
