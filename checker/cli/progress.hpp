#pragma once
// ProgressLine: the one-line progress display on stderr while an exploration runs -- executions,
// executions per second, the latest execution's depth, elapsed time -- redrawn in place with '\r'
// at most five times a second, shown only once a run has taken a second, and only when stderr is
// a terminal and the output is not JSON.
//
// Protocol: construct one per exploration, attach() it to the CheckConfig passed to explore(),
// and call clear() when explore() returns (before printing the report), which erases the line if
// it was drawn. Disabled, both are no-ops.
#include <cstdint>

#include "checker/explore/config.hpp"

namespace preempt::cli {

class ProgressLine {
 public:
  // json: the output format is JSON (then no progress is ever shown).
  explicit ProgressLine(bool json);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Points config.progress at this line (when enabled); the line must outlive the exploration.
  void attach(CheckConfig& config);
  // Erases the line if it was drawn.
  void clear();

 private:
  void draw(const ExploreProgress& progress);

  bool enabled_;
  bool drawn_ = false;  // the line is on the terminal now
};

}  // namespace preempt::cli
