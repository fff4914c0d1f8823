#pragma once
// The kernel's errno values that the modelled primitives return (negated, as the kernel does), in
// one place: the models return them, the wording templates name them (`value=-EBUSY` in ops.def).
#include <cstdint>
#include <optional>
#include <string_view>

namespace preempt {

// PREEMPT_ERRNO(NAME, value)
#define PREEMPT_ERRNOS(X) X(ENOENT, 2) X(EINTR, 4) X(EBUSY, 16) X(EEXIST, 17) X(ENODEV, 19) X(EINVAL, 22)

#define PREEMPT_ERRNO_CONSTANT(name, value) inline constexpr std::int64_t k##name = value;
PREEMPT_ERRNOS(PREEMPT_ERRNO_CONSTANT)
#undef PREEMPT_ERRNO_CONSTANT

// The value of errno `name` ("EBUSY" -> 16), if it is one of the above.
[[nodiscard]] inline std::optional<std::int64_t> errno_value(std::string_view name) {
#define PREEMPT_ERRNO_LOOKUP(errno_name, value) \
  if (name == #errno_name) return value;
  PREEMPT_ERRNOS(PREEMPT_ERRNO_LOOKUP)
#undef PREEMPT_ERRNO_LOOKUP
  return std::nullopt;
}

}  // namespace preempt
