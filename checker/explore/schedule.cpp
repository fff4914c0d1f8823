#include "checker/explore/schedule.hpp"

#include <algorithm>

#include <charconv>

#include <fmt/format.h>

#include "checker/explore/execution.hpp"

namespace preempt {

std::string encode_schedule(std::span<const TraceEntry> trace, std::span<const std::string> names) {
  std::string out;
  std::size_t i = 0;
  while (i < trace.size()) {
    // final's nondet steps are choices too (it runs alone: only their values)
    const bool final_choice = trace[i].phase == Phase::Final && trace[i].op.kind == OpKind::Nondet;
    if ((trace[i].phase != Phase::Threads && !final_choice) || trace[i].op.kind == OpKind::Fail) {
      ++i;
      continue;
    }
    const ThreadId thread = trace[i].thread;
    if (!out.empty()) out += ',';
    out += thread < names.size() ? names[thread] : std::string("?");
    if (trace[i].op.kind == OpKind::Nondet) {  // a choice: its own token, with its value
      out += fmt::format("?{}", trace[i].value);
      ++i;
      continue;
    }
    std::size_t run = 0;
    while (i < trace.size() && trace[i].phase == Phase::Threads && trace[i].thread == thread &&
           trace[i].op.kind != OpKind::Fail && trace[i].op.kind != OpKind::Nondet) {
      ++run;
      ++i;
    }
    if (run > 1) out += fmt::format(":{}", run);
  }
  return out;
}

std::optional<std::vector<std::string>> decode_schedule(std::string_view text, std::string* error) {
  std::vector<std::string> steps;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) {
      if (text.empty()) return steps;
      *error = fmt::format("empty step at character {} of the schedule", start + 1);
      return std::nullopt;
    }
    std::uint64_t count = 1;
    if (const std::size_t colon = item.rfind(':'); colon != std::string_view::npos) {
      const std::string_view digits = item.substr(colon + 1);
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || count == 0 ||
          count > 100'000'000) {
        *error = fmt::format("bad repeat count '{}' in schedule step '{}'", digits, item);
        return std::nullopt;
      }
      item = item.substr(0, colon);
    }
    if (const std::size_t mark = item.find('?'); mark != std::string_view::npos) {
      const std::string_view digits = item.substr(mark + 1);
      std::uint64_t value = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || count != 1 || value >= kMaxNondetChoices) {
        *error = fmt::format("bad nondet step '{}' in the schedule: write THREAD?VALUE, once per step", item);
        return std::nullopt;
      }
    }
    if (item.empty() || item.front() == '?') {
      *error = fmt::format("missing thread name at character {} of the schedule", start + 1);
      return std::nullopt;
    }
    if (steps.size() + count > 100'000'000) {
      *error = "schedule is too long";
      return std::nullopt;
    }
    steps.insert(steps.end(), count, std::string(item));
    start = end + 1;
  }
  return steps;
}

std::int64_t ReplayChooser::choose_value(ThreadId thread, std::uint32_t k, std::int64_t n) {
  std::int64_t value = value_;
  std::string_view token = position_ > 0 ? std::string_view(steps_[position_ - 1]) : std::string_view();
  if (thread != chosen_ && position_ < steps_.size() && steps_[position_].find('?') != std::string::npos) {
    // a choice of a thread that runs alone (final): no choose() named it; its token is next
    token = steps_[position_];
    const std::size_t mark = token.find('?');
    if (execution_ != nullptr && token.substr(0, mark) != execution_->thread_name(thread)) {
      error_ = fmt::format("the schedule does not fit the model: '{}' names a choice of {}, but the next choice is "
                           "{}'s",
                           token, token.substr(0, mark), execution_->thread_name(thread));
      return -1;
    }
    (void)std::from_chars(token.data() + mark + 1, token.data() + token.size(), value);  // decode_schedule checked it
    ++position_;
  }
  value_ = -1;
  if (value < 0) return values_ != nullptr ? values_->choose_value(thread, k, n) : 0;
  if (value >= n) {
    error_ = fmt::format("the schedule does not fit the model: '{}' gives nondet({}) the value {}, which is not in "
                         "0..{}",
                         token, n, value, n - 1);
    return -1;
  }
  return value;
}

ThreadId ReplayChooser::choose(const SchedulingPoint& point) {
  value_ = -1;
  chosen_ = kNone;
  execution_ = point.execution;
  if (position_ >= steps_.size()) {
    past_end_ = true;
    return point.previous_enabled ? point.previous : point.enabled.front();
  }
  std::string_view wanted = steps_[position_];
  if (const std::size_t mark = wanted.find('?'); mark != std::string_view::npos) {
    std::int64_t value = 0;
    (void)std::from_chars(wanted.data() + mark + 1, wanted.data() + wanted.size(), value);  // decode_schedule checked it
    value_ = value;
    wanted = wanted.substr(0, mark);
  }
  const Execution& execution = *point.execution;
  for (ThreadId t = 0; t < execution.thread_count(); ++t) {
    if (execution.thread_name(t) != wanted) continue;
    if (std::find(point.enabled.begin(), point.enabled.end(), t) == point.enabled.end()) {
      error_ = fmt::format("the schedule does not fit the model: step {} names thread {}, which {}",
                           point.step, wanted, execution.describe_thread(t));
      return kNone;
    }
    ++position_;
    chosen_ = t;
    return t;
  }
  std::string known;
  for (ThreadId t = 0; t < execution.thread_count(); ++t) {
    known += (known.empty() ? "" : ", ") + execution.thread_name(t);
  }
  error_ = fmt::format("the schedule does not fit the model: step {} names thread '{}', but the "
                       "threads are: {}",
                       point.step, wanted, known);
  return kNone;
}

}  // namespace preempt
