#pragma once
// The spaces of objects a step can touch, and the interface through which a guard (an await
// condition) lists what it reads. The dependence relation itself is in explore/footprint.hpp.
#include <cstdint>

namespace preempt {

// Cell: the cells of the Store, by address.
enum class Space : std::uint8_t { Cell };

class FootprintSink {
 public:
  virtual ~FootprintSink() = default;
  // The objects first..last (inclusive) of `space` are read.
  virtual void read(Space space, std::uint64_t first, std::uint64_t last) = 0;
};

}  // namespace preempt
