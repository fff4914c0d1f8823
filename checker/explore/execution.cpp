#include "checker/explore/execution.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

namespace preempt {

namespace {
// Where a blocked thread is, for messages: "rmmod waits for completion kobj_holder (done = 0)".
const std::string kUnknownThread = "?";

}  // namespace

Execution::Execution(const ModelProgram& program, const ExecutionOptions& options)
    : program_(program), layout_(*program.layout), options_(options) {
  initial_.assign_from(layout_.initial);
  trace_.reserve(1024);
}

Execution::~Execution() { finish(); }

const std::string& Execution::thread_name(ThreadId thread) const {
  return thread < thread_count_ ? slots_[thread]->name() : kUnknownThread;
}

std::vector<std::string> Execution::thread_names() const {
  std::vector<std::string> names;
  for (std::uint32_t t = 0; t < thread_count_; ++t) names.push_back(slots_[t]->name());
  return names;
}

bool Execution::is_enabled(ThreadId thread) const { return enabled_in(thread, store_); }

bool Execution::enabled_in(ThreadId thread, const Store& store) const {
  if (thread >= thread_count_) return false;
  const ThreadContext& t = *slots_[thread];
  if (t.status() != ThreadStatus::Pending || halted_[thread] != 0) return false;
  if (options_.max_context_runs != 0 && at_context_bound(thread)) return false;
  return models::enabled(store, t.pending(), kernel_[thread], thread);
}

Snapshot Execution::snapshot() const {
  const Execution& x = *this;
  Snapshot s;
  s.step = x.outcome().steps;
  s.state = x.store();
  const ModelLayout& layout = x.layout();
  for (ThreadId t = 0; t < x.thread_count(); ++t) {
    ThreadPosition p;
    p.why = x.describe_thread(t);
    p.function = slots_[t]->body();
    switch (slots_[t]->status()) {
      case ThreadStatus::Idle: p.status = ThreadPosition::Status::NotStarted; break;
      case ThreadStatus::Finished: p.status = ThreadPosition::Status::Finished; break;
      case ThreadStatus::Reporting: p.status = ThreadPosition::Status::Stopped; break;
      case ThreadStatus::Running: case ThreadStatus::Pending:
        p.status = x.is_enabled(t) ? ThreadPosition::Status::Runnable : ThreadPosition::Status::Blocked;
        break;
    }
    if (x.waiting_at_end(t)) {
      Op next = x.pending(t);
      next.payload = {};
      p.function = next.location;
      p.line = next.line;
      p.next = next;
    }
    p.module = layout.module_of(p.function);
    s.threads.push_back(std::move(p));
  }
  return s;
}

bool Execution::future_accesses(ThreadId thread, AccessSet& out) const {
  const ThreadContext& t = *slots_[thread];
  if (t.status() != ThreadStatus::Pending || halted_[thread] != 0) return true;  // no step to come
  return t.state_source() != nullptr && t.state_source()->future_accesses(out);
}

bool Execution::waiting_at_end(ThreadId thread) const {
  return thread < thread_count_ && slots_[thread]->status() == ThreadStatus::Pending && halted_[thread] == 0;
}

std::string Execution::describe_thread(ThreadId thread) const {
  if (thread >= thread_count_) return "does not exist";
  const ThreadContext& t = *slots_[thread];
  switch (t.status()) {
    case ThreadStatus::Finished: return "has finished";
    case ThreadStatus::Idle: return "has not started";
    case ThreadStatus::Running: return "is running";
    case ThreadStatus::Reporting:
      // While another thread can run, it may yet change what the stopped pass read: "for ever"
      // only holds once none can (deadlock(), or a snapshot at the end).
      if (t.pending().kind == OpKind::SpinFail && phase_ == Phase::Threads && !enabled_.empty()) {
        const char* text = t.pending().text != nullptr ? t.pending().text : "?";
        return fmt::format("stopped at line {}: {} changed nothing; it goes on only if another thread changes what "
                           "it read",
                           t.pending().line,
                           t.pending().arg0 == 1 ? fmt::format("an iteration of {}", text)
                                                 : fmt::format("a pass that found {} true", text));
      }
      if (t.pending().kind == OpKind::SpinFail && t.pending().arg0 == 1) {  // a loop's whole iteration
        return fmt::format("spins for ever at line {}: each iteration of {} changes nothing and reads the same "
                           "values, and nothing can change what it reads",
                           t.pending().line, t.pending().text != nullptr ? t.pending().text : "the loop");
      }
      if (t.pending().kind == OpKind::SpinFail) {
        return fmt::format("spins for ever at line {}: {} stays true, and nothing can change what it reads",
                           t.pending().line, t.pending().text != nullptr ? t.pending().text : "its condition");
      }
      return "has stopped";
    case ThreadStatus::Pending: break;
  }
  if (is_enabled(thread)) return fmt::format("can run ({})", op_name(t.pending().kind));
  return models::describe_wait(store_, layout_, *this, t.pending());
}

void Execution::begin() {
  finish();
  // The work of the run that ends here (every run: the strategy's, witnesses, reruns, replays).
  work_.steps += steps_;
  ++work_.runs;
  store_.assign_from(initial_);
  trace_.clear();
  extra_changes_.clear();
  footprints_.clear();
  spawned_.clear();
  contexts_started_.clear();
  outcome_.end.reset();
  outcome_.violation.reset();
  outcome_.error.clear();
  outcome_.steps = 0;
  outcome_.choices = 0;
  outcome_.dropped_at_spin = false;
  outcome_.limit_thread = kNone;
  outcome_.limit_line = 0;
  outcome_.cut_after_end.clear();
  outcome_.later_violations.clear();
  spinning_ = 0;
  run_on_ = false;
  choices_ = 0;
  reported_length_ = 0;
  steps_ = 0;
  thread_count_ = 0;
  kernel_.clear();
  last_entry_.clear();
  nondet_count_.clear();
  context_runs_.clear();
  service_.clear();
  outcome_.context_bound = false;
  outcome_.bound_thread = kNone;
  chooser_ = nullptr;
}

void Execution::finish() {
  for (std::uint32_t t = 0; t < thread_count_; ++t) slots_[t]->abandon();
}

ThreadContext& Execution::start_thread(const ThreadSpec& spec, const std::string* name, std::int64_t argument) {
  const ThreadId id = thread_count_++;
  if (slots_.size() < thread_count_) slots_.push_back(std::make_unique<ThreadContext>(id, pool_));
  if (blocked_.size() < thread_count_) blocked_.push_back(0);
  if (halted_.size() < thread_count_) halted_.push_back(0);
  blocked_[id] = 0;
  halted_[id] = 0;
  kernel_.emplace_back();
  last_entry_.push_back(kNoEntry);
  nondet_count_.push_back(0);
  context_runs_.push_back(0);
  service_.push_back(spec.service ? 1 : 0);
  ThreadContext& thread = *slots_[id];
  thread.attach_store(&store_);
  thread.stop_spins = stop_spins_ || phase_ != Phase::Threads;  // alone, a pass would loop for ever
  thread.argument = argument;
  thread.start(name != nullptr ? *name : spec.name, &spec.entry, spec.body);
  thread.resume();
  after_resume(thread);
  // Past the first threads, one parked at its first step gives its stack back until it runs
  // (ThreadContext, "Restarting"): the pool then holds stacks for the threads that have got past
  // their first step, not one per thread. The first ones keep theirs: a restart runs the thread's
  // local code before its first step again, which small models need not pay.
  if (id >= kStacksKeptAtFirstStep) thread.release_stack();
  return thread;
}

ExecutionEnd Execution::run(Chooser& chooser) {
  begin();
  chooser_ = &chooser;
  phase_ = Phase::Threads;
  maximal_ = chooser.wants_maximal_executions();
  stop_spins_ = chooser.stops_spin_loops() && !options_.loops_as_written;
  for (const ThreadSpec& spec : program_.threads) {
    start_thread(spec);
    if (outcome_.end && !run_on_) return *outcome_.end;
    if (stop_due()) {  // thousands of threads take a while to start: a stop cuts that too
      end_with(ExecutionEnd::StepLimit);
      return *outcome_.end;
    }
  }
  for (const models::ContextRequest& request : init_contexts_) {  // what init queued, armed or started
    start_context(request);
    if (outcome_.end && !run_on_) return *outcome_.end;
  }
  ThreadId previous = kNone;
  while (!outcome_.end || run_on_) {
    note_wakeups();
    if (enabled_.empty()) {
      if (run_on_) break;
      if (spinning_ > 0) {
        end_spinning();
        break;
      }
      if (options_.max_context_runs != 0 && context_bound_hit()) break;  // cut: not a real end
      bool unfinished = false;
      for (std::uint32_t t = 0; t < thread_count_; ++t) {
        unfinished |= slots_[t]->status() == ThreadStatus::Pending && !idle_context(t);
      }
      if (unfinished) {
        deadlock();
      } else if (program_.final) {
        continue_alone(Phase::Final, *program_.final);
      } else {
        complete();
      }
      break;
    }
    if (steps_ >= options_.max_steps || stop_due()) {
      if (run_on_) {
        outcome_.cut_after_end = fmt::format("the step limit ({} steps)", options_.max_steps);
        break;
      }
      outcome_.limit_thread = previous;
      end_with(ExecutionEnd::StepLimit);
      break;
    }
    const bool previous_enabled = previous != kNone && is_enabled(previous);
    const ThreadId pick = chooser.choose({enabled_, previous, previous_enabled, steps_ + 1, this});
    if (pick == kNone) {
      if (run_on_) {
        outcome_.cut_after_end = chooser.error();
        break;
      }
      outcome_.error = chooser.error();
      end_with(ExecutionEnd::Stopped);
      break;
    }
    ++choices_;
    if (!outcome_.end) outcome_.choices = choices_;
    step(pick, previous_enabled && pick != previous, Phase::Threads);
    previous = pick;
  }
  run_on_ = false;
  return *outcome_.end;
}

ExecutionEnd Execution::run_alone(Phase phase, const ThreadSpec& spec) {
  begin();
  stop_spins_ = true;
  continue_alone(phase, spec);
  return *outcome_.end;
}

// Recomputes the enabled set and credits the last step with the threads it unblocked.
void Execution::note_wakeups() {
  enabled_.clear();
  TraceEntry* last = trace_.empty() ? nullptr : &trace_.back();
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    if (slots_[t]->status() != ThreadStatus::Pending) {
      blocked_[t] = 0;
      continue;
    }
    const bool enabled = is_enabled(t);
    if (!enabled && options_.max_context_runs != 0 && at_context_bound(t) &&
        models::enabled(store_, slots_[t]->pending(), kernel_[t], t)) {
      outcome_.context_bound = true;  // it would run again here
      outcome_.bound_thread = t;
    }
    if (enabled) {
      enabled_.push_back(t);
      if (blocked_[t] && last != nullptr && last->thread != t) {
        if (last->woke_count++ == 0) last->woke = t;
      }
    }
    blocked_[t] = enabled ? 0 : 1;
  }
}

void Execution::end_with(ExecutionEnd end) {
  if (outcome_.end) {
    run_on_ = false;
    return;
  }
  outcome_.end = end;
  outcome_.steps = steps_;
  outcome_.choices = choices_;
  reported_length_ = trace_.size();
  run_on_ = maximal_ && phase_ == Phase::Threads && (end == ExecutionEnd::Violation || end == ExecutionEnd::Dropped);
}

void Execution::halt(ThreadId thread) {
  if (thread < halted_.size()) halted_[thread] = 1;
}

void Execution::fail(ViolationKind kind, ThreadId thread, std::string message, ModuleId module) {
  if (run_on_) {
    if (kind != ViolationKind::Deadlock && choices_ > 0) outcome_.later_violations.push_back({choices_ - 1, kind});
    halt(thread);
    return;
  }
  outcome_.violation = Violation{kind, thread, module, steps_, std::move(message)};
  end_with(ExecutionEnd::Violation);
  if (kind == ViolationKind::Deadlock) run_on_ = false;  // nothing can run on; no one is at fault
  if (run_on_) halt(thread);
}

models::StepContext Execution::context(ThreadId thread, std::uint32_t step) {
  return {store_, layout_, *this, thread, kernel_[thread], step, scratch_cells_,
          phase_ == Phase::Init ? kInitHeapOwner : kNone};
}

void Execution::fail_with(ThreadId thread, const models::StepEffect& effect) {
  fail(*effect.violation, thread, effect.message, effect.module);
}

void Execution::step(ThreadId id, bool preempted, Phase phase) {
  ThreadContext& thread = *slots_[id];
  const Op op = thread.pending();
  if (options_.max_context_runs != 0 && op_info(op.kind).control == Control::Idle) ++context_runs_[id];
  TraceEntry& entry = trace_.emplace_back();
  entry.step = ++steps_;
  if (!outcome_.end) outcome_.steps = steps_;
  entry.thread = id;
  entry.op = op;
  entry.op.payload = {};  // it points into the thread's stack: the trace outlives it
  entry.preempted = preempted;
  entry.phase = phase;
  if (options_.record_footprints) footprints_.push_back(footprint_of(op, layout_));
  const std::size_t previous = last_entry_[id];
  last_entry_[id] = trace_.size() - 1;
  models::StepContext ctx = context(id, entry.step);
  models::StepEffect effect;
  if (models::check_step(op, previous == kNoEntry ? nullptr : &trace_[previous].op, ctx, effect)) {
    fail_with(id, effect);
    return;
  }
  models::apply(op, ctx, effect);
  if (op.kind == OpKind::Nondet) {
    if (phase == Phase::Init) {  // init runs once, before the search: it has no choices
      model_error(id, fmt::format("nondet() at line {} runs in init, which runs once without choices: make the "
                                  "choice in a thread",
                                  op.line));
      return;
    }
    if ((effect.result.value = nondet_value(id, op.arg0)) < 0) {  // the chooser stops (a replay)
      outcome_.error = chooser_->error();
      return end_with(ExecutionEnd::Stopped);
    }
  }
  if (!effect.model_error.empty()) {
    model_error(id, effect.model_error);
    return;
  }
  entry.changed_addr = effect.changed;
  entry.before = effect.before;
  entry.after = effect.after;
  entry.extra_begin = static_cast<std::uint32_t>(extra_changes_.size());
  entry.extra_count = effect.extra_count;
  extra_changes_.insert(extra_changes_.end(), effect.extra.begin(), effect.extra.begin() + effect.extra_count);
  entry.value = effect.result.value;
  entry.called = effect.result.call;
  effect.result.modified = effect.changed != kNoAddr && effect.before != effect.after;
  if (effect.violation) {
    fail(*effect.violation, id, fmt::format("{}: {}", thread.name(), effect.message), effect.module);
    return;
  }
  if (effect.result.call != kNone && models::check_call(effect.result.call, ctx, effect)) {
    fail_with(id, effect);
    return;
  }
  if (effect.start) {  // a context to start, after the step
    entry.spawned = thread_count_;
    const models::ContextRequest request = *effect.start;
    thread.set_result(effect.result);
    thread.resume();
    after_resume(thread);
    if (!outcome_.end || run_on_) start_context(request);
    return;
  }
  if (op.kind == OpKind::Spawn) {
    const SpawnRequest* request = std::get<const SpawnRequest*>(op.payload);
    spawned_.push_back(request->spec);
    effect.result.value = thread_count_;
    entry.value = thread_count_;  // the id of the thread it creates
    entry.spawned = thread_count_;
    thread.set_result(effect.result);
    thread.resume();
    after_resume(thread);
    if (!outcome_.end || run_on_) start_thread(spawned_.back());
    return;
  }
  thread.set_result(effect.result);
  thread.resume();
  after_resume(thread);
}

void Execution::after_resume(ThreadContext& thread) {
  if (thread.status() == ThreadStatus::Finished) {
    models::StepEffect effect;
    if (models::check_exit(context(thread.id(), steps_), effect)) fail_with(thread.id(), effect);
    return;
  }
  if (thread.status() != ThreadStatus::Reporting) return;
  const Op& op = thread.pending();
  const char* message = op.message();
  switch (op.kind) {
    case OpKind::Fail: {
      // The failing check is a step of its own in the trace, so the story ends where it failed.
      TraceEntry& entry = trace_.emplace_back();
      entry.step = ++steps_;
      if (!outcome_.end) outcome_.steps = steps_;
      entry.thread = thread.id();
      entry.op = op;
      entry.op.payload = {};
      entry.phase = phase_;
      if (options_.record_footprints) footprints_.emplace_back();
      fail(static_cast<ViolationKind>(op.arg0), thread.id(),
           fmt::format("{}: {}", thread.name(), message != nullptr ? message : "check failed"));
      return;
    }
    case OpKind::AssumeFail:
      if (!run_on_) end_with(ExecutionEnd::Dropped);
      if (run_on_) halt(thread.id());
      return;
    case OpKind::SpinFail:
      // The thread stops at a spin loop whose condition holds. Alone (init, final), nothing can
      // change what it read: it spins for ever.
      if (run_on_) {
        halt(thread.id());
        return;
      }
      ++spinning_;
      if (phase_ != Phase::Threads) deadlock();
      return;
    case OpKind::Stuck:
      if (run_on_) {
        outcome_.cut_after_end = fmt::format("thread {} looping without a visible step at line {}", thread.name(), op.line);
        halt(thread.id());
        return;
      }
      outcome_.limit_thread = thread.id();
      outcome_.limit_line = op.line;
      end_with(ExecutionEnd::StepLimit);
      return;
    default:
      if (run_on_) {
        outcome_.cut_after_end = fmt::format("thread {} failing: {}", thread.name(), message != nullptr ? message : "?");
        run_on_ = false;
        return;
      }
      outcome_.error = fmt::format("thread {} failed: {}", thread.name(), message != nullptr ? message : "?");
      end_with(ExecutionEnd::ModelError);
      return;
  }
}

void Execution::end_spinning() {
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    const ThreadContext& thread = *slots_[t];
    if (thread.status() != ThreadStatus::Reporting || thread.pending().kind != OpKind::SpinFail) continue;
    for (const SpinRead& read : *std::get<const SpinReads*>(thread.pending().payload)) {
      if (models::read_now(store_, read.kind, read.target) != read.value) {
        outcome_.dropped_at_spin = true;
        end_with(ExecutionEnd::Dropped);
        return;
      }
    }
  }
  deadlock();
}

void Execution::deadlock() {
  std::string why;
  ThreadId first = kNone;
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    const bool spins = slots_[t]->status() == ThreadStatus::Reporting && slots_[t]->pending().kind == OpKind::SpinFail;
    if ((slots_[t]->status() != ThreadStatus::Pending || idle_context(t)) && !spins) continue;
    if (first == kNone) first = t;
    if (!why.empty()) why += "; ";
    why += fmt::format("{} {}", slots_[t]->name(), describe_thread(t));
  }
  fail(ViolationKind::Deadlock, first,
       fmt::format("no thread can run: {}", why));
}

void Execution::continue_alone(Phase phase, const ThreadSpec& spec) {
  phase_ = phase;
  ThreadContext& thread = start_thread(spec);
  while (!outcome_.end && thread.status() == ThreadStatus::Pending) {
    if (!is_enabled(thread.id())) {
      deadlock();
      return;
    }
    if (steps_ >= options_.max_steps || stop_due()) {
      outcome_.limit_thread = thread.id();
      end_with(ExecutionEnd::StepLimit);
      return;
    }
    step(thread.id(), false, phase);
  }
  if (outcome_.end) return;
  if (phase == Phase::Final) {
    complete();
  } else {
    end_with(ExecutionEnd::Complete);
  }
}

void Execution::complete() {
  models::StepEffect effect;
  kernel_.emplace_back();  // the checks of the whole execution run as no thread
  models::StepContext ctx{store_, layout_, *this, kNone, kernel_.back(), steps_, scratch_cells_};
  const bool leak = models::check_complete(ctx, effect);
  kernel_.pop_back();
  if (leak) {
    fail(*effect.violation, kNone, effect.message, effect.module);
    return;
  }
  end_with(ExecutionEnd::Complete);
}

void Execution::model_error(ThreadId thread, const std::string& why) {
  if (run_on_) {
    outcome_.cut_after_end = fmt::format("thread {} failing: {}", thread_name(thread), why);
    run_on_ = false;
    return;
  }
  outcome_.error = fmt::format("thread {} failed: {}", thread_name(thread), why);
  end_with(ExecutionEnd::ModelError);
}

}  // namespace preempt
