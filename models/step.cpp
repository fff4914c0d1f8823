#include "models/step.hpp"

#include <fmt/format.h>

namespace preempt::models {

bool enabled(const Store& store, const Op& op, ThreadId thread) {
  (void)thread;
  switch (op.kind) {
    case OpKind::WaitForCompletion: return store.completions[op.target.index].done > 0;
    case OpKind::MutexLock: return store.mutexes[op.target.index].owner == kNone;
    case OpKind::SpinLock: return store.spinlocks[op.target.index].owner == kNone;
    case OpKind::Await: return op.guard->holds(store);
    default: return true;
  }
}

bool may_block(OpKind kind) {
  return kind == OpKind::MutexLock || kind == OpKind::SpinLock || kind == OpKind::WaitForCompletion ||
         kind == OpKind::Await;
}

void assign_changed(Store& store, const Op& op, std::int64_t value) {
  const std::uint32_t i = op.target.index;
  const ThreadId owner = value < 0 ? kNone : static_cast<ThreadId>(value);  // lock owners: -1 is free
  switch (op.kind) {
    case OpKind::Read: case OpKind::Write: case OpKind::AtomicRead: case OpKind::AtomicSet:
    case OpKind::AtomicInc: case OpKind::AtomicDec: case OpKind::AtomicAdd: case OpKind::AtomicSub:
    case OpKind::AtomicDecAndTest: case OpKind::AtomicIncReturn: case OpKind::AtomicDecReturn:
    case OpKind::Cmpxchg: case OpKind::Xchg:
      store.ints[i] = value;
      return;
    case OpKind::KobjectGet: case OpKind::KobjectGetUnlessZero: case OpKind::KobjectPut:
      store.kobjects[i].refcount = value;
      return;
    case OpKind::Complete: case OpKind::CompleteAll: case OpKind::WaitForCompletion:
    case OpKind::TryWaitForCompletion: case OpKind::CompletionDone: case OpKind::ReinitCompletion:
      store.completions[i].done = static_cast<std::uint64_t>(value);
      return;
    case OpKind::MutexLock: case OpKind::MutexTrylock: case OpKind::MutexUnlock:
      store.mutexes[i].owner = owner;
      return;
    case OpKind::SpinLock: case OpKind::SpinTrylock: case OpKind::SpinUnlock:
      store.spinlocks[i].owner = owner;
      return;
    case OpKind::ModuleGet: case OpKind::TryModuleGet: case OpKind::ModulePut: case OpKind::ModulePutAndExit:
      store.modules[i].refcount = value;  // these record the refcount
      return;
    case OpKind::DeleteModule: case OpKind::ModuleFree:
      store.modules[i].status = static_cast<ModuleStatus>(value);  // these record the status
      return;
    case OpKind::Call: case OpKind::Return: case OpKind::ThreadEnd: case OpKind::Schedule:
    case OpKind::Await: case OpKind::DoExit: case OpKind::Spawn: case OpKind::Fail: case OpKind::AssumeFail:
    case OpKind::SpinFail: case OpKind::Fault: case OpKind::Stuck:
      return;  // control steps change no object
  }
}

bool may_sleep(OpKind kind) {
  return kind == OpKind::MutexLock || kind == OpKind::WaitForCompletion || kind == OpKind::Schedule;
}

void apply(const Op& op, StepContext& ctx, StepEffect& effect) {
  switch (op.kind) {
    case OpKind::Read: case OpKind::Write: case OpKind::AtomicRead: case OpKind::AtomicSet:
    case OpKind::AtomicInc: case OpKind::AtomicDec: case OpKind::AtomicAdd: case OpKind::AtomicSub:
    case OpKind::AtomicDecAndTest: case OpKind::AtomicIncReturn: case OpKind::AtomicDecReturn:
    case OpKind::Cmpxchg: case OpKind::Xchg:
      apply_memory(op, ctx, effect);
      return;
    case OpKind::KobjectGet: case OpKind::KobjectGetUnlessZero: case OpKind::KobjectPut:
      apply_kobject(op, ctx, effect);
      return;
    case OpKind::Complete: case OpKind::CompleteAll: case OpKind::WaitForCompletion:
    case OpKind::TryWaitForCompletion: case OpKind::CompletionDone: case OpKind::ReinitCompletion:
      apply_completion(op, ctx, effect);
      return;
    case OpKind::MutexLock: case OpKind::MutexTrylock: case OpKind::MutexUnlock:
    case OpKind::SpinLock: case OpKind::SpinTrylock: case OpKind::SpinUnlock:
      apply_lock(op, ctx, effect);
      return;
    case OpKind::ModuleGet: case OpKind::TryModuleGet: case OpKind::ModulePut:
    case OpKind::ModulePutAndExit: case OpKind::DeleteModule: case OpKind::ModuleFree:
      apply_module(op, ctx, effect);
      return;
    case OpKind::DoExit:
      effect.result.exit_thread = true;
      return;
    case OpKind::Call: case OpKind::Return: case OpKind::ThreadEnd: case OpKind::Schedule:
    case OpKind::Await: case OpKind::Spawn: case OpKind::Fail: case OpKind::AssumeFail:
    case OpKind::SpinFail: case OpKind::Fault: case OpKind::Stuck:
      return;  // control steps: the engine handles them; no object changes
  }
}

std::string describe_wait(const Store& store, const ModelLayout& layout, const ThreadNames& names,
                          const Op& op) {
  const auto holder = [&](ThreadId owner) {
    return owner == kNone ? std::string("nobody") : names.thread_name(owner);
  };
  switch (op.kind) {
    case OpKind::WaitForCompletion:
      return fmt::format("waits for completion {} (done = 0)", layout.object_name(op.target));
    case OpKind::MutexLock:
      return fmt::format("waits for mutex {}, held by {}", layout.object_name(op.target),
                         holder(store.mutexes[op.target.index].owner));
    case OpKind::SpinLock:
      return fmt::format("spins on spinlock {}, held by {}", layout.object_name(op.target),
                         holder(store.spinlocks[op.target.index].owner));
    case OpKind::Await:
      return fmt::format("waits until {}", op.guard->describe());
    default:
      return fmt::format("is blocked in {}", op_name(op.kind));
  }
}

namespace {

// What a step that changed nothing saw, that decides whether it would do the same again.
enum class Observed : std::uint8_t { Nothing, Int, Done, MutexFree, SpinlockFree, RefcountNonZero, ModuleLive, Constant };

Observed observed_by(OpKind kind) {
  switch (kind) {
    case OpKind::Read: case OpKind::AtomicRead: case OpKind::Xchg: case OpKind::Cmpxchg:
    case OpKind::Write: case OpKind::AtomicSet:  // a write that stored the value it found
      return Observed::Int;
    case OpKind::CompletionDone: case OpKind::TryWaitForCompletion: return Observed::Done;
    case OpKind::MutexTrylock: return Observed::MutexFree;
    case OpKind::SpinTrylock: return Observed::SpinlockFree;
    case OpKind::KobjectGetUnlessZero: return Observed::RefcountNonZero;
    case OpKind::TryModuleGet: return Observed::ModuleLive;
    case OpKind::Schedule: return Observed::Constant;
    default: return Observed::Nothing;
  }
}

}  // namespace

bool can_read_again(OpKind kind) { return observed_by(kind) != Observed::Nothing; }

std::optional<std::int64_t> read_now(const Store& store, OpKind kind, ObjectRef target) {
  const std::uint32_t i = target.index;
  switch (observed_by(kind)) {
    case Observed::Int: return store.ints[i];  // the value found
    case Observed::Done: return store.completions[i].done != 0 ? 1 : 0;
    case Observed::MutexFree: return store.mutexes[i].owner == kNone ? 1 : 0;
    case Observed::SpinlockFree: return store.spinlocks[i].owner == kNone ? 1 : 0;
    case Observed::RefcountNonZero: return store.kobjects[i].refcount != 0 ? 1 : 0;
    case Observed::ModuleLive: return store.modules[i].status == ModuleStatus::Live ? 1 : 0;
    case Observed::Constant: return 0;
    case Observed::Nothing: break;
  }
  return std::nullopt;
}

}  // namespace preempt::models
