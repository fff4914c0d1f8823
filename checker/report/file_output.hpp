#pragma once
// Report files that are never lost or half written.
//
// write_report_file() builds the whole content first, then writes it to a temporary file in the
// same folder as `path` (`.NAME.XXXXXX`), flushes it to the disk and renames it over `path`: a
// reader (a CI step after a cancelled job) sees the old file or the complete new one, never a
// truncated one. A `path` that exists and is not a regular file (/dev/stdout, a FIFO) is written
// in place. Any failure -- no such folder, a full disk (/dev/full), a closed pipe -- returns false
// with `error` saying what, and leaves no temporary file behind.
#include <functional>
#include <ostream>
#include <string>

namespace preempt {

[[nodiscard]] bool write_report_file(const std::string& path, const std::function<void(std::ostream&)>& write,
                                     const std::string& what, std::string* error);

}  // namespace preempt
