#pragma once
// Footprint: which objects one step reads and writes, the basis of the dependence relation that
// partial-order reduction uses. Two steps of different threads are dependent when they touch a
// common object and at least one of them writes it.
//
// Footprints are static: they follow from the announced Op alone (its kind, target, code
// locations) and the operation's row of ops.def (which cells of its target it reads and writes),
// never from the outcome, so the footprint of a thread's next step is known before it runs.
// Operations that may or may not change their object (trylock, get_unless_zero, cmpxchg) count as
// writes. A module's object has two cells, its refcount and its status; every step that executes
// code of a module reads that module's status, and a step that may enter a release or exit
// function reads the status of that function's module too.
#include <array>
#include <cstdint>

#include "checker/rt/access_set.hpp"
#include "checker/rt/footprint_sink.hpp"
#include "checker/rt/layout.hpp"
#include "checker/rt/op.hpp"

namespace preempt {

struct Access {
  static constexpr std::uint32_t kMaxExtent = 0xffffffff;
  std::uint64_t first = 0;   // an inclusive range of objects of a space: first .. first + extent
  std::uint32_t extent = 0;
  Space space = Space::Cell;
  bool write = false;

  [[nodiscard]] std::uint64_t last() const { return first + extent; }
};

struct Footprint {
  static constexpr std::size_t kCapacity = 8;
  std::array<Access, kCapacity> accesses{};
  std::uint8_t count = 0;
  bool reads_all = false;   // an await reading more ranges than fit: it reads every cell
  bool writes_all = false;  // more accesses than fit, some writes: it may write any cell (conservative)

  void add(Space space, bool write, std::uint64_t first, std::uint64_t last);
  void add(Space space, bool write, std::uint64_t index) { add(space, write, index, index); }
};

[[nodiscard]] Footprint footprint_of(const Op& op, const ModelLayout& layout);
// Whether two steps of different threads are dependent.
[[nodiscard]] bool conflict(const Footprint& a, const Footprint& b);
// Whether `writer` writes an object that `other` reads or writes: only then can it change whether
// a blocking step `other` can run.
[[nodiscard]] bool writes_into(const Footprint& writer, const Footprint& other);
// Adds the objects of `fp` to `out` (sized for `index`): an await reading every cell reads them all,
// an access to a whole space covers the whole space.
void add_footprint(AccessSet& out, const AccessIndex& index, const Footprint& fp);

}  // namespace preempt
