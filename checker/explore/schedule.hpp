#pragma once
// Schedules as short, stable strings: the thread that takes each step, by name, with runs of the
// same thread written once with a count: "sysfs_reader,rmmod:3,sysfs_reader:2,rmmod:4,sysfs_reader".
// A nondet step is written with the value it took: "opener?1". Names keep a schedule meaningful
// across edits of the scenario that do not touch its steps.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checker/explore/chooser.hpp"
#include "checker/rt/trace.hpp"

namespace preempt {

// The schedule of the Threads phase of a trace, and the values of final's nondet steps ("final?1":
// final runs alone, its other steps are not choices; init has none).
[[nodiscard]] std::string encode_schedule(std::span<const TraceEntry> trace,
                                          std::span<const std::string> thread_names);
// The thread name of every step ("opener?1" for a nondet step with its value), or an error message.
[[nodiscard]] std::optional<std::vector<std::string>> decode_schedule(std::string_view text,
                                                                      std::string* error);

// Follows a decoded schedule; stops with a clear error when it does not fit the model (a thread
// that cannot run, a nondet value out of its range: choose_value() then returns -1). Past the end
// of the schedule it lets the previous thread go on (else the lowest enabled one) and says so.
class ReplayChooser final : public Chooser {
 public:
  // `values`, when given, picks the value of a nondet step whose token gives none (a witness a
  // strategy found: its schedule names threads only, under the strategy's values).
  explicit ReplayChooser(std::vector<std::string> steps, Chooser* values = nullptr)
      : steps_(std::move(steps)), values_(values) {}
  ThreadId choose(const SchedulingPoint& point) override;
  std::int64_t choose_value(ThreadId thread, std::uint32_t k, std::int64_t n) override;
  [[nodiscard]] const std::string& error() const override { return error_; }
  [[nodiscard]] bool ran_past_end() const { return past_end_; }
  [[nodiscard]] std::size_t used() const { return position_; }

 private:
  std::vector<std::string> steps_;
  Chooser* values_ = nullptr;
  std::int64_t value_ = -1;  // the value the step just chosen names ("opener?1"), -1: none
  ThreadId chosen_ = kNone;  // the thread choose() picked last (another one runs alone: final)
  const Execution* execution_ = nullptr;  // the execution of the last choose(), for thread names
  std::size_t position_ = 0;
  bool past_end_ = false;
  std::string error_;
};

}  // namespace preempt
