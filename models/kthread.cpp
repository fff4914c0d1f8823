// kthreads (kernel/kthread.c): kthread_create() makes a thread that runs its function once woken,
// kthread_run() creates and wakes it, kthread_stop() sets should_stop, wakes it and waits for it
// to exit, then drops the task (a later use of the task_struct is a use-after-free). A struct
// task_struct's fields: 0 woken, 1 should_stop, 2 exited, 3 the function's result, 4 the function
// (FunctionId + 1), 5 its data pointer. The thread itself is a context of the engine
// (StepEffect::start) whose first step waits until the task is woken.
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {
constexpr Addr kWoken = 0, kShouldStop = 1, kExited = 2, kResult = 3, kFunction = 4, kData = 5;

std::int64_t& field(StepContext& ctx, Addr task, Addr f) { return ctx.store.at(task + f); }
}  // namespace

void apply_kthread(const Op& op, StepContext& ctx, StepEffect& effect) {
  const Addr at = op.target.addr;
  switch (op.kind) {
    case OpKind::KthreadCreate: case OpKind::KthreadRun: {
      if (ctx.layout.task_type == kNone) return;
      allocate_object(op, ctx.layout.task_type, ctx, effect);
      if (!effect.model_error.empty()) return;
      const Addr task = addr_of_pointer(effect.result.value);
      field(ctx, task, kFunction) = op.other == kNone ? 0 : std::int64_t{op.other} + 1;
      field(ctx, task, kData) = op.arg0;
      field(ctx, task, kWoken) = op.kind == OpKind::KthreadRun ? 1 : 0;
      effect.start = ContextRequest{ContextKind::Kthread, task};
      return;
    }
    case OpKind::WakeUpProcess: {
      std::int64_t& woken = field(ctx, at, kWoken);
      effect.result.value = woken == 0 ? 1 : 0;
      effect.change(at + kWoken, woken, 1);
      woken = 1;
      return;
    }
    case OpKind::KthreadShouldStop: effect.result.value = ctx.store.get(at); return;
    case OpKind::KthreadStop: {
      std::int64_t& stop = field(ctx, at, kShouldStop);
      effect.change(at + kShouldStop, stop, 1);
      stop = 1;
      effect.record(at + kWoken, field(ctx, at, kWoken), 1);
      field(ctx, at, kWoken) = 1;
      return;
    }
    case OpKind::KthreadStopWait: {  // the target is the exited field
      const Addr task = at - kExited;
      effect.result.value = ctx.store.get(task + kResult);
      HeapObject* object = is_heap(task) ? ctx.store.heap_object(task) : nullptr;
      if (object != nullptr) free_whole_object(*object, ctx, effect, op.line);  // put_task_struct()
      return;
    }
    case OpKind::KthreadStart: {
      const std::int64_t fn = ctx.store.get(at + kFunction);
      if (fn > 0) {
        effect.result.call = static_cast<FunctionId>(fn - 1);
        effect.result.call_arg = ctx.store.get(at + kData);
      }
      return;
    }
    case OpKind::KthreadExit: {  // the target is the exited field
      std::int64_t& exited = ctx.store.at(at);
      effect.change(at, exited, 1);
      exited = 1;
      effect.record(at + 1, ctx.store.at(at + 1), op.arg0);
      ctx.store.at(at + 1) = op.arg0;
      return;
    }
    case OpKind::KthreadCompleteAndExit: {
      Op complete = op;
      complete.kind = OpKind::Complete;
      apply_completion(complete, ctx, effect);
      return;
    }
    default: return;
  }
}

}  // namespace preempt::models
