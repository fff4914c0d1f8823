#pragma once
// TraceEntry: the compact record of one executed step, kept for every step of the current
// execution in a reused vector (no allocation once warm). Report writers turn entries into words.
#include <cstdint>
#include <span>
#include <string>

#include "checker/rt/ids.hpp"
#include "checker/rt/op.hpp"
#include "checker/rt/violation_kind.hpp"

namespace preempt {

enum class Phase : std::uint8_t { Init, Threads, Final };

// A cell a step changed besides its first (TraceEntry::extra_begin).
struct CellChange {
  Addr addr = kNoAddr;
  std::int64_t before = 0;
  std::int64_t after = 0;
};

struct TraceEntry {
  std::uint32_t step = 0;          // 1-based step number within the execution
  ThreadId thread = kNone;
  Op op;                           // what the thread announced (kind, object, location, line)
  Addr changed_addr = kNoAddr;     // the cell the step changed (kNoAddr: none)
  std::int64_t before = 0;         // that cell before and after the step
  std::int64_t after = 0;
  std::int64_t value = 0;          // what the step returned or read
  FunctionId called = kNone;       // a function the step called (release method, exit function)
  ThreadId spawned = kNone;        // a thread the step started (a spawn, a kthread, a context)
  std::uint32_t extra_begin = 0;   // its other changes: Execution::extra_changes()[begin, begin + count)
  std::uint8_t extra_count = 0;
  ThreadId woke = kNone;           // first thread this step unblocked
  std::uint16_t woke_count = 0;    // how many threads it unblocked
  bool preempted = false;          // the scheduler switched away from a thread that could go on
  Phase phase = Phase::Threads;

  [[nodiscard]] bool changed() const { return changed_addr != kNoAddr; }
};

// An execution's steps as a report's words need them: its steps, and those of init, which every
// execution starts after (the heap objects init allocated are named by its steps).
struct TraceView {
  std::span<const TraceEntry> steps;
  std::span<const TraceEntry> init;
};

// True when `next`, the thread's step after `previous`, is where a kernel primitive called from the
// same function (complete(), module_put(), schedule(), ...) returns to: the first code the thread runs
// in that function once the primitive is done. If that function's module is gone by then, this is
// the moment the kernel would crash: "complete() returns into dm_kobject_release".
[[nodiscard]] inline bool returns_from_primitive(const Op& previous, const Op& next) {
  return previous.location == next.location && is_primitive(previous.kind);
}

// A violation found in an execution: what, who, where (step index into the trace), and why.
struct Violation {
  ViolationKind kind = ViolationKind::Assertion;
  ThreadId thread = kNone;
  ModuleId module = kNone;         // the module involved, if any
  std::uint32_t step = 0;          // the failing step's number (0: not tied to a step)
  std::string message;
};

}  // namespace preempt
