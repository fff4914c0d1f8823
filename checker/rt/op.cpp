#include "checker/rt/op.hpp"

namespace preempt {

std::optional<ObjectKind> object_kind_of_letter(char letter) {
  switch (letter) {
    case 'I': return ObjectKind::Int;
    case 'K': return ObjectKind::Kobject;
    case 'C': return ObjectKind::Completion;
    case 'M': return ObjectKind::Mutex;
    case 'S': return ObjectKind::Spinlock;
    case 'D': return ObjectKind::Module;
    default: return std::nullopt;
  }
}

bool find_builtin_op(std::string_view name, OpKind* out) {
  for (std::size_t i = 0; i < detail::kOps.size(); ++i) {
    if (detail::kOps[i].builtin && detail::kOps[i].name == name) {
      *out = static_cast<OpKind>(i);
      return true;
    }
  }
  return false;
}

}  // namespace preempt
