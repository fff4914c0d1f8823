#include "checker/rt/op.hpp"

namespace preempt {

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
