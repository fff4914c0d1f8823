#include "checker/rt/store.hpp"

namespace preempt {

std::uint32_t Store::marked_at(Addr addr) const {
  for (auto it = marks_.rbegin(); it != marks_.rend(); ++it) {
    if (it->addr == addr) return it->step;
  }
  return 0;
}

void Store::assign_from(const Store& other) {
  // std::vector's copy assignment reuses capacity when the sizes fit: no allocation per execution.
  cells = other.cells;
  marks_ = other.marks_;
}

}  // namespace preempt
