#pragma once
// Store: the state of every shared object of one execution, as cells (int64 each; an object's
// kind says how many and what they mean: object_kinds.def). Model threads never touch it
// directly; only the models' step functions change it, one Op at a time. Each execution starts
// from a copy of the initial Store (the state after `init`); the tables keep their capacity, so
// the copy allocates nothing.
#include <cstdint>
#include <vector>

#include "checker/rt/ids.hpp"

namespace preempt {

class Store {
 public:
  std::vector<std::int64_t> cells;

  [[nodiscard]] std::int64_t& at(Addr addr) { return cells[addr]; }
  [[nodiscard]] std::int64_t get(Addr addr) const { return cells[addr]; }
  [[nodiscard]] bool holds(Addr addr) const { return addr < cells.size(); }

  // Bookkeeping for messages, not state: the step at which an object's lifetime ended (a kobject's
  // last reference dropped, a module unloaded). Hashing and the models' decisions never read it.
  void mark(Addr addr, std::uint32_t step) { marks_.push_back({addr, step}); }
  // The step of the latest mark of `addr` (0: none).
  [[nodiscard]] std::uint32_t marked_at(Addr addr) const;

  // Copies another store's values into this one; same-sized tables are reused without allocation.
  void assign_from(const Store& other);

 private:
  struct Mark {
    Addr addr;
    std::uint32_t step;
  };
  std::vector<Mark> marks_;
};

}  // namespace preempt
