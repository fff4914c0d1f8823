#pragma once
// The kinds of violation preempt reports. The list lives in violation_kinds.def.
#include <cstdint>
#include <optional>
#include <string_view>

namespace preempt {

enum class ViolationKind : std::uint8_t {
#define PREEMPT_VIOLATION(name, spelling, summary, help) name,
#include "checker/rt/violation_kinds.def"
};

// "unloaded-code" for ViolationKind::UnloadedCode.
[[nodiscard]] std::string_view violation_spelling(ViolationKind kind);
[[nodiscard]] std::string_view violation_summary(ViolationKind kind);
// How to read and fix a violation of this kind (Markdown `code` spans).
[[nodiscard]] std::string_view violation_help(ViolationKind kind);
// The kind spelled `spelling`, if any.
[[nodiscard]] std::optional<ViolationKind> violation_from_spelling(std::string_view spelling);

}  // namespace preempt
