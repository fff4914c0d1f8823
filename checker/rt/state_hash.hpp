#pragma once
// A 128-bit fingerprint of a model state, for state caching. Two independent 64-bit lanes, each a
// multiply-xorshift mix of every word fed in order; equal states give equal fingerprints, and two
// different states collide with probability about 2^-128 per pair (n states: n^2 / 2^129).
#include <cstdint>

#include "checker/rt/access_set.hpp"
#include "checker/rt/address.hpp"

namespace preempt {

struct Fingerprint {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

class StateHasher {
 public:
  void add(std::uint64_t word) {
    a_ = mix(a_ ^ word) * 0x9E3779B97F4A7C15ull;
    b_ = mix(b_ + word * 0xC2B2AE3D27D4EB4Full) ^ (b_ >> 29);
  }
  [[nodiscard]] Fingerprint result() const { return {mix(a_ + 0x165667B19E3779F9ull), mix(b_ ^ 0x27D4EB2F165667C5ull)}; }

 private:
  static std::uint64_t mix(std::uint64_t z) {  // the SplitMix64 finalizer
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t a_ = 0x243F6A8885A308D3ull;
  std::uint64_t b_ = 0x13198A2E03707344ull;
};

// How a fingerprint names heap objects in pointer values (address.hpp). A heap object's name holds
// the thread that allocated it; with symmetry, threads are renamed by their rank, so pointers are
// too: `rank` maps thread ids to ranks. To sort threads before ranks are known, `erase` drops the
// thread from the name (a coarser key that only orders).
struct PointerNames {
  const ThreadId* rank = nullptr;  // null: ids stay as they are
  std::uint32_t threads = 0;       // entries of rank
  bool erase = false;

  [[nodiscard]] std::uint64_t operator()(std::int64_t value) const {
    const auto p = static_cast<std::uint64_t>(value);
    if (!is_heap(p) || (rank == nullptr && !erase)) return p;
    const ThreadId t = heap_thread(p);
    // init's objects (kInitHeapOwner) belong to no thread: never renamed
    const ThreadId renamed = t == kInitHeapOwner ? t : erase ? 0 : t < threads ? rank[t] : t;
    return heap_addr(renamed, heap_seq(p), heap_offset(p));
  }
};

// A thread whose whole local state can be hashed (the scenario interpreter). Threads of C++ models
// keep their state on native stacks and have none: stateful exploration refuses them.
class StateSource {
 public:
  virtual ~StateSource() = default;
  // Hashes the thread's local state; the pointers it knows to be pointers are named by `names`.
  virtual void hash_state(StateHasher& hasher, const PointerNames& names) const = 0;
  // Adds to `out` (sized for an AccessIndex of the layout's initial store) every object that the
  // steps the thread may still take, its pending step included, may touch; an over-approximation.
  // False when the source cannot tell (then the thread may touch anything).
  virtual bool future_accesses(AccessSet& out) const {
    (void)out;
    return false;
  }
};

}  // namespace preempt
