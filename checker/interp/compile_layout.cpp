// The compiler, layout: the ModelLayout a checked program runs against -- its modules and
// functions, its structs flattened into cells, its globals placed in the Store with their initial
// values.
#include <fmt/format.h>

#include "checker/interp/compiler_internal.hpp"
#include "checker/rt/address.hpp"

namespace preempt::interp::detail {

namespace {
FunctionId function_id(int32_t index) { return index < 0 ? kNone : static_cast<FunctionId>(index); }
}  // namespace

ObjectKind Compiler::cell_kind(TypeId type) const {
  const Type& t = program_.types[type];
  switch (t.kind) {
    case TypeKind::Object: return t.object;
    case TypeKind::Pointer: return ObjectKind::Pointer;
    case TypeKind::Function: return ObjectKind::Function;
    case TypeKind::Module: return ObjectKind::ModuleRef;
    case TypeKind::Int: case TypeKind::Void: case TypeKind::Struct: case TypeKind::Array: break;
  }
  return ObjectKind::Int;
}

void Compiler::build_layout() {
  ModelLayout& layout = *out_.layout;
  layout.title = program_.title;
  for (const ModuleDecl& m : program_.modules) (void)layout.add_module(m.name);
  for (const FunctionDecl& f : program_.functions) {
    (void)layout.add_function({f.name, f.module < 0 ? kNone : static_cast<ModuleId>(f.module),
                               program_.in_prelude(f.loc) ? 0 : f.loc.line});
  }
  for (std::size_t m = 0; m < program_.modules.size(); ++m) {
    layout.modules[m].exit_function = function_id(program_.modules[m].exit_function);
    // A module that load_module loads: not there until then; its init runs in that call, not in init.
    if (program_.modules[m].loaded_by_call) {
      layout.modules[m].init_function = function_id(program_.modules[m].init_function);
      layout.initial.at(layout.modules[m].addr + 1) = static_cast<std::int64_t>(ModuleStatus::NotLoaded);
    }
  }
  struct_info_.assign(program_.structs.size(), kNone);
  for (uint32_t s = 0; s < program_.structs.size(); ++s) {
    if (program_.structs[s].complete) (void)struct_info(s);
  }
  for (const GlobalDecl& g : program_.globals) add_global(g);
  for (std::size_t g = 0; g < program_.globals.size(); ++g) {
    const GlobalDecl& decl = program_.globals[g];
    initialize(global_addr_[g], decl.type, decl.init, decl.module);
  }
  // Deferred execution: the structs the language provides, the system workqueue, the kernel state.
  for (uint32_t s = 0; s < program_.structs.size(); ++s) {
    if (!program_.structs[s].complete) continue;
    if (program_.structs[s].name == "workqueue_struct") layout.workqueue_type = struct_info(s);
    if (program_.structs[s].name == "task_struct") layout.task_type = struct_info(s);
  }
  for (std::size_t g = 0; g < program_.globals.size(); ++g) {
    const Type& t = program_.types[program_.globals[g].type];
    if (program_.globals[g].name == "system_wq" && t.kind == TypeKind::Struct) layout.system_wq = global_addr_[g];
  }
  if (program_.deferred) {
    ObjectGroup kernel;
    kernel.name = "the kernel";
    kernel.kind = ObjectKind::Kernel;
    layout.kernel = layout.add_group(std::move(kernel));
  }
  if (program_.interrupts) {
    ObjectGroup lines;
    lines.name = "IRQ";
    lines.kind = ObjectKind::Irq;
    lines.size = static_cast<std::uint32_t>(kIrqLines);
    layout.irq_lines = layout.add_group(std::move(lines));
  }
}

// The StructInfo of a struct, built on first use (an embedded struct's before its container's).
uint32_t Compiler::struct_info(uint32_t decl) {
  if (struct_info_[decl] != kNone) return struct_info_[decl];
  std::vector<StructInfo>& structs = out_.layout->structs;
  const auto id = static_cast<uint32_t>(structs.size());
  struct_info_[decl] = id;
  structs.emplace_back();
  StructInfo info;
  info.name = program_.structs[decl].name;
  for (const Field& f : program_.structs[decl].fields) flatten(info, f.type, 0, id, f.name, function_id(f.release));
  out_.layout->structs[id] = std::move(info);
  return id;
}

// Appends the cells of one `type` at `path` of a struct instance: objects and scalars one cell
// each (a kobject's count starting at 1), embedded structs field by field, arrays element by element.
void Compiler::flatten(StructInfo& info, TypeId type, uint32_t container, uint32_t container_type,
                       const std::string& path, FunctionId release) {
  const Type& t = program_.types[type];
  switch (t.kind) {
    case TypeKind::Struct: {
      const auto start = static_cast<uint32_t>(info.cells.size());
      const uint32_t inner = struct_info(t.target);
      info.embedded.emplace_back(start, inner);
      for (const Field& f : program_.structs[t.target].fields) {
        flatten(info, f.type, start, inner, path + "." + f.name, function_id(f.release));
      }
      return;
    }
    case TypeKind::Array:
      for (uint32_t i = 0; i < t.length; ++i) {
        flatten(info, t.target, container, container_type, fmt::format("{}[{}]", path, i), release);
      }
      return;
    default: {
      const ObjectKind kind = cell_kind(type);
      const ObjectKindInfo& k = object_kind_info(kind);
      for (uint32_t c = 0; c < k.cells; ++c) {
        info.cells.push_back(StructInfo::Cell{kind, k.role(c), c == 0 ? k.initial : 0, container,
                                              container_type, release, path});
      }
      return;
    }
  }
}

void Compiler::add_global(const GlobalDecl& g) {
  TypeId element = g.type;
  uint32_t count = 0;
  while (program_.types[element].kind == TypeKind::Array) {
    count = (count == 0 ? 1 : count) * program_.types[element].length;
    element = program_.types[element].target;
  }
  ObjectGroup group;
  group.name = g.name;
  group.kind = cell_kind(element);
  group.size = count;
  group.release = function_id(g.release_function);
  group.owner = g.module < 0 ? kNone : static_cast<ModuleId>(g.module);
  if (program_.types[element].kind == TypeKind::Struct) group.type = struct_info(program_.types[element].target);
  global_addr_.push_back(out_.layout->add_group(std::move(group)));
}

void Compiler::initialize(Addr addr, TypeId type, const Initializer& init, int32_t module) {
  Store& initial = out_.layout->initial;
  switch (init.kind) {
    case Initializer::Kind::None: return;
    case Initializer::Kind::Int: initial.at(addr) = init.value; return;
    case Initializer::Kind::Null: initial.at(addr) = 0; return;
    case Initializer::Kind::Function: initial.at(addr) = function_pointer(static_cast<FunctionId>(init.value)); return;
    case Initializer::Kind::Module:
      initial.at(addr) = pointer_to(out_.layout->modules[static_cast<std::size_t>(init.value)].addr);
      return;
    case Initializer::Kind::AddressOf:
      initial.at(addr) = pointer_to(global_addr_[static_cast<std::size_t>(init.value)]);
      return;
    case Initializer::Kind::Fields: {
      const StructDecl& s = program_.structs[program_.types[type].target];
      for (const auto& [field, value] : init.fields) {
        initialize(addr + s.fields[field].offset, s.fields[field].type, value, module);
      }
      return;
    }
  }
}

}  // namespace preempt::interp::detail
