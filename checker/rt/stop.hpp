#pragma once
// The stop request: how a limit or a signal ends a run within milliseconds, wherever it is.
//
// One process-wide flag (g_stop_requested) that a signal handler or any caller sets, and one
// deadline per OS thread (a time limit: CheckConfig::max_seconds, `test --time-budget`). Both are
// polled by the explorer between executions, by the execution between steps and by the scenario
// VM every kStopPollInstructions local instructions, so that a run notices within a few
// milliseconds even inside one endless execution. The wall clock is read only at those polls.
//
// Protocol: a signal handler calls request_stop(reason) (async-signal-safe: two relaxed atomic
// stores); a time limit installs a StopDeadline for its scope; hot loops call stop_polled() every
// N iterations; whoever ends a run early asks stop_reason() to say why. The flag stays set once
// set: a stopped process writes what it has and ends.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace preempt {

enum class StopReason : std::uint8_t {
  None,       // not stopped
  Interrupt,  // SIGINT, SIGTERM, SIGHUP (or a caller)
  Deadline,   // the time limit of the run in scope
};

// Set to stop every run in the process early; its results are then "incomplete".
extern std::atomic<bool> g_stop_requested;

// How many VM instructions (or execution steps) run between two polls: small enough that a poll
// comes every few microseconds, large enough that it costs nothing measurable.
inline constexpr std::uint32_t kStopPollInstructions = 4096;

// The execution's step loop: polls every kStopPollSteps-th step (a step costs far more than an
// instruction).
inline constexpr std::uint32_t kStopPollSteps = 64;

// Asks every run to stop; async-signal-safe.
void request_stop(StopReason reason) noexcept;
// Why runs are stopping: None while neither the flag nor an expired deadline stopped one.
[[nodiscard]] StopReason stop_reason() noexcept;
// True when the flag is set or this thread's deadline has passed (reads the clock only when a
// deadline is set; an expired deadline sets the thread's stop state, not the process-wide flag).
[[nodiscard]] bool stop_polled() noexcept;
// True when a stop is already known (the flag, or an expired deadline seen by a poll): no clock.
[[nodiscard]] bool stop_known() noexcept;

// A time limit for its scope on the calling thread: `seconds` from now (0: none). Nested limits
// keep the earlier deadline; the destructor restores the enclosing one and forgets an expiry seen
// inside the scope (the next run in the enclosing scope starts unstopped).
// For a loop of steps: polls at every kStopPollSteps-th step.
[[nodiscard]] inline bool stop_due_at(std::uint32_t step) noexcept {
  return step % kStopPollSteps == 0 && stop_polled();
}

// The calling thread's time limit, to carry into a thread it starts (StopDeadline's second
// constructor): a run on several threads stops at the same deadline on each.
struct InheritedDeadline {
  std::int64_t deadline_ns = 0;  // steady-clock ns; 0: none
  bool expired = false;
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
  bool saved_expired_;                       // whether the enclosing one had expired
  std::int64_t own_;                         // this scope's deadline (0: none)
};

}  // namespace preempt
