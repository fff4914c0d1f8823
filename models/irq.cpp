// Interrupts (kernel/irq/manage.c): request_irq, free_irq, synchronize_irq, disable_irq,
// disable_irq_nosync, enable_irq, and the context that runs a line's handler. A line is raised
// once when it is requested and once each time enable_irq enables it again; while it is requested,
// raised and enabled its handler may run at any point, once, in hardirq context, never nested with
// itself. Like the kernel, disable_irq keeps an interrupt that arrives while the line is disabled
// (IRQS_PENDING) and delivers it when the line is enabled again. free_irq, synchronize_irq and
// disable_irq wait until the handler is not running (the footprint's Block column).
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {

constexpr std::int64_t kIrqfNoAutoen = 0x80000;  // IRQF_NO_AUTOEN: requested disabled (include/linux/interrupt.h)
constexpr Addr kMayFire = 0, kRunning = 1, kHandler = 2, kHasContext = 3, kDevId = 4, kRequested = 5, kDepth = 6,
               kRaised = 7, kThread = 8;
constexpr std::int64_t kIrqWakeThread = 2;  // IRQ_WAKE_THREAD

using Line = ObjectCells;  // an interrupt line's cells (the constants above)

// The handler may fire when the line is requested, raised and enabled.
void update(Line& line) {
  line.set(kMayFire, line.get(kRequested) != 0 && line.get(kRaised) != 0 && line.get(kDepth) == 0 ? 1 : 0);
}

std::int64_t line_number(const Op& op, const StepContext& ctx) {
  return static_cast<std::int64_t>((op.target.addr - ctx.layout.irq_lines) / object_kind_info(ObjectKind::Irq).cells);
}

void request(const Op& op, StepContext& ctx, StepEffect& effect, Line& line) {
  if (line.get(kRequested) != 0) {
    effect.result.value = -16;  // -EBUSY: the models do not share lines (IRQF_SHARED is accepted, not modelled)
    return;
  }
  // request_irq(irq, handler, flags, name, dev_id); request_threaded_irq(irq, handler, thread_fn,
  // flags, name, dev_id)
  const bool threaded = op.kind == OpKind::RequestThreadedIrq;
  const FunctionId thread = threaded ? function_of_pointer(op.arg0) : kNone;
  const std::int64_t flags = threaded ? op.arg1 : op.arg0;
  line.set(kRequested, 1);
  line.set(kHandler, op.other == kNone ? 0 : std::int64_t{op.other} + 1);
  line.set(kThread, thread == kNone ? 0 : std::int64_t{thread} + 1);
  line.set(kDevId, threaded ? op.arg2 : op.arg1);
  line.set(kRaised, 1);
  if ((flags & kIrqfNoAutoen) != 0 && line.get(kDepth) == 0) line.set(kDepth, 1);  // masked until enable_irq
  if (line.get(kHasContext) == 0) {
    line.set(kHasContext, 1);
    effect.start = ContextRequest{ContextKind::Irq, op.target.addr};
  }
  update(line);
  effect.result.value = 0;
  (void)ctx;
}

}  // namespace

void apply_irq(const Op& op, StepContext& ctx, StepEffect& effect) {
  Line line(ctx, effect, op.target.addr);
  switch (op.kind) {
    case OpKind::RequestIrq: case OpKind::RequestThreadedIrq: request(op, ctx, effect, line); return;
    case OpKind::FreeIrq:
      if (line.get(kRequested) == 0) {
        effect.fail(ViolationKind::DoubleFree, fmt::format("{} at line {} frees IRQ {}, which is not requested "
                                                           "(\"Trying to free already-free IRQ {}\")",
                                                           call_text(op, ctx), op.line, line_number(op, ctx),
                                                           line_number(op, ctx)));
        return;
      }
      line.set(kRequested, 0);
      line.set(kRaised, 0);
      update(line);
      return;
    case OpKind::SynchronizeIrq: return;  // it waited until the handler is not running
    case OpKind::DisableIrq: case OpKind::DisableIrqNosync:
      line.set(kDepth, line.get(kDepth) + 1);
      update(line);
      return;
    case OpKind::EnableIrq:
      if (line.get(kDepth) == 0) {
        effect.fail(ViolationKind::LockMisuse, fmt::format("{} at line {} enables IRQ {}, which is not disabled "
                                                           "(\"Unbalanced enable for IRQ {}\")",
                                                           call_text(op, ctx), op.line, line_number(op, ctx),
                                                           line_number(op, ctx)));
        return;
      }
      line.set(kDepth, line.get(kDepth) - 1);
      if (line.get(kDepth) == 0 && line.get(kRequested) != 0) line.set(kRaised, 1);
      update(line);
      return;
    case OpKind::IrqRun: {
      ctx.kernel.softirq = 2;  // hardirq context
      line.set(kRaised, 0);
      line.set(kMayFire, 0);
      line.set(kRunning, 1);
      const std::int64_t handler = line.get(kHandler);
      if (handler > 0) {
        effect.result.call = static_cast<FunctionId>(handler - 1);
        effect.result.call_arg = line_number(op, ctx);
        effect.result.call_arg2 = line.get(kDevId);
      }
      return;
    }
    case OpKind::IrqDone: {
      // The handler returned arg0: a threaded line's thread runs next when the handler is the
      // default one (NULL) or asked for it; the line stays busy until the thread returns.
      ctx.kernel.softirq = 0;
      const bool wake = line.get(kThread) != 0 && (line.get(kHandler) == 0 || op.arg0 == kIrqWakeThread);
      if (!wake) line.set(kRunning, 0);
      effect.result.value = wake ? 1 : 0;
      return;
    }
    case OpKind::IrqThreadRun: {
      const std::int64_t thread = line.get(kThread);
      if (thread > 0) {
        effect.result.call = static_cast<FunctionId>(thread - 1);
        effect.result.call_arg = line_number(op, ctx);
        effect.result.call_arg2 = line.get(kDevId);
      }
      return;
    }
    case OpKind::IrqThreadDone: line.set(kRunning, 0); return;
    default: return;
  }
}

}  // namespace preempt::models
