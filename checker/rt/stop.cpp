#include "checker/rt/stop.hpp"

#include <algorithm>

namespace preempt {

std::atomic<bool> g_stop_requested{false};

namespace {

// Written only by request_stop (a signal handler may run it): a lock-free atomic.
std::atomic<std::uint8_t> g_reason{static_cast<std::uint8_t>(StopReason::None)};
static_assert(std::atomic<std::uint8_t>::is_always_lock_free);

// This thread's deadline in steady-clock nanoseconds (0: none) and whether a poll saw it pass.
thread_local std::int64_t t_deadline = 0;
thread_local bool t_expired = false;

std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void request_stop(StopReason reason) noexcept {
  std::uint8_t none = static_cast<std::uint8_t>(StopReason::None);
  g_reason.compare_exchange_strong(none, static_cast<std::uint8_t>(reason), std::memory_order_relaxed);
  g_stop_requested.store(true, std::memory_order_relaxed);
}

StopReason stop_reason() noexcept {
  if (g_stop_requested.load(std::memory_order_relaxed)) {
    const auto reason = static_cast<StopReason>(g_reason.load(std::memory_order_relaxed));
    return reason == StopReason::None ? StopReason::Interrupt : reason;
  }
  return t_expired ? StopReason::Deadline : StopReason::None;
}

bool stop_known() noexcept { return t_expired || g_stop_requested.load(std::memory_order_relaxed); }

bool stop_polled() noexcept {
  if (stop_known()) return true;
  if (t_deadline != 0 && now_ns() >= t_deadline) t_expired = true;
  return t_expired;
}

StopDeadline::StopDeadline(double seconds) noexcept
    : saved_(t_deadline), saved_expired_(t_expired), own_(0) {
  if (seconds <= 0) return;
  // Past about 292 years the nanosecond count would overflow: such a limit is no limit.
  if (seconds > 9.0e9) return;
  own_ = now_ns() + static_cast<std::int64_t>(seconds * 1e9);
  t_deadline = t_deadline == 0 ? own_ : std::min(t_deadline, own_);
}

InheritedDeadline current_deadline() noexcept { return {t_deadline, t_expired}; }

StopDeadline::StopDeadline(InheritedDeadline enclosing) noexcept
    : saved_(t_deadline), saved_expired_(t_expired), own_(0) {
  t_deadline = enclosing.deadline_ns;
  t_expired = enclosing.expired;
}

StopDeadline::~StopDeadline() {
  t_deadline = saved_;
  t_expired = saved_expired_;
}

bool StopDeadline::expired() const noexcept { return own_ != 0 && now_ns() >= own_; }

}  // namespace preempt
