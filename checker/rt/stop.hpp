#pragma once
// The stop request: how a limit or a signal ends a run within milliseconds, wherever it is.
//
// One process-wide flag (g_stop_requested) that a signal handler or any caller sets, and one
// deadline per OS thread (a time limit: CheckConfig::max_seconds, `test --time-budget`). Both are
// polled by the explorer between executions, by the execution between steps and by the scenario
// VM every kStopPollInstructions local instructions, so that a run notices within a few
// milliseconds even inside one endless execution. The wall clock is read only at those polls.
//
// The same polls hold the memory limit (one per OS thread, like the deadline: a StopMemoryLimit
// scope): at most every kMemoryPollNanos of wall time a poll reads the process's resident size
// from the OS and, once it has grown past the limit (plus kMemorySlack) since the scope began,
// stops the run with StopReason::Memory. So the limit holds however the memory is used -- threads
// and their stacks, heap objects, the trace, a strategy's stacks and stored states, a report being
// built -- without each structure keeping its own count. Where a strategy counts its own
// structures (the stateful one's stored states) it counts them against the same limit, which is
// deterministic and, thanks to the slack, comes first when they are what grows; the resident-size
// check is the backstop, and where it cuts depends on the machine (a cut is always "incomplete",
// never "safe").
//
// Protocol: a signal handler calls request_stop(reason) (async-signal-safe: two relaxed atomic
// stores); a time limit installs a StopDeadline for its scope; hot loops call stop_polled() every
// N iterations; whoever ends a run early asks stop_reason() to say why. The flag stays set once
// set: a stopped process writes what it has and ends.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>

namespace preempt {

enum class StopReason : std::uint8_t {
  None,       // not stopped
  Interrupt,  // SIGINT, SIGTERM, SIGHUP (or a caller)
  Deadline,   // the time limit of the run in scope
  Memory,     // the memory limit of the run in scope: the process's resident size passed it
};

// Set to stop every run in the process early; its results are then "incomplete".
extern std::atomic<bool> g_stop_requested;

// How many VM instructions (or execution steps) run between two polls: small enough that a poll
// comes every few microseconds, large enough that it costs nothing measurable.
inline constexpr std::uint32_t kStopPollInstructions = 4096;

// The execution's step loop: polls every kStopPollSteps-th step (a step costs far more than an
// instruction).
inline constexpr std::uint32_t kStopPollSteps = 64;

// How often (wall time) a poll reads the resident size while a memory limit is set: reading it
// costs a few microseconds, so at most one read in 2 ms keeps it far below 1% of the run.
inline constexpr std::int64_t kMemoryPollNanos = 2'000'000;
// What the resident size may grow beyond a memory limit: the allocator's and the engine's working
// buffers, so that a strategy's own deterministic count of its structures stops it first.
inline constexpr std::uint64_t kMemorySlack = std::uint64_t{16} << 20;

// Asks every run to stop; async-signal-safe.
void request_stop(StopReason reason) noexcept;
// Why runs are stopping: None while neither the flag nor an expired deadline stopped one.
[[nodiscard]] StopReason stop_reason() noexcept;
// True when the flag is set or this thread's deadline has passed (reads the clock only when a
// deadline is set; an expired deadline sets the thread's stop state, not the process-wide flag).
[[nodiscard]] bool stop_polled() noexcept;
// True when a stop is already known (the flag, or an expired deadline seen by a poll): no clock.
[[nodiscard]] bool stop_known() noexcept;

// The process's resident memory in bytes, as the OS counts it now (0 when it cannot be read).
[[nodiscard]] std::uint64_t resident_bytes() noexcept;
// The default memory limit: half of the machine's physical memory (at least 256 MiB), so that a
// run leaves the machine usable.
[[nodiscard]] std::uint64_t default_memory_limit() noexcept;

// A time limit for its scope on the calling thread: `seconds` from now (0: none). Nested limits
// keep the earlier deadline; the destructor restores the enclosing one and forgets an expiry seen
// inside the scope (the next run in the enclosing scope starts unstopped).
// For a loop of steps: polls at every kStopPollSteps-th step.
[[nodiscard]] inline bool stop_due_at(std::uint32_t step) noexcept {
  return step % kStopPollSteps == 0 && stop_polled();
}

// A memory limit for its scope on the calling thread: polls stop the run once the process's
// resident size has grown by more than `bytes` + kMemorySlack since the scope began (0: none). Nested limits keep the smaller; the destructor restores
// the enclosing one and forgets a stop it saw (like StopDeadline).
// Code that cannot return early at a poll -- the front end's recursive descent over a file -- calls
// poll_or_throw() once per unit of work (a token, a statement, an instruction): every
// kStopPollInstructions-th call polls, and a stop throws StopRequested, which the loader catches
// and reports as a run that did not happen (a 4 MiB file stops within milliseconds, not seconds).
class StopRequested : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override { return "stopped"; }
};
void poll_or_throw();

class StopMemoryLimit {
 public:
  explicit StopMemoryLimit(std::uint64_t bytes) noexcept;
  ~StopMemoryLimit();
  StopMemoryLimit(const StopMemoryLimit&) = delete;
  StopMemoryLimit& operator=(const StopMemoryLimit&) = delete;

 private:
  std::uint64_t saved_;      // the enclosing limit (0: none)
  std::uint8_t saved_stop_;  // the enclosing scope's stop state
};

// The calling thread's time limit, to carry into a thread it starts (StopDeadline's second
// constructor): a run on several threads stops at the same deadline on each.
struct InheritedDeadline {
  std::int64_t deadline_ns = 0;    // steady-clock ns; 0: none
  std::uint8_t stop = 0;           // what a poll saw (a StopReason)
  std::uint64_t memory_limit = 0;  // the resident bytes past which a poll stops (0: none)
};
[[nodiscard]] InheritedDeadline current_deadline() noexcept;

class StopDeadline {
 public:
  explicit StopDeadline(double seconds) noexcept;
  // On a new thread: the deadline of the thread that started it, for this scope.
  explicit StopDeadline(InheritedDeadline enclosing) noexcept;
  ~StopDeadline();
  StopDeadline(const StopDeadline&) = delete;
  StopDeadline& operator=(const StopDeadline&) = delete;

  // True when this scope's own deadline (not an enclosing one's) has passed.
  [[nodiscard]] bool expired() const noexcept;

 private:
  std::int64_t saved_;                       // the enclosing deadline (steady-clock ns; 0: none)
  std::uint8_t saved_stop_;                  // the enclosing scope's stop state (a StopReason)
  std::int64_t own_;                         // this scope's deadline (0: none)
  std::uint64_t saved_memory_limit_;         // the enclosing memory ceiling (0: none)
};

}  // namespace preempt
