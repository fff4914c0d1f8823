#include "checker/interp/vm.hpp"

#include <fmt/format.h>

#include "checker/interp/access_summary.hpp"
#include "checker/interp/vm_thread.hpp"
#include "checker/rt/address.hpp"
#include "models/step.hpp"

namespace preempt::interp {

namespace detail {

void VmThread::run(ThreadContext& context, std::uint32_t body, Value self) {
  begin(context, self);
  push_frame(body, After::Call, 0);
  execute(context);
}

void VmThread::begin(ThreadContext& context, Value self) {
  context_ = &context;
  context.set_state_source(this);
  // Every perform() below returns at once when its result says exit_thread (do_exit, or the
  // execution abandoned): nothing here is left to unwind, and no state of this object is touched
  // (another execution may be using it by then).
  context.set_returns_on_abandon();
  // Before its first visible step a thread's locals come from constants, its argument and global
  // addresses only (reading shared state is a step): a run from the entry rebuilds that state.
  context.set_restartable();
  frames_.clear();
  slots_.clear();
  stack_.clear();
  in_spin_ = false;
  spin_reads_.clear();
  spin_modified_ = false;
  loop_depth_ = 0;
  loop_log_.clear();
  self_ = self;
  service_ = false;
  kernel_context_ = false;
  task_ = 0;
  callback_returned_ = false;
  await_site_ = 0;  // hashed: nothing of an earlier execution's await may stay in the state
  await_base_ = 0;
  refill_local_budget();
}

void VmThread::execute(ThreadContext& context) {
  for (;;) {
    Frame& frame = frames_.back();
    const Instr& code = compiled_.bodies[frame.body].code[frame.pc++];
    Instr shown;  // a prelude body's instruction, at the line of the scenario's call into it
    if (frame.user_line != 0) {
      shown = code;
      shown.line = frame.user_line;
    }
    const Instr& in = frame.user_line != 0 ? shown : code;
    if (--local_budget_ == 0 && local_budget_spent()) {
      Op stuck;
      stuck.kind = OpKind::Stuck;
      stuck.location = function_of(frame);
      stuck.line = in.line;
      context.report(stuck);
    }
    switch (in.op) {
      case Opcode::Const: stack_.push_back(in.b); break;
      case Opcode::LoadLocal: stack_.push_back(slots_[frame.base + in.a]); break;
      case Opcode::StoreLocal: slots_[frame.base + in.a] = pop(); break;
      case Opcode::LoadSelf: stack_.push_back(self_); break;
      case Opcode::Dup: stack_.push_back(stack_.back()); break;
      case Opcode::Pop: stack_.pop_back(); break;
      case Opcode::ElemIndex: {
        const Value index = pop();
        const ArrayInfo& array = compiled_.arrays[in.a];
        if (index < 0 || index >= static_cast<Value>(array.size)) {
          fault(ViolationKind::OutOfBounds, bounds_message(array, index, in.line), in.line);
        }
        stack_.back() = wrap_add(stack_.back(), index * static_cast<Value>(array.stride));
        break;
      }
      case Opcode::ToAddr: {
        Addr addr = 0;
        Fault problem;
        if (!deref(context.store_view(), stack_.back(), in, &addr, &problem)) {
          fault(problem.kind, problem.message, in.line);
        }
        stack_.back() = static_cast<Value>(addr);
        break;
      }
      case Opcode::AddOffset: stack_.back() = wrap_add(stack_.back(), in.b); break;
      case Opcode::ToPointer: stack_.back() = pointer_to(static_cast<Addr>(stack_.back())); break;
      case Opcode::LoadShared: {
        Op op;
        op.kind = OpKind::Read;
        op.target = {in.kind, in.b == 1 ? static_cast<Addr>(pop()) : Addr{in.a}};
        op.expr = text_of(in);
        check_held(op.target.addr, in.kind, in);
        const OpResult result = perform(op, in.line);
        if (result.exit_thread) return;  // abandoned
        stack_.push_back(result.value);
        break;
      }
      case Opcode::StoreShared: {
        Op op;
        op.kind = OpKind::Write;
        if (in.code != kNone) op.text = compiled_.texts[in.code].c_str();
        op.arg0 = pop();
        op.target = {in.kind, in.b == 1 ? static_cast<Addr>(pop()) : Addr{in.a}};
        op.expr = text_of(in);
        check_held(op.target.addr, in.kind, in);
        if (perform(op, in.line).exit_thread) return;  // abandoned
        break;
      }
      case Opcode::Unary: stack_.back() = unary(static_cast<UnaryOp>(in.a), stack_.back()); break;
      case Opcode::Binary: {
        const auto op = static_cast<BinaryOp>(in.a);
        const Value rhs = pop();
        Value result = 0;
        if (!binary(op, stack_.back(), rhs, &result)) {
          fault(ViolationKind::DivisionByZero, division_message(op, in.line), in.line);
        }
        stack_.back() = result;
        break;
      }
      case Opcode::Jump: frame.pc = in.a; break;
      case Opcode::JumpIfFalse:
        if (pop() == 0) frame.pc = in.a;
        break;
      case Opcode::Call:
        if (!call(in.a, static_cast<std::uint32_t>(in.b), in.line)) return;
        break;
      case Opcode::CallPointer: {
        const auto argc = static_cast<std::uint32_t>(in.b);
        const Value pointer = stack_[stack_.size() - 1 - argc];
        const FunctionId f = function_of_pointer(pointer);
        const std::string& text = compiled_.texts[in.a];
        if (pointer == 0) {
          fault(ViolationKind::NullDereference,
                fmt::format("{} is NULL at line {}: a call through a NULL function pointer", text, in.line), in.line);
        }
        if (f == kNone || f >= compiled_.bodies.size() || compiled_.bodies[f].function != f ||
            compiled_.bodies[f].param_count != argc) {
          fault(ViolationKind::NullDereference,
                fmt::format("{} at line {} is not a pointer to a function taking {} argument{}", text, in.line, argc,
                            argc == 1 ? "" : "s"),
                in.line);
        }
        // The callee's arguments move into its frame; the pointer under them goes.
        stack_.erase(stack_.end() - 1 - argc);
        if (!call(f, argc, in.line)) return;
        break;
      }
      case Opcode::Return:
        if (!return_from(in.b == 1, in.line)) return;
        break;
      case Opcode::Primitive:
        if (!builtin(in)) return;
        break;
      case Opcode::Assert:
        if (pop() == 0) {
          const std::string& text = compiled_.texts[in.a];
          message_ = fmt::format("{} failed at line {}", text, in.line);
          Op op;
          op.kind = OpKind::Fail;
          op.arg0 = static_cast<std::int64_t>(ViolationKind::Assertion);
          op.location = function_of(frame);
          op.line = in.line;
          op.text = text.c_str();
          op.payload = message_.c_str();
          context.report(op);
        }
        break;
      case Opcode::Assume:
        if (pop() == 0) {
          Op op;
          op.kind = OpKind::AssumeFail;
          op.location = function_of(frame);
          op.line = in.line;
          context.report(op);
        }
        break;
      case Opcode::SpinBegin:
        in_spin_ = true;
        spin_reads_.clear();
        spin_modified_ = false;
        break;
      case Opcode::SpinEnd:
        in_spin_ = false;
        spin_reads_.clear();
        break;
      case Opcode::LoopEnter:
        if (loop_depth_ == loops_.size()) loops_.emplace_back();
        loops_[loop_depth_].depth = frames_.size();
        begin_iteration(loop_depth_++);
        break;
      case Opcode::LoopLeave:
        --loop_depth_;
        if (loop_depth_ == 0) loop_log_.clear();
        break;
      case Opcode::LoopBack: {
        frame.pc = static_cast<std::uint32_t>(in.b);
        if (!context.stop_spins) break;  // loops as written: nothing to watch
        LoopPass& pass = loops_[loop_depth_ - 1];
        if (iteration_repeats(pass)) {
          stopped_log_.assign(loop_log_.begin() + static_cast<std::ptrdiff_t>(pass.log_begin), loop_log_.end());
          Op op;
          op.kind = OpKind::SpinFail;
          op.arg0 = 1;  // a whole iteration, not a spin loop's condition
          op.location = function_of(frame);
          op.line = in.line;
          op.text = compiled_.texts[in.a].c_str();
          op.payload = &stopped_log_;
          context.report(op);
        }
        begin_iteration(loop_depth_ - 1);
        break;
      }
      case Opcode::SpinFail: {
        if (spin_modified_ || !context.stop_spins) {  // not a pass that could only repeat itself,
          frame.pc = in.b;                              // or a strategy that wants the loop as written
          break;
        }
        Op op;
        op.kind = OpKind::SpinFail;
        op.location = function_of(frame);
        op.line = in.line;
        op.text = compiled_.texts[in.a].c_str();
        op.payload = &spin_reads_;
        context.report(op);
        break;
      }
      case Opcode::Await: {
        await_site_ = in.a;
        await_base_ = frame.base;
        Op op;
        op.kind = OpKind::Await;
        op.payload = static_cast<const AwaitGuard*>(this);
        op.text = compiled_.awaits[in.a].text.c_str();
        if (perform(op, in.line).exit_thread) return;  // abandoned
        // The step was taken because the condition held or faulted; a fault is reported here.
        Fault problem;
        Value value = 0;
        const bool held = evaluate_await(context.store_view(), &value, &problem);
        // The await is over: its site leaves the thread's state (two paths to the same state
        // must hash alike, whether or not one of them passed an await).
        await_site_ = 0;
        await_base_ = 0;
        if (!held) fault(problem.kind, problem.message, in.line);
        break;
      }
      case Opcode::Schedule: {
        Op op;
        op.kind = OpKind::Schedule;
        if (perform(op, in.line).exit_thread) return;  // abandoned
        break;
      }
      case Opcode::DoExit: {
        Op op;
        op.kind = OpKind::DoExit;
        perform(op, in.line);
        if (!context.abandoned()) exit_task(0, in.line);
        return;
      }
    }
  }
}

}  // namespace detail

using detail::VmThread;

Interpreter::Interpreter(const CompiledScenario& compiled, VmLimits limits)
    : compiled_(compiled), limits_(limits) {
  program_.layout = compiled_.layout.get();
  for (const auto& thread : compiled_.threads) {
    program_.threads.push_back(make_spec(thread.name, thread.body, thread.self));
    program_.threads.back().service = thread.service;
  }
  if (compiled_.init) program_.init = make_spec("init", *compiled_.init, 0);
  program_.may_choose = false;
  for (const CodeBody& body : compiled_.bodies) {
    for (const Instr& in : body.code) {
      if (in.op == Opcode::Primitive && static_cast<Builtin>(in.a) == Builtin::Nondet) program_.may_choose = true;
    }
  }
  if (compiled_.final) program_.final = make_spec("final", *compiled_.final, 0);
  if (compiled_.layout->kernel != kNoAddr || compiled_.layout->task_type != kNone) {
    for (std::uint8_t kind = 0; kind < program_.contexts.size(); ++kind) {
      ThreadEntry entry = [this, kind](ThreadContext& context) {
        state_for(context.id()).run_context(context, static_cast<models::ContextKind>(kind), context.argument);
      };
      program_.contexts[kind] = ThreadSpec{"", std::move(entry), kNone};
    }
  }
  // The compiled scenario is read-only once compiled: instances share it, and nothing else.
  program_.another = [&compiled, limits]() -> std::unique_ptr<ProgramInstance> {
    return std::make_unique<Interpreter>(compiled, limits);
  };
}

Interpreter::~Interpreter() = default;

const AccessSummary& Interpreter::summary() const {
  if (!summary_) summary_ = std::make_unique<AccessSummary>(compiled_);
  return *summary_;
}

VmThread& Interpreter::state_for(ThreadId thread) {
  while (states_.size() <= thread) states_.push_back(std::make_unique<VmThread>(*this));
  return *states_[thread];
}

ThreadSpec Interpreter::make_spec(const std::string& name, std::uint32_t body, std::int64_t self) {
  ThreadEntry entry = [this, body, self](ThreadContext& context) {
    state_for(context.id()).run(context, body, self);
  };
  return ThreadSpec{name, std::move(entry), compiled_.bodies[body].function};
}

}  // namespace preempt::interp
