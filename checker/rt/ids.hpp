#pragma once
// Small integer identities used across the engine. All are indices into per-model tables, so that
// the engine never keys anything by address (determinism) and copies stay cheap.
#include <cstdint>
#include <limits>
#include <string_view>

namespace preempt {

using ThreadId = std::uint32_t;    // index of a thread slot in one execution (creation order)
using FunctionId = std::uint32_t;  // index into ModelLayout::functions
using ModuleId = std::uint32_t;    // index into ModelLayout::modules
using Addr = std::uint64_t;        // the first cell of an object in the Store

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
inline constexpr Addr kNoAddr = std::numeric_limits<Addr>::max();

// The kinds of shared objects a model declares (object_kinds.def).
enum class ObjectKind : std::uint8_t {
#define PREEMPT_OBJECT(name, spelling, cells, initial, role0, role1, role2, role3, role4) name,
#include "checker/rt/object_kinds.def"
};

// What the number in a cell means.
enum class CellRole : std::uint8_t {
  Value,         // an int
  Count,         // a reference count
  Done,          // a completion's done counter (UINT_MAX: complete_all)
  Owner,         // a lock's owner: 0 free, t + 1 held by thread t
  ModuleStatus,  // ModuleStatus below
  Pointer,       // a pointer value (address.hpp)
  HeapStatus,    // a heap object's header: kHeapLive, kHeapFreed (address.hpp)
};

// A module's status cell.
// NotLoaded: a module that load_module loads, before it does (its code and data are not there);
// Coming: its init is running (try_module_get succeeds, as the kernel's module_is_live).
enum class ModuleStatus : std::uint8_t { Live = 0, Going = 1, Unloaded = 2, NotLoaded = 3, Coming = 4 };
// Whether a module's code and data are absent (a module status cell's value): unloaded, or not loaded yet.
[[nodiscard]] constexpr bool module_absent(std::int64_t status) {
  return status == static_cast<std::int64_t>(ModuleStatus::Unloaded) ||
         status == static_cast<std::int64_t>(ModuleStatus::NotLoaded);
}

// The completion count complete_all() sets: UINT_MAX, as in the kernel.
inline constexpr std::int64_t kCompleteAll = 0xffffffff;

// A reference to one object: its kind and its first cell.
struct ObjectRef {
  ObjectKind kind = ObjectKind::Int;
  Addr addr = kNoAddr;
  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

struct ObjectKindInfo {
  std::string_view name;
  std::uint32_t cells;
  std::int64_t initial;  // cell 0 at the start
  CellRole roles[5];  // cells past the fifth: the fifth's
  [[nodiscard]] CellRole role(std::uint32_t cell) const { return roles[cell < 5 ? cell : 4]; }
};
[[nodiscard]] const ObjectKindInfo& object_kind_info(ObjectKind kind);
[[nodiscard]] inline const char* object_kind_name(ObjectKind kind) { return object_kind_info(kind).name.data(); }

// A lock owner cell's value for thread t, and back (kNone for a free lock).
[[nodiscard]] inline std::int64_t owner_cell(ThreadId t) { return t == kNone ? 0 : std::int64_t{t} + 1; }
[[nodiscard]] inline ThreadId owner_of(std::int64_t cell) {
  return cell <= 0 ? kNone : static_cast<ThreadId>(cell - 1);
}

}  // namespace preempt
