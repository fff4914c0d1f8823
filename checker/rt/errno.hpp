#pragma once
// The kernel's errno values (include/uapi/asm-generic/errno-base.h, errno.h, linux/errno.h) in one
// place: the models return them negated, as the kernel does; the wording templates name them
// (`value=-EBUSY` in ops.def); the scenario language predefines them (`return -ENOMEM;`).
#include <cstdint>
#include <optional>
#include <string_view>

namespace preempt {

// PREEMPT_ERRNO(NAME, value)
#define PREEMPT_ERRNOS(X)                                                                          \
  X(EPERM, 1) X(ENOENT, 2) X(ESRCH, 3) X(EINTR, 4) X(EIO, 5) X(ENXIO, 6) X(E2BIG, 7) X(EBADF, 9)     \
  X(ECHILD, 10) X(EAGAIN, 11) X(ENOMEM, 12) X(EACCES, 13) X(EFAULT, 14) X(EBUSY, 16) X(EEXIST, 17) \
  X(EXDEV, 18) X(ENODEV, 19) X(ENOTDIR, 20) X(EISDIR, 21) X(EINVAL, 22) X(ENFILE, 23)              \
  X(EMFILE, 24) X(ENOTTY, 25) X(EFBIG, 27) X(ENOSPC, 28) X(ESPIPE, 29) X(EROFS, 30) X(EPIPE, 32)   \
  X(ERANGE, 34) X(EDEADLK, 35) X(ENOSYS, 38) X(ENOTEMPTY, 39) X(ENODATA, 61) X(EPROTO, 71)         \
  X(EOVERFLOW, 75) X(EOPNOTSUPP, 95) X(ENOTCONN, 107) X(ESHUTDOWN, 108) X(ETIMEDOUT, 110)          \
  X(EALREADY, 114) X(EINPROGRESS, 115) X(ECANCELED, 125) X(ERESTARTSYS, 512) X(ENOTSUPP, 524)

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
