#include "checker/rt/layout.hpp"

#include <fmt/format.h>

namespace preempt {

const char* object_kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Int: return "int";
    case ObjectKind::Kobject: return "kobject";
    case ObjectKind::Completion: return "completion";
    case ObjectKind::Mutex: return "mutex";
    case ObjectKind::Spinlock: return "spinlock";
    case ObjectKind::Module: return "module";
  }
  return "?";
}

std::uint32_t ModelLayout::add_group(ObjectGroup group) {
  const auto kind_index = static_cast<std::size_t>(group.kind);
  if (owner_.size() <= kind_index) owner_.resize(kind_index + 1);
  auto& owners = owner_[kind_index];
  group.base = static_cast<std::uint32_t>(owners.size());
  const std::uint32_t count = group.size == 0 ? 1 : group.size;
  const auto group_index = static_cast<std::uint32_t>(groups.size());
  owners.insert(owners.end(), count, group_index);
  switch (group.kind) {
    case ObjectKind::Int: initial.ints.resize(owners.size(), 0); break;
    case ObjectKind::Kobject: initial.kobjects.resize(owners.size()); break;
    case ObjectKind::Completion: initial.completions.resize(owners.size()); break;
    case ObjectKind::Mutex: initial.mutexes.resize(owners.size()); break;
    case ObjectKind::Spinlock: initial.spinlocks.resize(owners.size()); break;
    case ObjectKind::Module: initial.modules.resize(owners.size()); break;
  }
  groups.push_back(std::move(group));
  return groups.back().base;
}

FunctionId ModelLayout::add_function(FunctionInfo info) {
  functions.push_back(std::move(info));
  return static_cast<FunctionId>(functions.size() - 1);
}

ModuleId ModelLayout::add_module(std::string name) {
  const std::uint32_t index = add_group({name, ObjectKind::Module, 0, 0, kNone});
  modules.push_back({std::move(name), kNone});
  return index;
}

const ObjectGroup* ModelLayout::group_of(ObjectRef ref) const {
  const auto kind_index = static_cast<std::size_t>(ref.kind);
  if (kind_index >= owner_.size() || ref.index >= owner_[kind_index].size()) return nullptr;
  return &groups[owner_[kind_index][ref.index]];
}

std::string ModelLayout::object_name(ObjectRef ref) const {
  const ObjectGroup* group = group_of(ref);
  if (group == nullptr) return fmt::format("{}#{}", object_kind_name(ref.kind), ref.index);
  if (group->size == 0) return group->name;
  return fmt::format("{}[{}]", group->name, ref.index - group->base);
}

FunctionId ModelLayout::release_of(std::uint32_t kobject, std::int64_t* index_out) const {
  const ObjectGroup* group = group_of({ObjectKind::Kobject, kobject});
  if (group == nullptr) return kNone;
  if (index_out != nullptr) *index_out = group->size == 0 ? 0 : kobject - group->base;
  return group->release;
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
