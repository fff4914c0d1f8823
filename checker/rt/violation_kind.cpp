#include "checker/rt/violation_kind.hpp"

#include <array>

namespace preempt {

namespace {
struct KindInfo {
  std::string_view spelling;
  std::string_view summary;
  std::string_view help;
};
constexpr std::array kKinds = {
#define PREEMPT_VIOLATION(name, spelling, summary, help) KindInfo{spelling, summary, help},
#include "checker/rt/violation_kinds.def"
};
}  // namespace

std::string_view violation_spelling(ViolationKind kind) {
  return kKinds[static_cast<std::size_t>(kind)].spelling;
}

std::string_view violation_summary(ViolationKind kind) {
  return kKinds[static_cast<std::size_t>(kind)].summary;
}

std::string_view violation_help(ViolationKind kind) { return kKinds[static_cast<std::size_t>(kind)].help; }

std::optional<ViolationKind> violation_from_spelling(std::string_view spelling) {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (kKinds[i].spelling == spelling) return static_cast<ViolationKind>(i);
  }
  return std::nullopt;
}

}  // namespace preempt
