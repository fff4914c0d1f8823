#include "checker/explore/stepper.hpp"

#include <map>
#include <utility>

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"

namespace preempt {

namespace {

// Follows the choices (then a lone runnable thread, up to run_alone steps), fingerprinting every
// point on the way, then records the scheduling point after them and stops.
class FollowChooser final : public Chooser {
 public:
  FollowChooser(std::span<const ThreadId> choices, std::uint32_t run_alone, Position& out)
      : choices_(choices), run_alone_(run_alone), out_(out) {}
  ThreadId choose(const SchedulingPoint& point) override {
    const std::optional<Fingerprint> here = point.execution->fingerprint(false);
    std::optional<std::uint32_t> seen;
    if (here) {
      const auto [at, first] = visited_.try_emplace({here->hi, here->lo}, point.step - 1);
      if (!first) seen = std::exchange(at->second, point.step - 1);  // the latest visit: the loop's period
    }
    if (position_ < choices_.size()) return choices_[position_++];
    if (point.enabled.size() == 1 && !seen && out_.ran_alone.size() < run_alone_) {
      out_.ran_alone.push_back(point.enabled.front());
      return point.enabled.front();
    }
    out_.point = point.execution->snapshot();
    out_.enabled.assign(point.enabled.begin(), point.enabled.end());
    out_.same_state_as = seen;
    stopped_ = true;
    return kNone;
  }

  [[nodiscard]] const std::string& error() const override { return error_; }
  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  std::span<const ThreadId> choices_;
  std::uint32_t run_alone_;
  Position& out_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint32_t> visited_;  // state -> after how many steps
                                                                              // it was last seen
  std::size_t position_ = 0;
  bool stopped_ = false;
  std::string error_;
};

}  // namespace

Stepper::Stepper(const ModelProgram& program, const CheckConfig& config)
    : config_(config), execution_(std::make_unique<Execution>(program, ExecutionOptions{config.max_steps, false, config.loops_as_written})) {
  if (!program.init) return;
  const ExecutionEnd end = execution_->run_alone(Phase::Init, *program.init);
  if (end == ExecutionEnd::Complete) {
    execution_->set_initial(execution_->store());
    return;
  }
  init_ok_ = false;
  init_failed_.over = true;
  init_failed_.end = end;
  init_failed_.error = execution_->outcome().error;
  init_failed_.so_far = counterexample_of(*execution_);
}

Stepper::~Stepper() = default;

Position Stepper::at(std::span<const ThreadId> choices, std::uint32_t run_alone) {
  if (!init_ok_) return init_failed_;
  Position position;
  FollowChooser chooser(choices, run_alone, position);
  const ExecutionEnd end = execution_->run(chooser);
  position.so_far = counterexample_of(*execution_);
  if (!chooser.stopped()) {
    position.over = true;
    position.end = end;
    position.error = execution_->outcome().error;
    position.dropped_at_spin = execution_->outcome().dropped_at_spin;
  }
  return position;
}

Explanation Stepper::explain(const Counterexample& c) {
  return preempt::explain(*execution_, c, config_, config_.explain_replays, config_.explain_races);
}

}  // namespace preempt
