#include "checker/interp/vm.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include <fmt/format.h>

#include "checker/interp/access_summary.hpp"
#include "checker/rt/violation_kind.hpp"
#include "checker/rt/store.hpp"
#include "checker/rt/thread_context.hpp"
#include "models/step.hpp"

namespace preempt::interp {

namespace {

using Value = std::int64_t;
using UValue = std::uint64_t;

// What happens when a frame returns, besides going back to its caller.
enum class After : std::uint8_t {
  Call,        // a call from code: push the result if the function returns int
  Callback,    // a kernel callback (release method): push nothing
  FreeModule,  // a module exit function: free the module, then push delete_module's result (0)
};

// A loop being run: whether its current iteration can still turn out to repeat itself.
struct LoopPass {
  std::size_t depth = 0;          // frames_.size() when the loop started
  std::size_t log_begin = 0;      // the iteration's first step in loop_log_
  std::size_t stack = 0;          // operand stack depth at the top of the loop
  bool changed = false;           // the iteration changed something, or took a step that cannot be
                                  // checked again (an await, a call into module code)
  std::vector<std::int64_t> locals;  // the frame's locals at the top of the iteration
};

void hash_reads(StateHasher& h, const SpinReads& reads) {
  for (const SpinRead& r : reads) {
    h.add(static_cast<std::uint64_t>(r.kind));
    h.add(static_cast<std::uint64_t>(r.target.kind));
    h.add(r.target.addr);
    h.add(static_cast<std::uint64_t>(r.value));
  }
}

struct Frame {
  std::uint32_t body = 0;
  std::uint32_t pc = 0;
  std::uint32_t base = 0;        // first local slot of this frame
  After after = After::Call;
  Addr module = 0;               // FreeModule: the module to free (its object's address)
};

// A runtime fault of the model (index out of bounds, division by zero).
struct Fault {
  ViolationKind kind = ViolationKind::OutOfBounds;
  std::string message;
};

Value wrap_add(Value a, Value b) { return static_cast<Value>(static_cast<UValue>(a) + static_cast<UValue>(b)); }
Value wrap_sub(Value a, Value b) { return static_cast<Value>(static_cast<UValue>(a) - static_cast<UValue>(b)); }
Value wrap_mul(Value a, Value b) { return static_cast<Value>(static_cast<UValue>(a) * static_cast<UValue>(b)); }

Value unary(UnaryOp op, Value v) {
  switch (op) {
    case UnaryOp::Neg: return wrap_sub(0, v);
    case UnaryOp::Not: return v == 0 ? 1 : 0;
    case UnaryOp::BitNot: return ~v;
  }
  return 0;
}

// Binary operators with C semantics on 64-bit two's complement values; division truncates and a
// zero divisor is a fault. Shift counts are taken modulo 64.
bool binary(BinaryOp op, Value a, Value b, Value* out) {
  constexpr Value kMin = std::numeric_limits<Value>::min();
  switch (op) {
    case BinaryOp::Mul: *out = wrap_mul(a, b); return true;
    case BinaryOp::Div:
      if (b == 0) return false;
      *out = (a == kMin && b == -1) ? kMin : a / b;
      return true;
    case BinaryOp::Rem:
      if (b == 0) return false;
      *out = (a == kMin && b == -1) ? 0 : a % b;
      return true;
    case BinaryOp::Add: *out = wrap_add(a, b); return true;
    case BinaryOp::Sub: *out = wrap_sub(a, b); return true;
    case BinaryOp::Shl: *out = static_cast<Value>(static_cast<UValue>(a) << (static_cast<UValue>(b) & 63)); return true;
    case BinaryOp::Shr: *out = a >> (static_cast<UValue>(b) & 63); return true;
    case BinaryOp::Lt: *out = a < b; return true;
    case BinaryOp::Le: *out = a <= b; return true;
    case BinaryOp::Gt: *out = a > b; return true;
    case BinaryOp::Ge: *out = a >= b; return true;
    case BinaryOp::Eq: *out = a == b; return true;
    case BinaryOp::Ne: *out = a != b; return true;
    case BinaryOp::BitAnd: *out = a & b; return true;
    case BinaryOp::BitXor: *out = a ^ b; return true;
    case BinaryOp::BitOr: *out = a | b; return true;
    case BinaryOp::LogicalAnd: *out = (a != 0 && b != 0); return true;
    case BinaryOp::LogicalOr: *out = (a != 0 || b != 0); return true;
  }
  return false;
}

std::string division_message(BinaryOp op, std::uint32_t line) {
  return fmt::format("{} by zero at line {}", op == BinaryOp::Div ? "division" : "remainder", line);
}

std::string bounds_message(const ArrayInfo& array, Value index, std::uint32_t line) {
  return fmt::format("index {} is out of bounds for {}[{}] at line {}", index, array.name, array.size, line);
}

}  // namespace

// One thread's interpreter. It is its own AwaitGuard: while blocked on `await`, the scheduler asks
// it whether the condition holds, evaluated over the Store with this thread's locals.
// Whether any code reads `self` (then a thread's state includes it).
bool uses_self(const CompiledScenario& compiled);

class VmThread final : public AwaitGuard, public StateSource {
 public:
  explicit VmThread(const Interpreter& interpreter)
      : compiled_(interpreter.compiled_), limits_(interpreter.limits_), interpreter_(interpreter),
        hash_self_(uses_self(interpreter.compiled_)) {
    frames_.reserve(64);
    slots_.reserve(256);
    stack_.reserve(256);
  }

  void run(ThreadContext& context, std::uint32_t body, Value self);

  bool holds(const Store& store) const override {
    Fault fault;
    Value value = 0;
    // A faulting condition counts as "holds": the thread then takes the step, evaluates it again
    // itself and reports the fault as a violation of its own.
    if (!evaluate_await(store, &value, &fault)) return true;
    return value != 0;
  }
  std::string describe() const override { return compiled_.awaits[await_site_].text; }
  // Everything that decides what the thread does next: frames, locals, operands, the await it
  // is at; `self` only if some code reads it (then copies of a thread array are told apart).
  void hash_state(StateHasher& h) const override {
    h.add(frames_.size());
    for (const Frame& f : frames_) {
      h.add(f.body);
      h.add(f.pc);
      h.add(f.base);
      h.add(static_cast<std::uint64_t>(f.after));
      h.add(f.module);
    }
    h.add(slots_.size());
    for (Value v : slots_) h.add(static_cast<std::uint64_t>(v));
    h.add(stack_.size());
    for (Value v : stack_) h.add(static_cast<std::uint64_t>(v));
    h.add(await_site_);
    h.add(await_base_);
    // Within a spin loop's condition, what it read so far decides whether the thread, once
    // stopped there, would see something new: two states that differ in it are not the same.
    h.add(in_spin_ ? spin_reads_.size() + 1 : 0);
    h.add(spin_modified_);
    hash_reads(h, spin_reads_);
    // Likewise the loops' iterations: whether one stops the thread depends on the locals it
    // started with and on what it did so far.
    h.add(loop_depth_);
    for (std::size_t i = 0; i < loop_depth_; ++i) {
      const LoopPass& pass = loops_[i];
      h.add(pass.changed ? 1 : 0);
      if (pass.changed) continue;
      h.add(pass.log_begin);
      for (Value v : pass.locals) h.add(static_cast<std::uint64_t>(v));
    }
    h.add(loop_log_.size());
    hash_reads(h, loop_log_);
    if (hash_self_) h.add(static_cast<std::uint64_t>(self_));
  }
  void reads(FootprintSink& sink) const override {
    for (const AwaitSite::Read& r : compiled_.awaits[await_site_].reads) sink.read(r.space, r.first, r.last);
  }
  // Parked at a step: the innermost frame's pc is just past the instruction that announced it (or,
  // for the free after an exit function, past the delete_module that ran it); each caller goes on
  // at its pc; a frame running an exit function frees its module when it returns.
  bool future_accesses(AccessSet& out) const override {
    if (frames_.empty()) return false;
    const AccessSummary& summary = interpreter_.summary();
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      const bool innermost = i + 1 == frames_.size();
      out.merge(summary.from(f.body, innermost && f.pc > 0 ? f.pc - 1 : f.pc));
      if (f.after == After::FreeModule) out.merge(summary.module_free(f.module));
    }
    return true;
  }

 private:
  bool evaluate_await(const Store& store, Value* out, Fault* fault) const;
  OpResult perform(Op& op, std::uint32_t line);
  bool push_frame(std::uint32_t body, After after, std::uint32_t line);
  [[noreturn]] void fault(ViolationKind kind, std::string message, std::uint32_t line);
  [[noreturn]] void model_error(std::string message);
  Value pop() {
    const Value v = stack_.back();
    stack_.pop_back();
    return v;
  }
  [[nodiscard]] FunctionId function_of(const Frame& f) const { return compiled_.bodies[f.body].function; }
  [[nodiscard]] ModuleId module_of(const Frame& f) const { return compiled_.layout->module_of(function_of(f)); }
  // Runs the builtin at the top of the stack; returns false when the thread must end.
  bool builtin(Builtin b, std::uint32_t line);
  // Returns from the innermost frame; returns false when the thread body ended.
  bool return_from(bool has_value, std::uint32_t line);
  // Loops: starts watching an iteration of loops_[i]; logs a step into the iterations watched;
  // whether the iteration that just ended repeats itself exactly (locals, stack, nothing changed).
  void begin_iteration(std::size_t i);
  void log_loop_step(const Op& op, const OpResult& result);
  [[nodiscard]] bool iteration_repeats(const LoopPass& pass) const;

  const CompiledScenario& compiled_;
  const VmLimits& limits_;
  const Interpreter& interpreter_;
  ThreadContext* context_ = nullptr;
  std::vector<Frame> frames_;
  std::vector<Value> slots_;
  std::vector<Value> stack_;
  Value self_ = 0;
  bool hash_self_ = true;
  std::uint32_t await_site_ = 0;
  std::uint32_t await_base_ = 0;    // slot base of the frame that awaits
  std::uint64_t local_budget_ = 0;  // instructions left before the next visible step
  bool in_spin_ = false;            // evaluating a spin loop's condition: its steps are logged
  SpinReads spin_reads_;            //   here, with what they returned (part of the thread's state)
  bool spin_modified_ = false;      //   and whether one of them changed something
  // The loops being run, innermost last (LoopEnter .. LoopLeave). loop_log_ holds the steps of the
  // current iteration of each loop whose iteration has changed nothing so far, from its log_begin.
  std::vector<LoopPass> loops_;     // [0, loop_depth_) are live; the rest keep their capacity
  std::size_t loop_depth_ = 0;
  SpinReads loop_log_;
  SpinReads stopped_log_;           // a stopped iteration's steps, alive while reported
  std::string message_;             // a reported failure's message, alive while reported
};

bool uses_self(const CompiledScenario& compiled) {
  for (const CodeBody& body : compiled.bodies) {
    for (const Instr& in : body.code) {
      if (in.op == Opcode::LoadSelf) return true;
    }
  }
  for (const AwaitSite& site : compiled.awaits) {
    for (const Instr& in : site.code) {
      if (in.op == Opcode::LoadSelf) return true;
    }
  }
  return false;
}

bool VmThread::evaluate_await(const Store& store, Value* out, Fault* fault) const {
  const std::vector<Instr>& code = compiled_.awaits[await_site_].code;
  std::array<Value, 2 * kMaxNesting + 8> stack{};
  std::size_t top = 0;
  for (std::size_t pc = 0; pc < code.size(); ++pc) {
    const Instr& in = code[pc];
    switch (in.op) {
      case Opcode::Const: stack[top++] = in.b; break;
      case Opcode::LoadLocal: stack[top++] = slots_[await_base_ + in.a]; break;
      case Opcode::LoadSelf: stack[top++] = self_; break;
      case Opcode::ElemIndex: {
        const Value index = stack[top - 1];
        const ArrayInfo& array = compiled_.arrays[in.a];
        if (index < 0 || index >= static_cast<Value>(array.size)) {
          *fault = {ViolationKind::OutOfBounds, bounds_message(array, index, in.line)};
          return false;
        }
        stack[top - 1] = static_cast<Value>(array.base) + index * static_cast<Value>(array.stride);
        break;
      }
      case Opcode::LoadShared:
        if (in.b == 1) {
          stack[top - 1] = store.get(static_cast<Addr>(stack[top - 1]));
        } else {
          stack[top++] = store.get(in.a);
        }
        break;
      case Opcode::Unary: stack[top - 1] = unary(static_cast<UnaryOp>(in.a), stack[top - 1]); break;
      case Opcode::Binary: {
        const auto op = static_cast<BinaryOp>(in.a);
        Value result = 0;
        if (!binary(op, stack[top - 2], stack[top - 1], &result)) {
          *fault = {ViolationKind::DivisionByZero, division_message(op, in.line)};
          return false;
        }
        stack[top - 2] = result;
        --top;
        break;
      }
      case Opcode::Jump: pc = in.a - 1; break;
      case Opcode::JumpIfFalse:
        if (stack[--top] == 0) pc = in.a - 1;
        break;
      case Opcode::Primitive: {
        const Value cell = store.get(static_cast<Addr>(stack[top - 1]));
        const auto which = static_cast<Builtin>(in.a);
        // completion_done: the only other builtin the front end allows in await
        stack[top - 1] = which == Builtin::AtomicRead ? cell : (cell != 0 ? 1 : 0);
        break;
      }
      default:
        break;  // not produced for await conditions
    }
  }
  *out = top > 0 ? stack[top - 1] : 0;
  return true;
}

void VmThread::fault(ViolationKind kind, std::string message, std::uint32_t line) {
  message_ = std::move(message);
  Op op;
  op.kind = OpKind::Fail;
  op.arg0 = static_cast<std::int64_t>(kind);
  op.location = frames_.empty() ? kNone : function_of(frames_.back());
  op.line = line;
  op.payload = message_.c_str();
  context_->report(op);
}

void VmThread::model_error(std::string message) {
  message_ = std::move(message);
  Op op;
  op.kind = OpKind::Fault;
  op.payload = message_.c_str();
  context_->report(op);
}

OpResult VmThread::perform(Op& op, std::uint32_t line) {
  op.line = line;
  if (op.location == kNone) op.location = function_of(frames_.back());
  local_budget_ = limits_.max_local_instructions;
  const OpResult result = context_->perform(op);
  if (in_spin_ && !result.exit_thread) {
    spin_reads_.push_back({op.kind, op.target, result.value});
    spin_modified_ |= result.modified;
  }
  // exit_thread first: an abandoned execution may have destroyed the context already.
  if (!result.exit_thread && loop_depth_ > 0 && context_->stop_spins) log_loop_step(op, result);
  return result;
}

void VmThread::begin_iteration(std::size_t i) {
  LoopPass& pass = loops_[i];
  // Steps before this iteration matter only to outer loops whose iteration is still unchanged.
  const bool outer_watching = std::any_of(loops_.begin(), loops_.begin() + static_cast<std::ptrdiff_t>(i),
                                          [](const LoopPass& p) { return !p.changed; });
  if (!outer_watching) loop_log_.clear();
  pass.log_begin = loop_log_.size();
  pass.changed = false;
  pass.stack = stack_.size();
  const Frame& frame = frames_.back();
  pass.locals.assign(slots_.begin() + frame.base, slots_.end());
}

void VmThread::log_loop_step(const Op& op, const OpResult& result) {
  // A step repeats itself when it changed nothing and what decided that can be read again: what a
  // read found, the value a write stored (it found the same), a failed trylock or cmpxchg.
  const bool repeats = !result.modified && result.call == kNone && models::can_read_again(op.kind);
  bool watched = false;
  for (std::size_t i = 0; i < loop_depth_; ++i) {
    if (!repeats) loops_[i].changed = true;
    watched = watched || !loops_[i].changed;
  }
  if (!watched) return;
  const bool writes = op.kind == OpKind::Write || op.kind == OpKind::AtomicSet;
  loop_log_.push_back({op.kind, op.target, writes ? op.arg0 : result.value});
}

bool VmThread::iteration_repeats(const LoopPass& pass) const {
  if (pass.changed || stack_.size() != pass.stack || pass.depth != frames_.size()) return false;
  const Frame& frame = frames_.back();
  return std::equal(pass.locals.begin(), pass.locals.end(), slots_.begin() + frame.base, slots_.end());
}

bool VmThread::push_frame(std::uint32_t body, After after, std::uint32_t line) {
  if (frames_.size() >= limits_.max_call_depth) {
    const CodeBody& callee = compiled_.bodies[body];
    model_error(fmt::format("call depth limit ({}) exceeded: {} (line {}) recurses without end; the "
                            "call at line {} is {} frames deep",
                            limits_.max_call_depth, callee.name,
                            compiled_.layout->functions[callee.function].line, line, frames_.size()));
  }
  const CodeBody& code = compiled_.bodies[body];
  const auto base = static_cast<std::uint32_t>(slots_.size());
  slots_.resize(base + code.slot_count, 0);
  frames_.push_back({body, 0, base, after, 0});
  return true;
}

bool VmThread::return_from(bool has_value, std::uint32_t line) {
  const Value value = has_value ? pop() : 0;
  const Frame done = frames_.back();
  const FunctionId callee = function_of(done);
  if (frames_.size() == 1) {
    if (module_of(done) != kNone) {
      Op end;
      end.kind = OpKind::ThreadEnd;
      end.location = callee;
      perform(end, line);
    }
    return false;
  }
  const Frame& caller = frames_[frames_.size() - 2];
  if (module_of(done) != kNone || module_of(caller) != kNone) {
    Op ret;
    ret.kind = OpKind::Return;
    ret.location = callee;
    ret.other = function_of(caller);
    if (perform(ret, line).exit_thread) return false;  // abandoned
  }
  slots_.resize(done.base);
  frames_.pop_back();
  while (loop_depth_ > 0 && loops_[loop_depth_ - 1].depth > frames_.size()) --loop_depth_;  // returned from inside
  if (loop_depth_ == 0) loop_log_.clear();
  switch (done.after) {
    case After::Call:
      if (compiled_.bodies[done.body].returns_int) stack_.push_back(value);
      break;
    case After::Callback:
      break;
    case After::FreeModule: {
      Op free;
      free.kind = OpKind::ModuleFree;
      free.target = {preempt::ObjectKind::Module, done.module};
      if (perform(free, line).exit_thread) return false;  // abandoned
      stack_.push_back(0);  // delete_module succeeded
      break;
    }
  }
  return true;
}

bool VmThread::builtin(Builtin b, std::uint32_t line) {
  const OpInfo& info = op_info(b);
  const std::size_t argc = info.args.size();
  Op op;
  op.kind = b;
  std::array<Value, 3> values{};
  std::size_t value_count = 0;
  const std::size_t first = stack_.size() - argc;
  for (std::size_t i = 0; i < argc; ++i) {
    const char letter = info.args[i];
    const Value v = stack_[first + i];
    if (letter == 'v') {
      values[value_count++] = v;
    } else {
      op.target = {preempt::object_kind_of_letter(letter).value_or(preempt::ObjectKind::Int), static_cast<Addr>(v)};
    }
  }
  stack_.resize(first);
  op.arg0 = values[0];
  op.arg1 = values[1];
  const OpResult result = perform(op, line);
  if (result.exit_thread) return false;
  if (result.call != kNone) {
    const bool frees = op.kind == OpKind::DeleteModule;
    push_frame(result.call, frees ? After::FreeModule : After::Callback, line);
    frames_.back().module = op.target.addr;
    if (compiled_.bodies[result.call].param_count == 1) slots_[frames_.back().base] = result.call_arg;
    return true;
  }
  if (info.returns_value) stack_.push_back(result.value);
  return true;
}

void VmThread::run(ThreadContext& context, std::uint32_t body, Value self) {
  context_ = &context;
  context.set_state_source(this);
  // Every perform() below returns at once when its result says exit_thread (do_exit, or the
  // execution abandoned): nothing here is left to unwind, and no state of this object is touched
  // (another execution may be using it by then).
  context.set_returns_on_abandon();
  frames_.clear();
  slots_.clear();
  stack_.clear();
  in_spin_ = false;
  spin_reads_.clear();
  spin_modified_ = false;
  loop_depth_ = 0;
  loop_log_.clear();
  self_ = self;
  local_budget_ = limits_.max_local_instructions;
  push_frame(body, After::Call, 0);
  for (;;) {
    Frame& frame = frames_.back();
    const Instr& in = compiled_.bodies[frame.body].code[frame.pc++];
    if (--local_budget_ == 0) {
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
        const Value index = stack_.back();
        const ArrayInfo& array = compiled_.arrays[in.a];
        if (index < 0 || index >= static_cast<Value>(array.size)) {
          fault(ViolationKind::OutOfBounds, bounds_message(array, index, in.line), in.line);
        }
        stack_.back() = static_cast<Value>(array.base) + index * static_cast<Value>(array.stride);
        break;
      }
      case Opcode::LoadShared: {
        Op op;
        op.kind = OpKind::Read;
        op.target = {preempt::ObjectKind::Int, in.b == 1 ? static_cast<Addr>(pop()) : Addr{in.a}};
        const OpResult result = perform(op, in.line);
        if (result.exit_thread) return;  // abandoned
        stack_.push_back(result.value);
        break;
      }
      case Opcode::StoreShared: {
        Op op;
        op.kind = OpKind::Write;
        op.arg0 = pop();
        op.target = {preempt::ObjectKind::Int, in.b == 1 ? static_cast<Addr>(pop()) : Addr{in.a}};
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
      case Opcode::Call: {
        const CodeBody& callee = compiled_.bodies[in.a];
        const FunctionId caller_fn = function_of(frame);
        const ModelLayout& layout = *compiled_.layout;
        if (layout.module_of(caller_fn) != kNone || layout.module_of(callee.function) != kNone) {
          Op call;
          call.kind = OpKind::Call;
          call.other = callee.function;
          if (perform(call, in.line).exit_thread) return;  // abandoned
        }
        push_frame(in.a, After::Call, in.line);
        const Frame& callee_frame = frames_.back();
        for (std::uint32_t i = callee.param_count; i-- > 0;) slots_[callee_frame.base + i] = pop();
        break;
      }
      case Opcode::Return:
        if (!return_from(in.b == 1, in.line)) return;
        break;
      case Opcode::Primitive:
        if (!builtin(static_cast<Builtin>(in.a), in.line)) return;
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
        if (!evaluate_await(context.store_view(), &value, &problem)) fault(problem.kind, problem.message, in.line);
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
        return;
      }
    }
  }
}

Interpreter::Interpreter(const CompiledScenario& compiled, VmLimits limits)
    : compiled_(compiled), limits_(limits) {
  program_.layout = compiled_.layout.get();
  for (const auto& thread : compiled_.threads) {
    program_.threads.push_back(make_spec(thread.name, thread.body, thread.self));
  }
  if (compiled_.init) program_.init = make_spec("init", *compiled_.init, 0);
  if (compiled_.final) program_.final = make_spec("final", *compiled_.final, 0);
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
