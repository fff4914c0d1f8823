#include "checker/rt/op.hpp"

#include <array>

namespace preempt {

const char* op_name(OpKind kind) {
  static constexpr std::array kNames = {
#define PREEMPT_OP(name, spelling) spelling,
#include "checker/rt/ops.def"
  };
  return kNames[static_cast<std::size_t>(kind)];
}

}  // namespace preempt
