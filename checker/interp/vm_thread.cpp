#include <algorithm>

#include <fmt/format.h>

#include "checker/interp/access_summary.hpp"
#include "checker/interp/vm_thread.hpp"
#include "checker/rt/address.hpp"
#include "checker/rt/stop.hpp"
#include "models/step.hpp"

namespace preempt::interp::detail {

namespace {
void hash_reads(StateHasher& h, const SpinReads& reads) {
  for (const SpinRead& r : reads) {
    h.add(static_cast<std::uint64_t>(r.kind));
    h.add(static_cast<std::uint64_t>(r.target.kind));
    h.add(r.target.addr);
    h.add(static_cast<std::uint64_t>(r.value));
  }
}

}  // namespace

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

void VmThread::refill_local_budget() {
  local_budget_ = std::min<std::uint64_t>(limits_.max_local_instructions, kStopPollInstructions);
  local_reserve_ = limits_.max_local_instructions - local_budget_;
}

bool VmThread::local_budget_spent() {
  if (local_reserve_ == 0 || stop_polled()) return true;
  local_budget_ = std::min<std::uint64_t>(local_reserve_, kStopPollInstructions);
  local_reserve_ -= local_budget_;
  return false;
}

OpResult VmThread::perform(Op& op, std::uint32_t line) {
  op.line = line;
  if (op.location == kNone) op.location = function_of(frames_.back());
  refill_local_budget();
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
  std::uint32_t user_line = 0;
  if (code.prelude) user_line = !frames_.empty() && frames_.back().user_line != 0 ? frames_.back().user_line : line;
  frames_.push_back({body, 0, base, after, 0, false, 0, line, user_line});
  return true;
}

bool VmThread::return_from(bool has_value, std::uint32_t line) {
  const Value value = has_value ? pop() : 0;
  const Frame done = frames_.back();
  const FunctionId callee = function_of(done);
  if (frames_.size() == 1 && kernel_context_) {  // a context's callback returns into the kernel
    if (module_of(done) != kNone) {
      Op ret;
      ret.kind = OpKind::Return;
      ret.location = callee;
      if (perform(ret, line).exit_thread) return false;  // abandoned
    }
    slots_.resize(done.base);
    frames_.pop_back();
    loop_depth_ = 0;
    loop_log_.clear();
    callback_returned_ = true;
    callback_value_ = value;
    return false;
  }
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
      if (compiled_.bodies[done.body].returns_value) stack_.push_back(value);
      break;
    case After::Callback:
      if (done.push_result) stack_.push_back(done.result);
      break;
    case After::FreeModule: {
      Op free;
      free.kind = OpKind::ModuleFree;
      free.target = {preempt::ObjectKind::Module, done.module};
      // the step of the delete_module call that ran the exit function, not of its closing brace
      if (perform(free, done.call_line).exit_thread) return false;  // abandoned
      stack_.push_back(0);  // delete_module succeeded
      break;
    }
    case After::LoadModule:
      if (!finish_load(done, compiled_.bodies[done.body].returns_value ? value : 0)) return false;  // abandoned
      break;
  }
  return true;
}

// The loader after a module's init returned `result` (do_init_module): live on success; on a
// failure going, then -- after synchronize_rcu, when the scenario has RCU -- freed, whatever
// references were taken meanwhile. load_module returns 0, or the init's negative errno.
bool VmThread::finish_load(const Frame& done, Value result) {
  Op finish;
  finish.kind = OpKind::ModuleInitDone;
  finish.target = {preempt::ObjectKind::Module, done.module};
  finish.arg0 = result;
  if (perform(finish, done.call_line).exit_thread) return false;
  if (result < 0) {
    if (compiled_.layout->kernel != kNoAddr) {
      Op grace;
      grace.kind = OpKind::SynchronizeRcu;
      grace.target = {preempt::ObjectKind::Kernel, compiled_.layout->kernel};
      if (perform(grace, done.call_line).exit_thread) return false;
    }
    Op free;
    free.kind = OpKind::ModuleFree;
    free.target = {preempt::ObjectKind::Module, done.module};
    if (perform(free, done.call_line).exit_thread) return false;
  }
  stack_.push_back(result < 0 ? result : 0);
  return true;
}

bool VmThread::call(std::uint32_t body, std::uint32_t argc, std::uint32_t line) {
  const CodeBody& callee = compiled_.bodies[body];
  const ModelLayout& layout = *compiled_.layout;
  if (layout.module_of(function_of(frames_.back())) != kNone || layout.module_of(callee.function) != kNone) {
    Op step;
    step.kind = OpKind::Call;
    step.other = callee.function;
    if (perform(step, line).exit_thread) return false;  // abandoned
  }
  push_frame(body, After::Call, line);
  const Frame& frame = frames_.back();
  for (std::uint32_t i = argc; i-- > 0;) slots_[frame.base + i] = pop();
  return true;
}

bool VmThread::deref(const Store& store, Value pointer, const Instr& in, Addr* out, Fault* fault) const {
  const std::string& text = compiled_.texts[in.a];
  if (pointer == 0) {
    *fault = {ViolationKind::NullDereference, fmt::format("{} is NULL at line {}: a NULL pointer dereference", text, in.line)};
    return false;
  }
  const Addr addr = addr_of_pointer(pointer);
  if (addr == kNoAddr || !store.holds(addr)) {
    *fault = {ViolationKind::NullDereference,
              fmt::format("{} at line {} does not point to an object (it holds {:#x})", text, in.line,
                          static_cast<std::uint64_t>(pointer))};
    return false;
  }
  *out = addr;
  return true;
}

void VmThread::check_held_slow(Addr addr, ObjectKind kind, const Instr& in) {
  if (addr == kNoAddr) return;
  const Store& store = context_->store_view();
  const std::uint32_t cells = object_kind_info(kind).cells;
  if (store.holds(addr) && store.holds(addr + (cells == 0 ? 0 : cells - 1))) return;
  const char* text = text_of(in);
  fault(ViolationKind::OutOfBounds,
        fmt::format("{} at line {} lies outside the object its pointer points to (a pointer converted to the "
                    "wrong struct type)",
                    text != nullptr ? text : "the object", in.line),
        in.line);
}

FunctionId VmThread::kobject_release(Addr addr) const {
  if (!is_heap(addr)) return compiled_.layout->release_of(addr, nullptr);
  const HeapObject* object = context_->store_view().heap_object(addr);
  const std::uint32_t offset = heap_offset(addr);
  if (object == nullptr || offset == 0) return kNone;
  const StructInfo& info = compiled_.layout->structs[object->type];
  return offset <= info.cells.size() ? info.cells[offset - 1].release : kNone;
}

// The builtin's operands are on the stack in the order of its argument letters (ops.def): an
// object's address (K C M S R T I), a module pointer (D), values (v, z), a pointer to free (p), a
// function pointer (f); a name (s) takes no operand.
bool VmThread::builtin(const Instr& in) {
  const auto b = static_cast<Builtin>(in.a);
  const OpInfo& info = op_info(b);
  std::size_t argc = 0;
  for (char letter : info.args) argc += letter == 's' || letter == '*' ? 0 : 1;
  Op op;
  op.kind = b;
  op.expr = text_of(in);
  if (in.code != kNone) op.text = compiled_.texts[in.code].c_str();
  std::array<Value, 3> values{};
  std::size_t value_count = 0;
  std::size_t at = stack_.size() - argc;
  const std::size_t first = at;
  bool has_object = false;
  for (const char letter : info.args) {
    if (letter == 's' || letter == '*') continue;
    Value v = stack_[at++];
    switch (letter) {
      case 'v': case 'z': case 'p': case 'q': case 'a': values[value_count++] = v; break;
      case 'f': case 'F': op.other = function_of_pointer(v); break;
      case 'D': op.target = {preempt::ObjectKind::Module, addr_of_pointer(v)}; break;
      case 'N':  // an interrupt line, by its number
        if (v < 0 || v >= kIrqLines) {
          fault(ViolationKind::OutOfBounds,
                fmt::format("{} at line {}: IRQ {} is not one of the kernel's interrupt lines (the models have lines "
                            "0 to {})",
                            info.name, in.line, v, kIrqLines - 1),
                in.line);
          v = 0;
        }
        op.target = {preempt::ObjectKind::Irq,
                     compiled_.layout->irq_lines + static_cast<Addr>(v) * object_kind_info(preempt::ObjectKind::Irq).cells};
        has_object = true;
        break;
      case 'Q': case 'P':  // a workqueue's or a task's first field
        if (v == 0) {
          fault(ViolationKind::NullDereference,
                fmt::format("{} at line {}: a NULL {}", info.name, in.line, letter == 'Q' ? "workqueue" : "task"), in.line);
        }
        op.target = {preempt::ObjectKind::Int, addr_of_pointer(v)};
        has_object = true;
        break;
      default:
        op.target = {preempt::object_kind_of_letter(letter).value_or(preempt::ObjectKind::Int), static_cast<Addr>(v)};
        has_object = true;
        break;
    }
    if (letter == 'p') {
      const Addr addr = addr_of_pointer(v);
      op.target = {preempt::ObjectKind::Header, is_heap(addr) ? heap_header(addr) : kNoAddr};
    }
  }
  stack_.resize(first);
  op.arg0 = values[0];
  op.arg1 = values[1];
  op.arg2 = values[2];
  if (has_object) check_held(op.target.addr, op.target.kind, in);
  if (b == OpKind::Nondet && (op.arg0 < 1 || op.arg0 > kMaxNondetChoices)) {
    fault(ViolationKind::OutOfBounds,
          fmt::format("nondet({}) at line {}: the number of choices must be between 1 and {}", op.arg0, in.line,
                      kMaxNondetChoices),
          in.line);
  }
  // A kobject of a heap object: its release method is its struct field's (a global's is the layout's).
  if (b == OpKind::KobjectPut && is_heap(op.target.addr)) op.other = kobject_release(op.target.addr);
  if (!implicit_target(op, in)) return false;
  if (b == OpKind::WaitEventSleep) {
    stop_guard_.should_stop = task_ != 0 ? addr_of_pointer(task_) + 1 : kNoAddr;
    op.payload = static_cast<const AwaitGuard*>(&stop_guard_);
  }
  const OpResult result = perform(op, in.line);
  if (result.exit_thread) {
    if (!context_->abandoned() && info.control == Control::Exit) exit_task(op.arg0, in.line);
    return false;
  }
  if (b == OpKind::KthreadStop) {  // then it waits for the thread to exit
    Op wait;
    wait.kind = OpKind::KthreadStopWait;
    wait.target = {preempt::ObjectKind::Int, op.target.addr + 2};
    wait.expr = op.expr;
    wait.text = op.text;
    const OpResult waited = perform(wait, in.line);
    if (waited.exit_thread) return false;
    stack_.push_back(waited.value);
    return true;
  }
  if (result.call != kNone) {
    const bool frees = op.kind == OpKind::DeleteModule;
    const bool loads = op.kind == OpKind::LoadModule;
    push_frame(result.call, frees ? After::FreeModule : loads ? After::LoadModule : After::Callback, in.line);
    Frame& callback = frames_.back();
    callback.module = op.target.addr;
    callback.push_result = info.returns_value && !frees && !loads;
    callback.result = result.value;
    if (compiled_.bodies[result.call].param_count == 1) slots_[callback.base] = result.call_arg;
    return true;
  }
  if (info.returns_value) stack_.push_back(result.value);
  return true;
}

void VmThread::hash_state(StateHasher& h, const PointerNames& names) const {
  h.add(frames_.size());
  for (const Frame& f : frames_) {
    h.add(f.body);
    h.add(f.pc);
    h.add(f.base);
    h.add(static_cast<std::uint64_t>(f.after));
    h.add(f.module);
    h.add(f.push_result ? 1 : 0);
    h.add(static_cast<std::uint64_t>(f.result));
  }
  // Each frame's locals; those the compiler knows hold pointers named as the fingerprint names them.
  h.add(slots_.size());
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    const std::vector<bool>& pointers = compiled_.bodies[frames_[i].body].pointer_slots;
    const std::size_t end = i + 1 < frames_.size() ? frames_[i + 1].base : slots_.size();
    for (std::size_t s = frames_[i].base; s < end; ++s) {
      const std::size_t slot = s - frames_[i].base;
      h.add(slot < pointers.size() && pointers[slot] ? names(slots_[s]) : static_cast<std::uint64_t>(slots_[s]));
    }
  }
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
  if (kernel_context_) {  // a context: which object it serves, named as the fingerprint names pointers
    h.add(static_cast<std::uint64_t>(kind_) + 1);
    h.add(names(self_));
    h.add(names(task_));
    h.add(callback_returned_ ? 1 : 0);
  } else if (hash_self_) {
    h.add(static_cast<std::uint64_t>(self_));
  }
}

bool VmThread::future_accesses(AccessSet& out) const {
  if (kernel_context_) return context_future(out);
  if (frames_.empty()) return false;
  const AccessSummary& summary = interpreter_.summary();
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    const Frame& f = frames_[i];
    const bool innermost = i + 1 == frames_.size();
    out.merge(summary.from(f.body, innermost && f.pc > 0 ? f.pc - 1 : f.pc));
    // f.module is the module's address: the summary counts modules by their index
    if (f.after == After::FreeModule) out.merge(summary.module_free(compiled_.layout->module_at(f.module)));
    if (f.after == After::LoadModule) out.merge(summary.module_load(compiled_.layout->module_at(f.module)));
  }
  return true;
}

}  // namespace preempt::interp::detail
