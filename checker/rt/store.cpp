#include "checker/rt/store.hpp"

namespace preempt {

void Store::assign_from(const Store& other) {
  // std::vector's copy assignment reuses capacity when the sizes fit: no allocation per execution.
  ints = other.ints;
  kobjects = other.kobjects;
  completions = other.completions;
  mutexes = other.mutexes;
  spinlocks = other.spinlocks;
  modules = other.modules;
}

}  // namespace preempt
