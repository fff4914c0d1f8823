#include "checker/rt/stop.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace preempt {

std::atomic<bool> g_stop_requested{false};

namespace {

// Written only by request_stop (a signal handler may run it): a lock-free atomic.
std::atomic<std::uint8_t> g_reason{static_cast<std::uint8_t>(StopReason::None)};
static_assert(std::atomic<std::uint8_t>::is_always_lock_free);

// This thread's deadline in steady-clock nanoseconds (0: none), its memory ceiling (the resident
// bytes past which a poll stops the run; 0: none), when a poll reads the resident size next, and what a poll saw (a StopReason: None,
// Deadline or Memory).
thread_local std::int64_t t_deadline = 0;
thread_local std::uint64_t t_memory_limit = 0;
thread_local std::int64_t t_next_memory_poll = 0;
thread_local std::uint8_t t_stop = static_cast<std::uint8_t>(StopReason::None);

bool thread_stopped() noexcept { return t_stop != static_cast<std::uint8_t>(StopReason::None); }

// Reads a small file of the OS into `buffer` (NUL-terminated); false when it cannot.
bool read_small_file(const char* path, char* buffer, std::size_t size) noexcept {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t n = ::read(fd, buffer, size - 1);
  ::close(fd);
  if (n <= 0) return false;
  buffer[n] = 0;
  return true;
}

std::uint64_t page_bytes() noexcept {
  static const auto bytes = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return bytes;
}

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
  return static_cast<StopReason>(t_stop);
}

bool stop_known() noexcept { return thread_stopped() || g_stop_requested.load(std::memory_order_relaxed); }

bool stop_polled() noexcept {
  if (stop_known()) return true;
  if (t_deadline == 0 && t_memory_limit == 0) return false;
  const std::int64_t now = now_ns();
  if (t_deadline != 0 && now >= t_deadline) {
    t_stop = static_cast<std::uint8_t>(StopReason::Deadline);
  } else if (t_memory_limit != 0 && now >= t_next_memory_poll) {
    t_next_memory_poll = now + kMemoryPollNanos;
    if (resident_bytes() > t_memory_limit) t_stop = static_cast<std::uint8_t>(StopReason::Memory);
  }
  return thread_stopped();
}

void poll_or_throw() {
  thread_local std::uint32_t calls = 0;
  if (++calls % kStopPollInstructions == 0 && stop_polled()) throw StopRequested();
}

std::uint64_t resident_bytes() noexcept {
  // /proc/self/statm: "size resident shared text lib data dt", in pages.
  char text[128];
  if (!read_small_file("/proc/self/statm", text, sizeof text)) return 0;
  char* rest = nullptr;
  (void)std::strtoull(text, &rest, 10);
  return std::strtoull(rest, nullptr, 10) * page_bytes();
}

std::uint64_t default_memory_limit() noexcept {
  std::uint64_t physical = static_cast<std::uint64_t>(::sysconf(_SC_PHYS_PAGES)) * page_bytes();
  // In a container the cgroup's limit (cgroup v2) is the machine the run has.
  char text[64];
  if (read_small_file("/sys/fs/cgroup/memory.max", text, sizeof text) && text[0] >= '0' && text[0] <= '9') {
    const std::uint64_t group = std::strtoull(text, nullptr, 10);
    if (group != 0) physical = std::min(physical, group);
  }
  return std::max<std::uint64_t>(physical / 2, std::uint64_t{256} << 20);
}

StopMemoryLimit::StopMemoryLimit(std::uint64_t bytes) noexcept : saved_(t_memory_limit), saved_stop_(t_stop) {
  if (bytes == 0) return;
  const std::uint64_t ceiling = resident_bytes() + bytes + kMemorySlack;
  t_memory_limit = t_memory_limit == 0 ? ceiling : std::min(t_memory_limit, ceiling);
  t_next_memory_poll = 0;  // the first poll reads it
}

StopMemoryLimit::~StopMemoryLimit() {
  t_memory_limit = saved_;
  t_stop = saved_stop_;
}

StopDeadline::StopDeadline(double seconds) noexcept
    : saved_(t_deadline), saved_stop_(t_stop), own_(0), saved_memory_limit_(t_memory_limit) {
  if (seconds <= 0) return;
  // Past about 292 years the nanosecond count would overflow: such a limit is no limit.
  if (seconds > 9.0e9) return;
  own_ = now_ns() + static_cast<std::int64_t>(seconds * 1e9);
  t_deadline = t_deadline == 0 ? own_ : std::min(t_deadline, own_);
}

InheritedDeadline current_deadline() noexcept { return {t_deadline, t_stop, t_memory_limit}; }

StopDeadline::StopDeadline(InheritedDeadline enclosing) noexcept
    : saved_(t_deadline), saved_stop_(t_stop), own_(0), saved_memory_limit_(t_memory_limit) {
  t_deadline = enclosing.deadline_ns;
  t_stop = enclosing.stop;
  t_memory_limit = enclosing.memory_limit;
  t_next_memory_poll = 0;
}

StopDeadline::~StopDeadline() {
  t_deadline = saved_;
  t_stop = saved_stop_;
  t_memory_limit = saved_memory_limit_;
}

bool StopDeadline::expired() const noexcept { return own_ != 0 && now_ns() >= own_; }

}  // namespace preempt
