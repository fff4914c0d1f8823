#pragma once
// The few words every report uses for the same things: a thread's name, a function with the module
// its code belongs to, a completion's count. One spelling, so the story, the table, the HTML page,
// SARIF and the graph all say it alike.
#include <cstdint>
#include <span>
#include <string>

#include "checker/rt/layout.hpp"

namespace preempt {

// The name of thread `t`, or "?" for an id the execution does not know.
[[nodiscard]] std::string thread_name_of(std::span<const std::string> names, ThreadId t);

// How module code is tagged: "dm_kobject_release [module dm]" or "dm_kobject_release [dm]".
enum class ModuleTag : std::uint8_t { Long, Short };

// The function's name with its module's tag for module code, the bare name for built-in code,
// "?" for no function.
[[nodiscard]] std::string function_text(const ModelLayout& layout, FunctionId f, ModuleTag tag);

// A completion's done count: "UINT_MAX" once complete_all() set it.
[[nodiscard]] std::string done_text(std::int64_t done);

}  // namespace preempt
