#pragma once
// Schedules as short, stable strings: the thread that takes each step, by name, with runs of the
// same thread written once with a count: "sysfs_reader,rmmod:3,sysfs_reader:2,rmmod:4,sysfs_reader".
// Names keep a schedule meaningful across edits of the scenario that do not touch its steps.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checker/explore/chooser.hpp"
#include "checker/rt/trace.hpp"

namespace preempt {

// The schedule of the Threads phase of a trace (init and final steps are not choices).
[[nodiscard]] std::string encode_schedule(std::span<const TraceEntry> trace,
                                          std::span<const std::string> thread_names);
// The thread name of every step, or an error message.
[[nodiscard]] std::optional<std::vector<std::string>> decode_schedule(std::string_view text,
                                                                      std::string* error);

// Follows a decoded schedule; stops with a clear error when it does not fit the model. Past the end
// of the schedule it lets the previous thread go on (else the lowest enabled one) and says so.
class ReplayChooser final : public Chooser {
 public:
  explicit ReplayChooser(std::vector<std::string> steps) : steps_(std::move(steps)) {}
  ThreadId choose(const SchedulingPoint& point) override;
  [[nodiscard]] const std::string& error() const override { return error_; }
  [[nodiscard]] bool ran_past_end() const { return past_end_; }
  [[nodiscard]] std::size_t used() const { return position_; }

 private:
  std::vector<std::string> steps_;
  std::size_t position_ = 0;
  bool past_end_ = false;
  std::string error_;
};

}  // namespace preempt
