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

bool can_read_again(OpKind kind) {
  switch (kind) {
    case OpKind::Read: case OpKind::AtomicRead: case OpKind::Xchg: case OpKind::Cmpxchg: case OpKind::Write:
    case OpKind::AtomicSet: case OpKind::CompletionDone: case OpKind::TryWaitForCompletion:
    case OpKind::MutexTrylock: case OpKind::SpinTrylock: case OpKind::KobjectGetUnlessZero:
    case OpKind::TryModuleGet: case OpKind::Schedule:
      return true;
    default: return false;
  }
}

std::optional<std::int64_t> read_now(const Store& store, OpKind kind, ObjectRef target) {
  switch (kind) {
    case OpKind::Read: case OpKind::AtomicRead: case OpKind::Xchg: case OpKind::Cmpxchg:
    case OpKind::Write: case OpKind::AtomicSet:  // a write that stored the value it found
      return store.ints[target.index];  // the value found
    case OpKind::Schedule: return 0;
    case OpKind::CompletionDone: case OpKind::TryWaitForCompletion:
      return store.completions[target.index].done != 0 ? 1 : 0;
    case OpKind::MutexTrylock: return store.mutexes[target.index].owner == kNone ? 1 : 0;
    case OpKind::SpinTrylock: return store.spinlocks[target.index].owner == kNone ? 1 : 0;
    case OpKind::KobjectGetUnlessZero: return store.kobjects[target.index].refcount != 0 ? 1 : 0;
    case OpKind::TryModuleGet: return store.modules[target.index].status == ModuleStatus::Live ? 1 : 0;
    default: return std::nullopt;
  }
}

}  // namespace preempt::models
