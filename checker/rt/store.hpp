#pragma once
// Store: the state of every shared object of one execution, as cells (int64 each; an object's
// kind says how many and what they mean: object_kinds.def). Model threads never touch it
// directly; only the models' step functions change it, one Op at a time. Each execution starts
// from a copy of the initial Store (the state after `init`); the tables keep their capacity, so
// the copy allocates nothing once warm.
//
// The globals' cells come first, at fixed addresses; heap objects follow in the order they were
// allocated, each with a header cell (its status: address.hpp) and its fields. A heap object is
// found by its name (allocating thread, sequence), which is what its address holds.
#include <cstdint>
#include <span>
#include <vector>

#include "checker/rt/address.hpp"
#include "checker/rt/ids.hpp"

namespace preempt {

// One heap object of an execution: where its cells are and, for messages, its history.
struct HeapObject {
  std::uint32_t type = 0;        // its struct type (ModelLayout::structs)
  std::uint32_t base = 0;        // the index in Store::cells of its header
  std::uint32_t cells = 0;       // its cells, header included
  ThreadId thread = kNone;       // its name: the allocating thread and its sequence
  std::uint32_t seq = 0;
  // Bookkeeping for messages (KASAN's "allocated by ... freed by ..."), not state.
  std::uint32_t alloc_step = 0;
  std::uint32_t alloc_line = 0;
  std::uint32_t free_step = 0;   // 0: not freed
  std::uint32_t free_line = 0;
  ThreadId free_thread = kNone;

  [[nodiscard]] Addr header() const { return heap_addr(thread, seq, 0); }
};

class Store {
 public:
  std::vector<std::int64_t> cells;

  // The cell at `addr` (a global's or a heap object's); holds(addr) first for an address that may
  // not exist in this store.
  [[nodiscard]] std::int64_t& at(Addr addr) { return cells[index_of(addr)]; }
  [[nodiscard]] std::int64_t get(Addr addr) const { return cells[index_of(addr)]; }
  [[nodiscard]] bool holds(Addr addr) const;

  // Allocates a heap object named (thread, seq) -- seq must be the thread's number of allocations
  // so far -- with `initial` as its fields; its header says live. Returns its header's address.
  Addr allocate(ThreadId thread, std::uint32_t seq, std::uint32_t type, std::span<const std::int64_t> initial);
  // The heap object holding cell `addr`; null for a global cell or one this store does not have.
  [[nodiscard]] const HeapObject* heap_object(Addr addr) const;
  [[nodiscard]] HeapObject* heap_object(Addr addr);
  [[nodiscard]] std::span<const HeapObject> heap() const { return heap_; }
  // The heap cells of the store so far, for limits.
  [[nodiscard]] std::size_t heap_cells() const { return cells.size() - globals_; }
  // How many objects `thread` has allocated in this execution.
  [[nodiscard]] std::uint32_t allocations_of(ThreadId thread) const {
    if (thread == kInitHeapOwner) return static_cast<std::uint32_t>(by_init_.size());
    return thread < by_thread_.size() ? static_cast<std::uint32_t>(by_thread_[thread].size()) : 0;
  }

  // Bookkeeping for messages, not state: the step at which an object's lifetime ended (a kobject's
  // last reference dropped, a module unloaded). Hashing and the models' decisions never read it.
  void mark(Addr addr, std::uint32_t step) { marks_.push_back({addr, step}); }
  // The step of the latest mark of `addr` (0: none).
  [[nodiscard]] std::uint32_t marked_at(Addr addr) const;

  // Makes this store the initial state of a model: its cells so far are the globals'.
  void seal_globals() { globals_ = cells.size(); }
  // Copies another store's values into this one; same-sized tables are reused without allocation.
  void assign_from(const Store& other);

 private:
  struct Mark {
    Addr addr;
    std::uint32_t step;
  };
  [[nodiscard]] std::size_t index_of(Addr addr) const {
    if (!is_heap(addr)) return static_cast<std::size_t>(addr);
    const HeapObject* object = heap_object(addr);
    return object == nullptr ? kNowhere : object->base + heap_offset(addr);
  }
  static constexpr std::size_t kNowhere = ~std::size_t{0};

  std::size_t globals_ = 0;                          // cells [0, globals_) are the globals'
  std::vector<HeapObject> heap_;                     // in allocation order
  std::vector<std::vector<std::uint32_t>> by_thread_;  // [thread][seq]: the index in heap_
  std::vector<std::uint32_t> by_init_;                 // [seq]: the objects init allocated
  std::vector<Mark> marks_;
};

}  // namespace preempt
