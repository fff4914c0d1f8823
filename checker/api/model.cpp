#include <fmt/format.h>

#include "checker/api/preempt.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/rt/address.hpp"
#include "checker/rt/thread_context.hpp"

namespace preempt {

namespace {
// Thrown by do_exit() to leave the thread from any call depth; caught at the thread's entry.
struct ThreadExit {};

Body ignore_result(std::function<void(Thread&)> body) {
  return [body = std::move(body)](Thread& t, std::int64_t) -> std::int64_t {
    body(t);
    return 0;
  };
}
}  // namespace

Model::Model(std::string title) : layout_(std::make_unique<ModelLayout>()) {
  layout_->title = std::move(title);
  program_.layout = layout_.get();
}

Module Model::module(std::string name) { return Module{layout_->add_module(std::move(name))}; }

void Model::set_exit(Module m, Function exit_function) {
  layout_->modules.at(m.id).exit_function = exit_function.id;
}

Int Model::shared_int(std::string name, std::int64_t initial) {
  const Addr addr = layout_->add_group({std::move(name), ObjectKind::Int, 0, 0, kNone});
  layout_->initial.cells[addr] = initial;
  return Int{addr};
}

IntArray Model::int_array(std::string name, std::uint32_t size) {
  return IntArray{(layout_->add_group({std::move(name), ObjectKind::Int, 0, size, kNone})),
                  size};
}

Kobject Model::kobject(std::string name, Function release) {
  return Kobject{(layout_->add_group({std::move(name), ObjectKind::Kobject, 0, 0, release.id}))};
}

Completion Model::completion(std::string name) {
  return Completion{(layout_->add_group({std::move(name), ObjectKind::Completion, 0, 0, kNone}))};
}

Mutex Model::mutex(std::string name) {
  return Mutex{(layout_->add_group({std::move(name), ObjectKind::Mutex, 0, 0, kNone}))};
}

Spinlock Model::spinlock(std::string name) {
  return Spinlock{(layout_->add_group({std::move(name), ObjectKind::Spinlock, 0, 0, kNone}))};
}

FunctionId Model::add_function(std::string name, ModuleId module, Body body) {
  bodies_.push_back(std::move(body));
  return layout_->add_function({std::move(name), module, 0});
}

Function Model::function(std::string name, Module in, std::function<void(Thread&)> body) {
  return Function{add_function(std::move(name), in.id, ignore_result(std::move(body)))};
}

Function Model::function(std::string name, std::function<void(Thread&)> body) {
  return Function{add_function(std::move(name), kNone, ignore_result(std::move(body)))};
}

Function Model::function_with_result(std::string name, Module in, Body body) {
  return Function{add_function(std::move(name), in.id, std::move(body))};
}

ThreadSpec Model::make_thread(std::string name, ModuleId module, std::function<void(Thread&)> body) {
  const FunctionId f = add_function(name, module, ignore_result(std::move(body)));
  ThreadEntry entry = [this, f](ThreadContext& context) {
    Thread thread(context, *this, f);
    try {
      bodies_[f](thread, 0);
    } catch (const ThreadExit&) {
      return;
    }
    if (layout_->module_of(f) != kNone) {
      Op end;
      end.kind = OpKind::ThreadEnd;
      end.location = f;
      context.perform(end);
    }
  };
  return ThreadSpec{std::move(name), std::move(entry), f};
}

void Model::init(std::function<void(Thread&)> body) {
  program_.init = make_thread("init", kNone, std::move(body));
}

void Model::thread(std::string name, std::function<void(Thread&)> body) {
  program_.threads.push_back(make_thread(std::move(name), kNone, std::move(body)));
}

void Model::thread(std::string name, Module in, std::function<void(Thread&)> body) {
  program_.threads.push_back(make_thread(std::move(name), in.id, std::move(body)));
}

void Model::final(std::function<void(Thread&)> body) {
  program_.final = make_thread("final", kNone, std::move(body));
}

ExploreResult explore(const Model& model, const CheckConfig& config) {
  return explore(model.program(), config);
}

ExploreResult replay(const Model& model, std::string_view schedule, const CheckConfig& config) {
  return replay(model.program(), schedule, config);
}

// ---------------------------------------------------------------------------------------------
// Thread

Thread::Thread(ThreadContext& context, const Model& model, FunctionId body)
    : context_(context), model_(model) {
  stack_.reserve(16);
  stack_.push_back(body);
}

const std::string& Thread::name() const { return context_.name(); }

Op Thread::make(OpKind kind, ObjectKind object_kind, Addr index) const {
  Op op;
  op.kind = kind;
  // A module handle is the module's id; every other handle is its object's address.
  if (index == kNoAddr) {
    op.target = {object_kind, kNoAddr};
  } else {
    op.target = {object_kind, object_kind == ObjectKind::Module ? model_.layout().modules.at(index).addr : index};
  }
  op.location = stack_.back();
  return op;
}

OpResult Thread::perform(Op op, const Loc& loc) {
  op.line = loc.line();
  const OpResult result = context_.perform(op);
  if (result.exit_thread) throw ThreadExit{};
  return result;
}

std::int64_t Thread::run_function(FunctionId f, std::int64_t arg) {
  stack_.push_back(f);
  const std::int64_t value = model_.bodies_[f](*this, arg);
  stack_.pop_back();
  return value;
}

// Runs the function a step called (a release method, an exit function) and takes its return step.
void Thread::run_callback(const OpResult& result, const Loc& loc) {
  if (result.call == kNone) return;
  const FunctionId caller = stack_.back();
  run_function(result.call, result.call_arg);
  const ModelLayout& layout = model_.layout();
  if (layout.module_of(result.call) != kNone || layout.module_of(caller) != kNone) {
    Op ret = make(OpKind::Return, ObjectKind::Int, kNoAddr);
    ret.location = result.call;
    ret.other = caller;
    perform(ret, loc);
  }
}

std::int64_t Thread::call(Function f, std::int64_t arg, Loc loc) {
  const FunctionId caller = stack_.back();
  const ModelLayout& layout = model_.layout();
  const bool visible = layout.module_of(f.id) != kNone || layout.module_of(caller) != kNone;
  if (visible) {
    Op op = make(OpKind::Call, ObjectKind::Int, kNoAddr);
    op.other = f.id;
    perform(op, loc);
  }
  const std::int64_t value = run_function(f.id, arg);
  if (visible) {
    Op ret = make(OpKind::Return, ObjectKind::Int, kNoAddr);
    ret.location = f.id;
    ret.other = caller;
    perform(ret, loc);
  }
  return value;
}

std::int64_t Thread::read(Int x, Loc loc) { return perform(make(OpKind::Read, ObjectKind::Int, x.index), loc).value; }

void Thread::write(Int x, std::int64_t value, Loc loc) {
  Op op = make(OpKind::Write, ObjectKind::Int, x.index);
  op.arg0 = value;
  perform(op, loc);
}

std::int64_t Thread::atomic_read(Int x, Loc loc) {
  return perform(make(OpKind::AtomicRead, ObjectKind::Int, x.index), loc).value;
}

void Thread::atomic_set(Int x, std::int64_t value, Loc loc) {
  Op op = make(OpKind::AtomicSet, ObjectKind::Int, x.index);
  op.arg0 = value;
  perform(op, loc);
}

void Thread::atomic_inc(Int x, Loc loc) { perform(make(OpKind::AtomicInc, ObjectKind::Int, x.index), loc); }
void Thread::atomic_dec(Int x, Loc loc) { perform(make(OpKind::AtomicDec, ObjectKind::Int, x.index), loc); }

void Thread::atomic_add(std::int64_t amount, Int x, Loc loc) {
  Op op = make(OpKind::AtomicAdd, ObjectKind::Int, x.index);
  op.arg0 = amount;
  perform(op, loc);
}

void Thread::atomic_sub(std::int64_t amount, Int x, Loc loc) {
  Op op = make(OpKind::AtomicSub, ObjectKind::Int, x.index);
  op.arg0 = amount;
  perform(op, loc);
}

bool Thread::atomic_dec_and_test(Int x, Loc loc) {
  return perform(make(OpKind::AtomicDecAndTest, ObjectKind::Int, x.index), loc).value != 0;
}

std::int64_t Thread::atomic_inc_return(Int x, Loc loc) {
  return perform(make(OpKind::AtomicIncReturn, ObjectKind::Int, x.index), loc).value;
}

std::int64_t Thread::atomic_dec_return(Int x, Loc loc) {
  return perform(make(OpKind::AtomicDecReturn, ObjectKind::Int, x.index), loc).value;
}

std::int64_t Thread::cmpxchg(Int x, std::int64_t expected, std::int64_t desired, Loc loc) {
  Op op = make(OpKind::Cmpxchg, ObjectKind::Int, x.index);
  op.arg0 = expected;
  op.arg1 = desired;
  return perform(op, loc).value;
}

std::int64_t Thread::xchg(Int x, std::int64_t value, Loc loc) {
  Op op = make(OpKind::Xchg, ObjectKind::Int, x.index);
  op.arg0 = value;
  return perform(op, loc).value;
}

void Thread::kobject_get(Kobject k, Loc loc) { perform(make(OpKind::KobjectGet, ObjectKind::Kobject, k.index), loc); }

bool Thread::kobject_get_unless_zero(Kobject k, Loc loc) {
  return perform(make(OpKind::KobjectGetUnlessZero, ObjectKind::Kobject, k.index), loc).value != 0;
}

void Thread::kobject_put(Kobject k, Loc loc) {
  Op op = make(OpKind::KobjectPut, ObjectKind::Kobject, k.index);
  // A kobject field of a heap object: its release method is its field's (a global's is the layout's).
  if (is_heap(k.index)) {
    if (const HeapObject* object = context_.store_view().heap_object(k.index); object != nullptr) {
      const std::uint32_t offset = heap_offset(k.index);
      const StructInfo& info = model_.layout().structs[object->type];
      if (offset > 0 && offset <= info.cells.size()) op.other = info.cells[offset - 1].release;
    }
  }
  run_callback(perform(op, loc), loc);
}

void Thread::complete(Completion c, Loc loc) { perform(make(OpKind::Complete, ObjectKind::Completion, c.index), loc); }
void Thread::complete_all(Completion c, Loc loc) { perform(make(OpKind::CompleteAll, ObjectKind::Completion, c.index), loc); }
void Thread::wait_for_completion(Completion c, Loc loc) {
  perform(make(OpKind::WaitForCompletion, ObjectKind::Completion, c.index), loc);
}
bool Thread::try_wait_for_completion(Completion c, Loc loc) {
  return perform(make(OpKind::TryWaitForCompletion, ObjectKind::Completion, c.index), loc).value != 0;
}
bool Thread::completion_done(Completion c, Loc loc) {
  return perform(make(OpKind::CompletionDone, ObjectKind::Completion, c.index), loc).value != 0;
}
void Thread::reinit_completion(Completion c, Loc loc) {
  perform(make(OpKind::ReinitCompletion, ObjectKind::Completion, c.index), loc);
}

void Thread::mutex_lock(Mutex m, Loc loc) { perform(make(OpKind::MutexLock, ObjectKind::Mutex, m.index), loc); }
bool Thread::mutex_trylock(Mutex m, Loc loc) {
  return perform(make(OpKind::MutexTrylock, ObjectKind::Mutex, m.index), loc).value != 0;
}
void Thread::mutex_unlock(Mutex m, Loc loc) { perform(make(OpKind::MutexUnlock, ObjectKind::Mutex, m.index), loc); }
void Thread::spin_lock(Spinlock s, Loc loc) { perform(make(OpKind::SpinLock, ObjectKind::Spinlock, s.index), loc); }
bool Thread::spin_trylock(Spinlock s, Loc loc) {
  return perform(make(OpKind::SpinTrylock, ObjectKind::Spinlock, s.index), loc).value != 0;
}
void Thread::spin_unlock(Spinlock s, Loc loc) { perform(make(OpKind::SpinUnlock, ObjectKind::Spinlock, s.index), loc); }

void Thread::module_get(Module m, Loc loc) { perform(make(OpKind::ModuleGet, ObjectKind::Module, m.id), loc); }
bool Thread::try_module_get(Module m, Loc loc) {
  return perform(make(OpKind::TryModuleGet, ObjectKind::Module, m.id), loc).value != 0;
}
void Thread::module_put(Module m, Loc loc) { perform(make(OpKind::ModulePut, ObjectKind::Module, m.id), loc); }

void Thread::module_put_and_kthread_exit(Module m, Loc loc) {
  perform(make(OpKind::ModulePutAndExit, ObjectKind::Module, m.id), loc);
  throw ThreadExit{};  // not reached: the step always ends the thread
}

int Thread::delete_module(Module m, Loc loc) {
  const OpResult result = perform(make(OpKind::DeleteModule, ObjectKind::Module, m.id), loc);
  if (result.call != kNone) {
    run_callback(result, loc);
    perform(make(OpKind::ModuleFree, ObjectKind::Module, m.id), loc);
  }
  return static_cast<int>(result.value);
}

void Thread::schedule(Loc loc) { perform(make(OpKind::Schedule, ObjectKind::Int, kNoAddr), loc); }

void Thread::do_exit(Loc loc) {
  perform(make(OpKind::DoExit, ObjectKind::Int, kNoAddr), loc);
  throw ThreadExit{};
}

namespace {
class EqualGuard final : public AwaitGuard {
 public:
  EqualGuard(Addr index, std::int64_t value, std::string text)
      : index_(index), value_(value), text_(std::move(text)) {}
  bool holds(const Store& store) const override { return store.get(index_) == value_; }
  std::string describe() const override { return text_; }
  void reads(FootprintSink& sink) const override { sink.read(Space::Cell, index_, index_); }

 private:
  Addr index_;
  std::int64_t value_;
  std::string text_;
};
}  // namespace

void Thread::await_equal(Int x, std::int64_t value, Loc loc) {
  const EqualGuard guard(x.index, value,
                         fmt::format("{} == {}", model_.layout().object_name({ObjectKind::Int, x.index}), value));
  Op op = make(OpKind::Await, ObjectKind::Int, x.index);
  op.arg0 = value;
  op.payload = static_cast<const AwaitGuard*>(&guard);
  perform(op, loc);
}

std::uint32_t Thread::spawn(std::string name, std::function<void(Thread&)> body, Loc loc) {
  const Model* model = &model_;
  SpawnRequest request;
  request.spec.name = std::move(name);
  request.spec.entry = [model, body = std::move(body)](ThreadContext& context) {
    Thread thread(context, *model, kNone);
    try {
      body(thread);
    } catch (const ThreadExit&) {
    }
  };
  Op op = make(OpKind::Spawn, ObjectKind::Int, kNoAddr);
  op.payload = &request;
  return static_cast<std::uint32_t>(perform(op, loc).value);
}

void Thread::assert_that(bool condition, std::string_view what, Loc loc) {
  if (condition) return;
  message_ = fmt::format("{} (line {})", what, loc.line());
  Op op = make(OpKind::Fail, ObjectKind::Int, kNoAddr);
  op.arg0 = static_cast<std::int64_t>(ViolationKind::Assertion);
  op.line = loc.line();
  op.payload = message_.c_str();
  context_.report(op);
}

void Thread::assume(bool condition, Loc loc) {
  if (condition) return;
  Op op = make(OpKind::AssumeFail, ObjectKind::Int, kNoAddr);
  op.line = loc.line();
  context_.report(op);
}

}  // namespace preempt
