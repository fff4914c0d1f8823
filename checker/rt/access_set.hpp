#pragma once
// AccessSet: the objects that some steps may touch, and which of them they may write, as bitsets
// over every object of a model. AccessIndex numbers the objects (space by space: the Store's cells
// by address), so two sets built from stores of the same shape can be compared.
//
// The stateful strategy's partial-order reduction asks each thread for the objects its remaining
// steps may touch (StateSource::future_accesses) and lets a thread run alone when its next step
// touches none of the objects the other threads may still touch.
//
// Large spaces fold: in a space with more than kMaxBits objects, object i shares bit i % kMaxBits
// with others. Folding only adds conflicts, so a set stays an over-approximation. Heap cells
// (address.hpp) fold by their offset in their object alone, whatever object: a static analysis
// knows the field a pointer reaches, not the object, and every access to a heap object touches
// its header (offset 0) too, so any two accesses to heap objects that may be the same conflict.
#include <array>
#include <cstdint>
#include <vector>

#include "checker/rt/address.hpp"
#include "checker/rt/footprint_sink.hpp"
#include "checker/rt/store.hpp"

namespace preempt {

class AccessIndex {
 public:
  static constexpr std::uint32_t kSpaces = 1;  // the enumerators of Space
  static constexpr std::uint32_t kMaxBits = 1024;

  AccessIndex() = default;
  // Numbers the cells of `shape` (the ModelLayout's initial store).
  explicit AccessIndex(const Store& shape);

  // Words of one bitset.
  [[nodiscard]] std::uint32_t words() const { return words_; }
  // Calls f(bit) for each bit that objects first..last of `space` map to (last is clamped to the
  // space; a range as wide as the folded space covers all of its bits).
  static constexpr std::uint32_t kHeapBits = 256;

  template <class F>
  void for_each_bit(Space space, std::uint64_t first, std::uint64_t last, F&& f) const {
    if (is_heap(first)) {
      const std::uint64_t span = last - first;
      if (span >= kHeapBits) {
        for (std::uint32_t b = 0; b < kHeapBits; ++b) f(heap_offset_ + b);
        return;
      }
      for (std::uint64_t a = first; a <= last; ++a) f(heap_offset_ + heap_offset(a) % kHeapBits);
      return;
    }
    const auto s = static_cast<std::size_t>(space);
    if (size_[s] == 0 || first >= size_[s]) return;
    if (last >= size_[s]) last = size_[s] - 1;
    if (last - first + 1 >= bits_[s]) {
      for (std::uint32_t b = 0; b < bits_[s]; ++b) f(offset_[s] + b);
      return;
    }
    for (std::uint64_t i = first; i <= last; ++i) f(offset_[s] + static_cast<std::uint32_t>(i % bits_[s]));
  }

 private:
  std::array<std::uint32_t, kSpaces> offset_{};  // first bit of each space
  std::array<std::uint32_t, kSpaces> size_{};    // objects of each space
  std::array<std::uint32_t, kSpaces> bits_{};    // bits of each space: min(size, kMaxBits)
  std::uint32_t heap_offset_ = 0;                // first bit of the heap's kHeapBits
  std::uint32_t words_ = 0;
};

class AccessSet {
 public:
  // Empties the set and sizes it for `index` (no allocation when the size is unchanged).
  void reset(const AccessIndex& index);
  void add(const AccessIndex& index, Space space, bool write, std::uint64_t first, std::uint64_t last);
  // Adds every object of `other` (same index).
  void merge(const AccessSet& other);
  // Whether one of the sets writes an object the other touches.
  [[nodiscard]] bool conflicts(const AccessSet& other) const;
  // Whether every object `other` touches (writes) this set touches (writes).
  [[nodiscard]] bool covers(const AccessSet& other) const;
  [[nodiscard]] bool operator==(const AccessSet& other) const = default;

 private:
  std::uint32_t words_ = 0;
  std::vector<std::uint64_t> bits_;  // [0, words_): every object touched; [words_, 2 words_): written
};

}  // namespace preempt
