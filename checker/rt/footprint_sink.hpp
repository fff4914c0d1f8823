#pragma once
// The object spaces a step can touch, and the interface through which a guard (an await
// condition) lists what it reads. The dependence relation itself is in explore/footprint.hpp.
#include <cstdint>

namespace preempt {

enum class Space : std::uint8_t { Int, Kobject, Completion, Mutex, Spinlock, ModuleRef, ModuleStatus };

class FootprintSink {
 public:
  virtual ~FootprintSink() = default;
  // The objects first..last (inclusive) of `space` are read.
  virtual void read(Space space, std::uint32_t first, std::uint32_t last) = 0;
};

}  // namespace preempt
