// The kernel code the language provides written in the language itself: file operations entered
// through the VFS (vfs_open, vfs_read, vfs_write, vfs_release), debugfs files and their active
// references (debugfs_create_file, debugfs_remove, the full proxy's debugfs_open, ...), and sysfs
// attributes with their kernfs active references (device_create_file, device_remove_file,
// device_remove_file_self, sysfs_read, sysfs_write). docs/models.md, "File operations, debugfs
// and sysfs".
//
// The prelude is built-in code: it is appended to the scenario's text (after its last line) and
// compiled with it, its functions are the kernel's (never unloaded), and the steps they take are
// reported at the line of the scenario's call that entered them. A group of the prelude is
// appended only when the scenario names one of its functions or structs; a scenario that defines
// one of the group's structs itself (its own `struct file_operations`) does without the group, and
// a function of the scenario's own with a prelude function's name replaces it (the front end warns,
// as for a builtin of ops.def).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace preempt::lang {

struct Prelude {
  std::string text;                   // what to append (empty: none); it starts with a newline
  std::vector<std::string> replaced;  // the prelude's functions the scenario defines itself
};

// The prelude `scenario` needs.
[[nodiscard]] Prelude kernel_prelude(std::string_view scenario);

// The name of every function of the prelude, in the prelude's order (for editors' completion).
[[nodiscard]] std::vector<std::string_view> prelude_functions();

}  // namespace preempt::lang
