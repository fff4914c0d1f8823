#pragma once
// Pointers and addresses of objects. A model's memory is the Store's cells: the globals' at fixed
// addresses 0 .. N-1, and heap objects allocated during an execution. A heap object is named by
// the thread that allocated it and how many that thread had allocated before (its sequence), so
// its address is the same in every execution in which that thread allocates it, whatever the
// interleaving: footprints, sleep sets and wakeup trees may compare steps across executions.
//
// Pointer values (in cells, locals, the VM's operands) are 64-bit ints:
//   0                                  NULL
//   kStaticTag | cell                  an object among the globals (a static struct, module data)
//   kHeapTag | thread | seq | offset   cell `offset` of a heap object; offset 0 is its header (its
//                                      status), its fields start at offset 1
//   kFunctionTag | f                   function f (a function pointer)
// An address (Addr) is a static cell as is, and a heap cell as its pointer value.
#include <cstdint>

#include "checker/rt/ids.hpp"

namespace preempt {

inline constexpr std::uint64_t kTagMask = 3ull << 62;
inline constexpr std::uint64_t kStaticTag = 1ull << 62;
inline constexpr std::uint64_t kHeapTag = 2ull << 62;
inline constexpr std::uint64_t kFunctionTag = 3ull << 62;

inline constexpr std::uint32_t kHeapFieldBits = 20;   // offset within a heap object
inline constexpr std::uint32_t kHeapSeqBits = 20;     // a thread's allocations in one execution
inline constexpr std::uint32_t kHeapThreadBits = 20;  // threads
inline constexpr std::uint32_t kMaxHeapOffset = (1u << kHeapFieldBits) - 1;
inline constexpr std::uint32_t kMaxHeapSeq = (1u << kHeapSeqBits) - 1;
// The allocating "thread" of the objects init allocates: every execution starts with them.
inline constexpr ThreadId kInitHeapOwner = (1u << kHeapThreadBits) - 1;

// The header's values (offset 0 of a heap object).
inline constexpr std::int64_t kHeapLive = 1;
inline constexpr std::int64_t kHeapFreed = 2;

[[nodiscard]] constexpr bool is_heap(std::uint64_t a) { return (a & kTagMask) == kHeapTag; }
[[nodiscard]] constexpr bool is_static_pointer(std::uint64_t p) { return (p & kTagMask) == kStaticTag; }
[[nodiscard]] constexpr bool is_function_pointer(std::uint64_t p) { return (p & kTagMask) == kFunctionTag; }

[[nodiscard]] constexpr Addr heap_addr(ThreadId thread, std::uint32_t seq, std::uint32_t offset) {
  return kHeapTag | (std::uint64_t{thread} << (kHeapSeqBits + kHeapFieldBits)) |
         (std::uint64_t{seq} << kHeapFieldBits) | offset;
}
[[nodiscard]] constexpr ThreadId heap_thread(Addr a) {
  return static_cast<ThreadId>((a >> (kHeapSeqBits + kHeapFieldBits)) & ((1u << kHeapThreadBits) - 1));
}
[[nodiscard]] constexpr std::uint32_t heap_seq(Addr a) {
  return static_cast<std::uint32_t>((a >> kHeapFieldBits) & kMaxHeapSeq);
}
[[nodiscard]] constexpr std::uint32_t heap_offset(Addr a) { return static_cast<std::uint32_t>(a & kMaxHeapOffset); }
// The header of the heap object that holds cell `a`.
[[nodiscard]] constexpr Addr heap_header(Addr a) { return a & ~Addr{kMaxHeapOffset}; }

// The address a pointer value points at (kNoAddr for NULL and function pointers).
[[nodiscard]] constexpr Addr addr_of_pointer(std::int64_t value) {
  const auto p = static_cast<std::uint64_t>(value);
  if (is_heap(p)) return p;
  if (is_static_pointer(p)) return p & ~kTagMask;
  return kNoAddr;
}
// The pointer value of an address.
[[nodiscard]] constexpr std::int64_t pointer_to(Addr a) {
  return static_cast<std::int64_t>(is_heap(a) ? a : (a | kStaticTag));
}
[[nodiscard]] constexpr std::int64_t function_pointer(FunctionId f) {
  return static_cast<std::int64_t>(kFunctionTag | f);
}
// The function a function pointer names (kNone for NULL or any other value).
[[nodiscard]] constexpr FunctionId function_of_pointer(std::int64_t value) {
  const auto p = static_cast<std::uint64_t>(value);
  return is_function_pointer(p) ? static_cast<FunctionId>(p & 0xffffffffu) : kNone;
}

}  // namespace preempt
