#pragma once
// FootprintTable: every distinct footprint once, named by a number. DPOR's wakeup trees and sleep
// sets keep the steps of executions still to explore; with a 4-byte number in place of a footprint
// (8 accesses: about 140 bytes) a step takes a few words, and the footprints themselves are bounded
// by the program (its cells and operations), not by the number of executions explored.
//
// Call protocol: intern() a footprint to get its number (the same number for an equal footprint),
// then look it up with operator[]. Numbers stay valid as long as the table lives.
#include <cstdint>
#include <vector>

#include "checker/explore/footprint.hpp"

namespace preempt {

class FootprintTable {
 public:
  [[nodiscard]] std::uint32_t intern(const Footprint& fp);
  [[nodiscard]] const Footprint& operator[](std::uint32_t id) const { return footprints_[id]; }
  [[nodiscard]] std::size_t size() const { return footprints_.size(); }

 private:
  [[nodiscard]] static std::uint64_t hash_of(const Footprint& fp);
  [[nodiscard]] static bool same(const Footprint& a, const Footprint& b);
  void grow();

  std::vector<Footprint> footprints_;
  std::vector<std::uint64_t> hashes_;   // per footprint
  std::vector<std::uint32_t> buckets_;  // open addressing: footprint number + 1, 0 when empty
};

}  // namespace preempt
