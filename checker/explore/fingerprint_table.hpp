#pragma once
// FingerprintTable<V>: a hash table from 128-bit state fingerprints to a small value, for state
// caching. Open addressing with linear probing in one flat array of slots (key and value side by
// side): an insertion allocates nothing until the table grows, and it grows by doubling when it
// is 3/4 full -- unless the doubled array would pass the byte limit, in which case the insertion
// fails and the caller stops.
//
// Slot indices change when the table grows: keep the fingerprint, not the index, across inserts.
// The all-zero fingerprint marks an empty slot; a state hashing to it is stored as {0, 1}, which
// only adds a chance of collision as small as any other.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "checker/rt/state_hash.hpp"

namespace preempt {

template <class V>
class FingerprintTable {
 public:
  struct Slot {
    Fingerprint key;
    V value{};
  };

  explicit FingerprintTable(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // The slot of `key` and whether it was just inserted (with a value-initialised V); nullopt when
  // the key is new and the table cannot grow within the byte limit.
  [[nodiscard]] std::optional<std::pair<std::size_t, bool>> find_or_insert(Fingerprint key) {
    key = stored(key);
    if (slots_.empty() && !grow()) return std::nullopt;
    std::size_t i = home(key);
    for (; !empty(slots_[i]); i = (i + 1) & mask_) {
      if (slots_[i].key == key) return std::pair{i, false};
    }
    if ((size_ + 1) * 4 > slots_.size() * 3) {
      if (!grow()) return std::nullopt;
      i = home(key);
      while (!empty(slots_[i])) i = (i + 1) & mask_;
    }
    slots_[i].key = key;
    slots_[i].value = V{};
    ++size_;
    return std::pair{i, true};
  }
  // The slot of `key`, if stored.
  [[nodiscard]] std::optional<std::size_t> find(Fingerprint key) const {
    if (slots_.empty()) return std::nullopt;
    key = stored(key);
    for (std::size_t i = home(key); !empty(slots_[i]); i = (i + 1) & mask_) {
      if (slots_[i].key == key) return i;
    }
    return std::nullopt;
  }
  [[nodiscard]] V& value(std::size_t slot) { return slots_[slot].value; }
  [[nodiscard]] std::uint64_t size() const { return size_; }

 private:
  static constexpr std::size_t kFirstSlots = 1024;
  static Fingerprint stored(Fingerprint key) { return key.hi == 0 && key.lo == 0 ? Fingerprint{0, 1} : key; }
  static bool empty(const Slot& slot) { return slot.key.hi == 0 && slot.key.lo == 0; }
  [[nodiscard]] std::size_t home(const Fingerprint& key) const { return static_cast<std::size_t>(key.lo ^ key.hi) & mask_; }

  bool grow() {
    const std::size_t count = slots_.empty() ? kFirstSlots : slots_.size() * 2;
    if (count * sizeof(Slot) > max_bytes_) return false;
    std::vector<Slot> old(count);
    old.swap(slots_);
    mask_ = count - 1;
    for (const Slot& slot : old) {
      if (empty(slot)) continue;
      std::size_t i = home(slot.key);
      while (!empty(slots_[i])) i = (i + 1) & mask_;
      slots_[i] = slot;
    }
    return true;
  }

  std::uint64_t max_bytes_;
  std::vector<Slot> slots_;  // a power of two of them, or none yet
  std::size_t mask_ = 0;     // slots_.size() - 1
  std::uint64_t size_ = 0;   // keys stored
};

}  // namespace preempt
