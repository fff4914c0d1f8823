// The contexts the kernel runs code in on its own: a kworker for each work item, a timer's softirq,
// an RCU callback's, a kthread, an interrupt line's handler (models/deferred.cpp, models/kthread.cpp
// and models/irq.cpp give their semantics).
// Each is a VM thread whose own code is built in: it waits for its object, runs the object's
// function as a callback frame, and reports that it returned.
#include <fmt/format.h>

#include "checker/explore/footprint.hpp"
#include "checker/interp/access_summary.hpp"
#include "checker/interp/vm_thread.hpp"
#include "checker/rt/address.hpp"

namespace preempt::interp::detail {

void VmThread::run_context(ThreadContext& context, models::ContextKind kind, Value object) {
  begin(context, object);
  kernel_context_ = true;
  service_ = kind != models::ContextKind::Kthread;
  kind_ = kind;
  if (kind == models::ContextKind::Kthread) task_ = object;
  const models::ContextSteps steps = models::context_steps(kind);
  const Addr addr = addr_of_pointer(object);
  for (;;) {
    Op run;
    run.kind = steps.run;
    run.target = {steps.object, addr};
    run.arg1 = static_cast<std::int64_t>(compiled_.layout->kernel);  // RCU: the readers' count
    // The function it will run, as it stands now (for the words; the step runs the current one).
    const Store& store = context.store_view();
    const Addr function_cell = addr + (kind == models::ContextKind::Kthread ? 4 : 2);
    if (store.holds(function_cell) && store.get(function_cell) > 0) run.other = static_cast<FunctionId>(store.get(function_cell) - 1);
    if (!perform_and_call(context, run)) return;
    if (kind == models::ContextKind::Kthread) {
      exit_task(callback_value_, 0);
      return;
    }
    Op done;
    done.kind = steps.done;
    done.target = {steps.object, addr};
    done.arg0 = callback_value_;  // an interrupt handler's result: IRQ_WAKE_THREAD wakes its thread
    const OpResult finished = context.perform(done);
    if (finished.exit_thread) return;
    if (kind == models::ContextKind::Irq && finished.value != 0 && !run_irq_thread(context, addr)) return;
  }
}

bool VmThread::context_future(AccessSet& out) const {
  const AccessSummary& summary = interpreter_.summary();
  const models::ContextSteps steps = models::context_steps(kind_);
  const Addr addr = addr_of_pointer(self_);
  const ModelLayout& layout = *compiled_.layout;
  for (const OpKind kind : models::context_own_steps(kind_)) {
    Op op;
    op.kind = kind;
    op.target = {steps.object, kind == OpKind::KthreadExit ? addr + 2 : addr};
    add_footprint(out, summary.index(), footprint_of(op, layout));
  }
  out.merge(summary.callbacks());
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    const Frame& f = frames_[i];
    const bool innermost = i + 1 == frames_.size();
    out.merge(summary.from(f.body, innermost && f.pc > 0 ? f.pc - 1 : f.pc));
  }
  return true;
}

// Takes a context's step that may hand it a function to run, and runs that function; false when
// the thread ended (the step or the function exited it, or the function did not return).
bool VmThread::perform_and_call(ThreadContext& context, const Op& step) {
  const OpResult result = context.perform(step);
  if (result.exit_thread) return false;
  callback_returned_ = false;
  callback_value_ = 0;
  return result.call == kNone || run_callback(context, result);
}

// A threaded interrupt handler: its thread runs the thread function in process context.
bool VmThread::run_irq_thread(ThreadContext& context, Addr line) {
  Op run;
  run.kind = OpKind::IrqThreadRun;
  run.target = {preempt::ObjectKind::Irq, line};
  const Store& store = context.store_view();
  if (store.get(line + 8) > 0) run.other = static_cast<FunctionId>(store.get(line + 8) - 1);
  if (!perform_and_call(context, run)) return false;
  Op done;
  done.kind = OpKind::IrqThreadDone;
  done.target = {preempt::ObjectKind::Irq, line};
  return !context.perform(done).exit_thread;
}

bool VmThread::run_callback(ThreadContext& context, const OpResult& result) {
  if (result.call >= compiled_.bodies.size()) return true;
  const CodeBody& body = compiled_.bodies[result.call];
  push_frame(result.call, After::Call, 0);
  if (body.param_count >= 1) slots_[frames_.back().base] = result.call_arg;
  if (body.param_count >= 2) slots_[frames_.back().base + 1] = result.call_arg2;  // a handler's dev_id
  callback_value_ = 0;
  execute(context);
  return callback_returned_;
}

void VmThread::exit_task(Value code, std::uint32_t line) {
  if (task_ == 0) return;
  Op exit;
  exit.kind = OpKind::KthreadExit;
  exit.target = {preempt::ObjectKind::Int, addr_of_pointer(task_) + 2};
  exit.arg0 = code;
  exit.line = line;
  // do_exit() is built-in code, whatever called it: after kthread_complete_and_exit() or
  // module_put_and_kthread_exit() in module code, the exit does not run that module's code.
  exit.location = kNone;
  context_->perform(exit);
  task_ = 0;
}

bool VmThread::implicit_target(Op& op, const Instr& in) {
  const ModelLayout& layout = *compiled_.layout;
  switch (op.kind) {
    case OpKind::RcuReadLock: case OpKind::RcuReadUnlock: case OpKind::SynchronizeRcu: case OpKind::RcuBarrier:
      op.target = {preempt::ObjectKind::Kernel, layout.kernel};
      return true;
    case OpKind::FlushScheduledWork:
      op.target = {preempt::ObjectKind::Int, layout.system_wq};
      return true;
    case OpKind::KthreadShouldStop:
      if (task_ == 0) {
        model_error(fmt::format("kthread_should_stop() at line {} runs in {}, which is not a kthread (kthread_run "
                                "starts one)",
                                in.line, context_->name()));
      }
      op.target = {preempt::ObjectKind::Int, addr_of_pointer(task_) + 1};
      return true;
    default: return true;
  }
}

}  // namespace preempt::interp::detail
