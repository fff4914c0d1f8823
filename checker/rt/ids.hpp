#pragma once
// Small integer identities used across the engine. All are indices into per-model tables, so that
// the engine never keys anything by address (determinism) and copies stay cheap.
#include <cstdint>
#include <limits>

namespace preempt {

using ThreadId = std::uint32_t;    // index of a thread slot in one execution (creation order)
using FunctionId = std::uint32_t;  // index into ModelLayout::functions
using ModuleId = std::uint32_t;    // index into ModelLayout::modules

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// The kinds of shared objects a model declares. Each kind has its own table in the Store.
enum class ObjectKind : std::uint8_t { Int, Kobject, Completion, Mutex, Spinlock, Module };

// A reference to one object: its kind and its index in that kind's table.
struct ObjectRef {
  ObjectKind kind = ObjectKind::Int;
  std::uint32_t index = kNone;
  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

[[nodiscard]] const char* object_kind_name(ObjectKind kind);

}  // namespace preempt
