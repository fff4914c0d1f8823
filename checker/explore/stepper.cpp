#include "checker/explore/stepper.hpp"

#include "checker/explore/execution.hpp"
#include "checker/explore/explorer.hpp"

namespace preempt {

namespace {

// Follows the choices, then records the scheduling point after them and stops.
class FollowChooser final : public Chooser {
 public:
  FollowChooser(std::span<const ThreadId> choices, Position& out) : choices_(choices), out_(out) {}
  ThreadId choose(const SchedulingPoint& point) override {
    if (position_ < choices_.size()) return choices_[position_++];
    out_.point = point.execution->snapshot();
    out_.enabled.assign(point.enabled.begin(), point.enabled.end());
    stopped_ = true;
    return kNone;
  }
  [[nodiscard]] const std::string& error() const override { return error_; }
  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  std::span<const ThreadId> choices_;
  Position& out_;
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

Position Stepper::at(std::span<const ThreadId> choices) {
  if (!init_ok_) return init_failed_;
  Position position;
  FollowChooser chooser(choices, position);
  const ExecutionEnd end = execution_->run(chooser);
  position.so_far = counterexample_of(*execution_);
  if (!chooser.stopped()) {
    position.over = true;
    position.end = end;
    position.error = execution_->outcome().error;
  }
  return position;
}

Explanation Stepper::explain(const Counterexample& c) {
  return preempt::explain(*execution_, c, config_, config_.explain_replays, config_.explain_races);
}

}  // namespace preempt
