#include "checker/rt/access_set.hpp"

#include <algorithm>

namespace preempt {

AccessIndex::AccessIndex(const Store& shape) {
  const std::array<std::size_t, kSpaces> sizes = {shape.cells.size()};
  std::uint32_t bit = 0;
  for (std::size_t s = 0; s < kSpaces; ++s) {
    size_[s] = static_cast<std::uint32_t>(sizes[s]);
    bits_[s] = std::min(size_[s], kMaxBits);
    offset_[s] = bit;
    bit += bits_[s];
  }
  heap_offset_ = bit;
  bit += kHeapBits;
  words_ = (bit + 63) / 64;
}

void AccessSet::reset(const AccessIndex& index) {
  words_ = index.words();
  bits_.assign(2 * std::size_t{words_}, 0);
}

void AccessSet::add(const AccessIndex& index, Space space, bool write, std::uint64_t first, std::uint64_t last) {
  index.for_each_bit(space, first, last, [&](std::uint32_t bit) {
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    bits_[bit / 64] |= mask;
    if (write) bits_[words_ + bit / 64] |= mask;
  });
}

void AccessSet::merge(const AccessSet& other) {
  for (std::size_t i = 0; i < bits_.size(); ++i) bits_[i] |= other.bits_[i];
}

bool AccessSet::conflicts(const AccessSet& other) const {
  for (std::uint32_t i = 0; i < words_; ++i) {
    if ((bits_[words_ + i] & other.bits_[i]) != 0 || (bits_[i] & other.bits_[words_ + i]) != 0) return true;
  }
  return false;
}

bool AccessSet::covers(const AccessSet& other) const {
  for (std::size_t i = 0; i < bits_.size(); ++i) {
    if ((other.bits_[i] & ~bits_[i]) != 0) return false;
  }
  return true;
}

}  // namespace preempt
