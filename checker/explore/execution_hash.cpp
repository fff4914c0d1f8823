// Execution, state caching: the fingerprint of the current state -- the store, each thread's
// status, pending step and local state, the heap with its objects named canonically -- with
// symmetry over threads that run the same code.
#include <algorithm>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"

namespace preempt {

CellRole Execution::role_of(Addr addr) const {
  if (!is_heap(addr)) return addr < layout_.roles.size() ? layout_.roles[addr] : CellRole::Value;
  const HeapObject* object = store_.heap_object(addr);
  const std::uint32_t offset = heap_offset(addr);
  if (object == nullptr || offset == 0) return CellRole::HeapStatus;
  return layout_.structs[object->type].cells[offset - 1].role;
}

// One thread's status, pending step and local state, pointers named by `names`.
bool Execution::hash_thread(ThreadId t, const PointerNames& names, StateHasher& h) const {
  const ThreadContext& thread = *slots_[t];
  h.add(static_cast<std::uint64_t>(thread.status()));
  h.add(halted_[t]);
  h.add(nondet_count_[t]);  // the next nondet's value depends on how many came before (nondet_oracle.hpp)
  kernel_[t].hash(h);
  if (thread.status() != ThreadStatus::Pending && thread.status() != ThreadStatus::Reporting) return true;
  const Op& op = thread.pending();
  h.add(static_cast<std::uint64_t>(op.kind));
  h.add(static_cast<std::uint64_t>(op.target.kind));
  h.add(names(static_cast<std::int64_t>(op.target.addr)));
  // The pointers among the arguments: kfree's, and the value a write stores in a pointer.
  const bool pointer_arg = op.kind == OpKind::Kfree || (op.kind == OpKind::Write && role_of(op.target.addr) == CellRole::Pointer);
  h.add(pointer_arg ? names(op.arg0) : static_cast<std::uint64_t>(op.arg0));
  h.add(static_cast<std::uint64_t>(op.arg1));
  h.add(op.location);
  h.add(op.other);
  h.add(op.line);
  if (thread.state_source() == nullptr) return false;
  thread.state_source()->hash_state(h, names);
  return true;
}

std::optional<Fingerprint> Execution::fingerprint(bool symmetry) const {
  std::vector<ThreadKey>& keys = fingerprint_keys_;
  keys.resize(thread_count_);
  // Heap pointers name their allocating thread: with symmetry they must be named by its rank, which
  // the order of the threads' keys decides. So the keys that order the threads erase the thread
  // from pointers, and the threads are hashed again once the ranks are known.
  const bool rename = symmetry && !layout_.structs.empty();
  const PointerNames as_is;
  const PointerNames erased{nullptr, 0, true};
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    StateHasher h;
    if (!hash_thread(t, rename ? erased : as_is, h)) return std::nullopt;
    keys[t] = {slots_[t]->body(), h.result()};
  }
  std::vector<std::uint32_t>& order = fingerprint_order_;
  order.resize(thread_count_);
  std::iota(order.begin(), order.end(), 0u);
  if (symmetry) {
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const ThreadKey& x = keys[a];
      const ThreadKey& y = keys[b];
      if (x.group != y.group) return x.group < y.group;
      return std::tie(x.local.hi, x.local.lo) < std::tie(y.local.hi, y.local.lo);
    });
  }
  std::vector<ThreadId>& rank = fingerprint_rank_;
  rank.resize(thread_count_);
  for (std::uint32_t i = 0; i < thread_count_; ++i) rank[order[i]] = i;
  const PointerNames names{symmetry ? rank.data() : nullptr, thread_count_, false};
  if (rename) {
    for (std::uint32_t t = 0; t < thread_count_; ++t) {
      StateHasher h;
      (void)hash_thread(t, names, h);
      keys[t].local = h.result();
    }
  }
  const auto owner = [&](ThreadId t) -> std::uint64_t { return t < thread_count_ ? rank[t] : kNone; };
  const auto cell = [&](CellRole role, std::int64_t v) -> std::uint64_t {
    if (role == CellRole::Owner) return owner(owner_of(v));
    if (role == CellRole::Pointer) return names(v);
    return static_cast<std::uint64_t>(v);
  };
  StateHasher h;
  h.add(thread_count_);
  for (std::uint32_t i : order) {
    h.add(keys[i].group);
    h.add(keys[i].local.hi);
    h.add(keys[i].local.lo);
  }
  const std::vector<CellRole>& roles = layout_.roles;
  for (std::size_t c = 0; c < roles.size(); ++c) h.add(cell(roles[c], store_.cells[c]));
  hash_heap(names, h, cell);
  return h.result();
}

// The heap objects in the order of their names (allocating thread's rank, sequence), so that two
// executions that allocate the same objects in another order, or by symmetric threads, hash alike.
template <class CellHash>
void Execution::hash_heap(const PointerNames& names, StateHasher& h, const CellHash& cell) const {
  const std::span<const HeapObject> heap = store_.heap();
  h.add(heap.size());
  if (heap.empty()) return;
  std::vector<std::uint32_t>& order = fingerprint_heap_order_;
  order.resize(heap.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto name = [&](std::uint32_t i) { return names(pointer_to(heap[i].header())); };
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return name(a) < name(b); });
  for (std::uint32_t i : order) {
    const HeapObject& object = heap[i];
    h.add(name(i));
    h.add(object.type);
    h.add(static_cast<std::uint64_t>(store_.cells[object.base]));  // its status
    if (store_.cells[object.base] != kHeapLive) continue;           // a freed object's cells are gone
    const StructInfo& info = layout_.structs[object.type];
    for (std::uint32_t f = 0; f < info.cells.size(); ++f) h.add(cell(info.cells[f].role, store_.cells[object.base + 1 + f]));
  }
}

}  // namespace preempt
