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
  return models::enabled(store, t.pending(), kernel_[thread]);
}

CellRole Execution::role_of(Addr addr) const {
  if (!is_heap(addr)) return addr < layout_.roles.size() ? layout_.roles[addr] : CellRole::Value;
  const HeapObject* object = store_.heap_object(addr);
  const std::uint32_t offset = heap_offset(addr);
  if (object == nullptr || offset == 0) return CellRole::HeapStatus;
  return layout_.structs[object->type].cells[offset - 1].role;
}

// One thread's status, pending step and local state, pointers named by `names`.
bool Execution::hash_thread(ThreadId t, const PointerNames& names, StateHasher& h) const {
  const ThreadContext& thread = *slots_[t];
  h.add(static_cast<std::uint64_t>(thread.status()));
  h.add(halted_[t]);
  h.add(nondet_count_[t]);  // the next nondet's value depends on how many came before (nondet_oracle.hpp)
  kernel_[t].hash(h);
  if (thread.status() != ThreadStatus::Pending && thread.status() != ThreadStatus::Reporting) return true;
  const Op& op = thread.pending();
  h.add(static_cast<std::uint64_t>(op.kind));
  h.add(static_cast<std::uint64_t>(op.target.kind));
  h.add(names(static_cast<std::int64_t>(op.target.addr)));
  // The pointers among the arguments: kfree's, and the value a write stores in a pointer.
  const bool pointer_arg = op.kind == OpKind::Kfree || (op.kind == OpKind::Write && role_of(op.target.addr) == CellRole::Pointer);
  h.add(pointer_arg ? names(op.arg0) : static_cast<std::uint64_t>(op.arg0));
  h.add(static_cast<std::uint64_t>(op.arg1));
  h.add(op.location);
  h.add(op.other);
  h.add(op.line);
  if (thread.state_source() == nullptr) return false;
  thread.state_source()->hash_state(h, names);
  return true;
}

std::optional<Fingerprint> Execution::fingerprint(bool symmetry) const {
  std::vector<ThreadKey>& keys = fingerprint_keys_;
  keys.resize(thread_count_);
  // Heap pointers name their allocating thread: with symmetry they must be named by its rank, which
  // the order of the threads' keys decides. So the keys that order the threads erase the thread
  // from pointers, and the threads are hashed again once the ranks are known.
  const bool rename = symmetry && !layout_.structs.empty();
  const PointerNames as_is;
  const PointerNames erased{nullptr, 0, true};
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    StateHasher h;
    if (!hash_thread(t, rename ? erased : as_is, h)) return std::nullopt;
    keys[t] = {slots_[t]->body(), h.result()};
  }
  std::vector<std::uint32_t>& order = fingerprint_order_;
  order.resize(thread_count_);
  std::iota(order.begin(), order.end(), 0u);
  if (symmetry) {
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const ThreadKey& x = keys[a];
      const ThreadKey& y = keys[b];
      if (x.group != y.group) return x.group < y.group;
      return std::tie(x.local.hi, x.local.lo) < std::tie(y.local.hi, y.local.lo);
    });
  }
  std::vector<ThreadId>& rank = fingerprint_rank_;
  rank.resize(thread_count_);
  for (std::uint32_t i = 0; i < thread_count_; ++i) rank[order[i]] = i;
  const PointerNames names{symmetry ? rank.data() : nullptr, thread_count_, false};
  if (rename) {
    for (std::uint32_t t = 0; t < thread_count_; ++t) {
      StateHasher h;
      (void)hash_thread(t, names, h);
      keys[t].local = h.result();
    }
  }
  const auto owner = [&](ThreadId t) -> std::uint64_t { return t < thread_count_ ? rank[t] : kNone; };
  const auto cell = [&](CellRole role, std::int64_t v) -> std::uint64_t {
    if (role == CellRole::Owner) return owner(owner_of(v));
    if (role == CellRole::Pointer) return names(v);
    return static_cast<std::uint64_t>(v);
  };
  StateHasher h;
  h.add(thread_count_);
  for (std::uint32_t i : order) {
    h.add(keys[i].group);
    h.add(keys[i].local.hi);
    h.add(keys[i].local.lo);
  }
  const std::vector<CellRole>& roles = layout_.roles;
  for (std::size_t c = 0; c < roles.size(); ++c) h.add(cell(roles[c], store_.cells[c]));
  hash_heap(names, h, cell);
  return h.result();
}

// The heap objects in the order of their names (allocating thread's rank, sequence), so that two
// executions that allocate the same objects in another order, or by symmetric threads, hash alike.
template <class CellHash>
void Execution::hash_heap(const PointerNames& names, StateHasher& h, const CellHash& cell) const {
  const std::span<const HeapObject> heap = store_.heap();
  h.add(heap.size());
  if (heap.empty()) return;
  std::vector<std::uint32_t>& order = fingerprint_heap_order_;
  order.resize(heap.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto name = [&](std::uint32_t i) { return names(pointer_to(heap[i].header())); };
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return name(a) < name(b); });
  for (std::uint32_t i : order) {
    const HeapObject& object = heap[i];
    h.add(name(i));
    h.add(object.type);
    h.add(static_cast<std::uint64_t>(store_.cells[object.base]));  // its status
    if (store_.cells[object.base] != kHeapLive) continue;           // a freed object's cells are gone
    const StructInfo& info = layout_.structs[object.type];
    for (std::uint32_t f = 0; f < info.cells.size(); ++f) h.add(cell(info.cells[f].role, store_.cells[object.base + 1 + f]));
  }
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
  store_.assign_from(initial_);
  trace_.clear();
  footprints_.clear();
  spawned_.clear();
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
  chooser_ = nullptr;
}

void Execution::finish() {
  for (std::uint32_t t = 0; t < thread_count_; ++t) slots_[t]->abandon();
}

ThreadContext& Execution::start_thread(const ThreadSpec& spec) {
  const ThreadId id = thread_count_++;
  if (slots_.size() < thread_count_) slots_.push_back(std::make_unique<ThreadContext>(id, pool_));
  if (blocked_.size() < thread_count_) blocked_.push_back(0);
  if (halted_.size() < thread_count_) halted_.push_back(0);
  blocked_[id] = 0;
  halted_[id] = 0;
  kernel_.emplace_back();
  last_entry_.push_back(kNoEntry);
  nondet_count_.push_back(0);
  ThreadContext& thread = *slots_[id];
  thread.attach_store(&store_);
  thread.stop_spins = stop_spins_ || phase_ != Phase::Threads;  // alone, a pass would loop for ever
  thread.start(spec.name, &spec.entry, spec.body);
  thread.resume();
  after_resume(thread);
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
      bool unfinished = false;
      for (std::uint32_t t = 0; t < thread_count_; ++t) {
        unfinished |= slots_[t]->status() == ThreadStatus::Pending;
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
    if (steps_ >= options_.max_steps) {
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
  if (op.kind == OpKind::Spawn) {
    const SpawnRequest* request = std::get<const SpawnRequest*>(op.payload);
    spawned_.push_back(request->spec);
    effect.result.value = thread_count_;
    entry.value = thread_count_;  // the id of the thread it creates
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
    if (slots_[t]->status() != ThreadStatus::Pending && !spins) continue;
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
    if (steps_ >= options_.max_steps) {
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
