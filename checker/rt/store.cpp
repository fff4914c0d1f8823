#include "checker/rt/store.hpp"

namespace preempt {

bool Store::holds(Addr addr) const {
  if (!is_heap(addr)) return addr < globals_ || (globals_ == 0 && addr < cells.size());
  const HeapObject* object = heap_object(addr);
  return object != nullptr && heap_offset(addr) < object->cells;
}

Addr Store::allocate(ThreadId thread, std::uint32_t seq, std::uint32_t type, std::span<const std::int64_t> initial) {
  if (thread != kInitHeapOwner && by_thread_.size() <= thread) by_thread_.resize(thread + 1);
  HeapObject object;
  object.type = type;
  object.base = static_cast<std::uint32_t>(cells.size());
  object.cells = static_cast<std::uint32_t>(initial.size() + 1);
  object.thread = thread;
  object.seq = seq;
  cells.push_back(kHeapLive);
  cells.insert(cells.end(), initial.begin(), initial.end());
  (thread == kInitHeapOwner ? by_init_ : by_thread_[thread]).push_back(static_cast<std::uint32_t>(heap_.size()));
  heap_.push_back(object);
  return object.header();
}

const HeapObject* Store::heap_object(Addr addr) const {
  if (!is_heap(addr)) return nullptr;
  const ThreadId thread = heap_thread(addr);
  const std::uint32_t seq = heap_seq(addr);
  if (thread == kInitHeapOwner) return seq < by_init_.size() ? &heap_[by_init_[seq]] : nullptr;
  if (thread >= by_thread_.size() || seq >= by_thread_[thread].size()) return nullptr;
  return &heap_[by_thread_[thread][seq]];
}

HeapObject* Store::heap_object(Addr addr) {
  return const_cast<HeapObject*>(static_cast<const Store&>(*this).heap_object(addr));
}

std::uint32_t Store::marked_at(Addr addr) const {
  for (auto it = marks_.rbegin(); it != marks_.rend(); ++it) {
    if (it->addr == addr) return it->step;
  }
  return 0;
}

void Store::assign_from(const Store& other) {
  // std::vector's copy assignment reuses capacity when the sizes fit: no allocation per execution.
  cells = other.cells;
  globals_ = other.globals_;
  heap_ = other.heap_;
  if (by_thread_.size() < other.by_thread_.size()) by_thread_.resize(other.by_thread_.size());
  for (std::size_t t = 0; t < by_thread_.size(); ++t) {
    if (t < other.by_thread_.size()) {
      by_thread_[t] = other.by_thread_[t];
    } else {
      by_thread_[t].clear();
    }
  }
  by_init_ = other.by_init_;
  marks_ = other.marks_;
}

}  // namespace preempt
