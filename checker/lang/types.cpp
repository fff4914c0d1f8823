#include "checker/lang/types.hpp"

#include <tuple>

#include <fmt/format.h>

namespace preempt::lang {

Types::Types() {
  (void)intern(Type{TypeKind::Void});
  (void)intern(Type{TypeKind::Int});
  (void)intern(Type{TypeKind::Module});
}

TypeId Types::intern(const Type& type) {
  const auto key = std::make_tuple(static_cast<int>(type.kind), static_cast<int>(type.object), type.target, type.length);
  const auto [it, inserted] = index_.emplace(key, static_cast<TypeId>(types_.size()));
  if (inserted) types_.push_back(type);
  return it->second;
}

TypeId Types::object(ObjectKind kind) { return kind == ObjectKind::Int ? int_type() : intern({TypeKind::Object, kind}); }
TypeId Types::struct_type(uint32_t decl) { return intern({TypeKind::Struct, ObjectKind::Int, decl}); }
TypeId Types::pointer_to(uint32_t struct_decl) { return intern({TypeKind::Pointer, ObjectKind::Int, struct_decl}); }
TypeId Types::array_of(TypeId element, uint32_t length) {
  return intern({TypeKind::Array, ObjectKind::Int, element, length});
}

uint32_t Types::signature_id(const Signature& signature) {
  std::vector<TypeId> key = signature.params;
  key.push_back(signature.result);
  const auto [it, inserted] = signature_index_.emplace(std::move(key), static_cast<uint32_t>(signatures_.size()));
  if (inserted) signatures_.push_back(signature);
  return it->second;
}

TypeId Types::function_pointer(const Signature& signature) {
  return intern({TypeKind::Function, ObjectKind::Int, signature_id(signature)});
}

bool Types::is_scalar(TypeId id) const {
  const TypeKind k = types_[id].kind;
  return k == TypeKind::Int || k == TypeKind::Pointer || k == TypeKind::Function || k == TypeKind::Module;
}

bool Types::is_pointer(TypeId id) const {
  const TypeKind k = types_[id].kind;
  return k == TypeKind::Pointer || k == TypeKind::Function || k == TypeKind::Module;
}

uint32_t Types::cells(TypeId id, const std::vector<StructDecl>& structs) const {
  const Type& t = types_[id];
  switch (t.kind) {
    case TypeKind::Void: return 0;
    case TypeKind::Struct: return structs[t.target].cells;
    case TypeKind::Array: {  // saturating: the resolver refuses types past kMaxTypeCells
      const uint64_t total = uint64_t{t.length} * cells(t.target, structs);
      return total > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(total);
    }
    case TypeKind::Object: return object_kind_info(t.object).cells;
    case TypeKind::Int: case TypeKind::Pointer: case TypeKind::Function: case TypeKind::Module: return 1;
  }
  return 1;
}

std::string Types::name(TypeId id, const std::vector<StructDecl>& structs) const {
  const Type& t = types_[id];
  switch (t.kind) {
    case TypeKind::Void: return "void";
    case TypeKind::Int: return "int";
    case TypeKind::Module: return "struct module *";
    case TypeKind::Object:
      switch (t.object) {
        case ObjectKind::Kref: return "struct kref";
        case ObjectKind::Kobject: return "struct kobject";
        case ObjectKind::Completion: return "struct completion";
        case ObjectKind::Mutex: return "struct mutex";
        case ObjectKind::Spinlock: return "spinlock_t";
        case ObjectKind::Refcount: return "refcount_t";
        case ObjectKind::Work: return "struct work_struct";
        case ObjectKind::Timer: return "struct timer_list";
        case ObjectKind::RcuHead: return "struct rcu_head";
        case ObjectKind::Tasklet: return "struct tasklet_struct";
        default: return object_kind_name(t.object);
      }
    case TypeKind::Struct: return "struct " + structs[t.target].name;
    case TypeKind::Pointer: return t.target == kVoidStruct ? "void *" : "struct " + structs[t.target].name + " *";
    case TypeKind::Array: {  // as C writes it: the outer length first (int a[65536][32]: int[65536][32])
      std::string lengths;
      TypeId element = id;
      for (; types_[element].kind == TypeKind::Array; element = types_[element].target) {
        lengths += fmt::format("[{}]", types_[element].length);
      }
      return name(element, structs) + lengths;
    }
    case TypeKind::Function: {
      const Signature& s = signatures_[t.target];
      std::string params;
      for (TypeId p : s.params) params += (params.empty() ? "" : ", ") + name(p, structs);
      return fmt::format("{} (*)({})", name(s.result, structs), params.empty() ? "void" : params);
    }
  }
  return "?";
}

}  // namespace preempt::lang
