#include "checker/cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace preempt::cli {

namespace {
constexpr double kShowAfterSeconds = 1.0;  // quick runs never show a line
constexpr double kRedrawSeconds = 0.2;     // at most five redraws a second
}  // namespace

ProgressLine::ProgressLine(bool json) : enabled_(!json && ::isatty(STDERR_FILENO) == 1) {}

void ProgressLine::attach(CheckConfig& config) {
  if (!enabled_) return;
  config.progress = [this](const ExploreProgress& progress) { draw(progress); };
  config.progress_interval = kRedrawSeconds;
}

void ProgressLine::draw(const ExploreProgress& progress) {
  if (progress.seconds < kShowAfterSeconds) return;
  const double rate = static_cast<double>(progress.executions) / progress.seconds;
  // "\033[K" erases what a longer earlier line left to the right.
  const std::string line = fmt::format("\r  {} executions  {:.0f}/s  depth {}  {:.1f} s\033[K",
                                       progress.executions, rate, progress.depth, progress.seconds);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace preempt::cli
