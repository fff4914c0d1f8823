#include "checker/explore/walkthrough.hpp"

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"

namespace preempt {

std::vector<Snapshot> walk(Execution& execution, const Counterexample& c) {
  std::vector<Snapshot> points;
  if (c.trace.size() > kMaxWalkthroughSteps) return points;
  // Each point copies the store: a big store gets none rather than gigabytes.
  if ((c.trace.size() + 1) * execution.store().cells.size() > kMaxWalkthroughCells) return points;
  // Follows the trace's choices, snapshotting every scheduling point: points[n] is the point after
  // n steps. A step with no scheduling point after it (a failed check, final's steps) shows the
  // next point known, at worst where the execution ended.
  class Walker final : public Chooser {
   public:
    Walker(const Counterexample& c, std::vector<std::optional<Snapshot>>& at) : at_(at) {
      for (const TraceEntry& e : c.trace) {
        if (e.phase == Phase::Threads && e.op.kind != OpKind::Fail) threads_.push_back(e.thread);
      }
    }
    ThreadId choose(const SchedulingPoint& point) override {
      if (point.step - 1 < at_.size()) at_[point.step - 1] = point.execution->snapshot();
      if (position_ >= threads_.size()) return kNone;
      return threads_[position_++];
    }
    [[nodiscard]] const std::string& error() const override { return error_; }

   private:
    std::vector<std::optional<Snapshot>>& at_;
    std::vector<ThreadId> threads_;
    std::size_t position_ = 0;
    std::string error_;
  };
  std::vector<std::optional<Snapshot>> at(c.trace.size() + 1);
  Walker walker(c, at);
  (void)execution.run(walker);
  at.back() = execution.snapshot();
  points.resize(at.size());
  for (std::size_t k = at.size(); k-- > 0;) {
    if (at[k]) {
      points[k] = std::move(*at[k]);
    } else {
      points[k] = points[k + 1];
    }
    points[k].step = static_cast<std::uint32_t>(k);
  }
  return points;
}

}  // namespace preempt
