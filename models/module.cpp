// Loadable modules: live -> going -> unloaded, with the module refcount (kernel/module/main.c).
// A module's object has two cells: 0 its refcount, 1 its status. delete_module marks a module with
// refcount 0 going, runs its exit function (if any) as a nested call in the module's code, then
// frees it in a separate step (ModuleFree).
#include <fmt/format.h>

#include "checker/rt/errno.hpp"
#include "models/step.hpp"

namespace preempt::models {

namespace {

constexpr auto kLive = static_cast<std::int64_t>(ModuleStatus::Live);
constexpr auto kGoing = static_cast<std::int64_t>(ModuleStatus::Going);
constexpr auto kUnloaded = static_cast<std::int64_t>(ModuleStatus::Unloaded);

void unload(StepContext& ctx, Addr status, StepEffect& effect) {
  effect.change(status, ctx.store.at(status), kUnloaded);
  ctx.store.at(status) = kUnloaded;
  ctx.store.mark(status, ctx.step);
}

void put(const Op& op, StepContext& ctx, StepEffect& effect, ModuleId id) {
  const Addr addr = op.target.addr;
  std::int64_t& refcount = ctx.store.at(addr);
  const std::string& name = ctx.layout.modules[id].name;
  if (refcount <= 0) {
    effect.fail(ViolationKind::RefcountUnderflow,
                ctx.store.get(addr + 1) == kUnloaded
                    ? fmt::format("{}({}) on a module that was unloaded at step {}", op_name(op.kind), name,
                                  ctx.store.marked_at(addr + 1))
                    : fmt::format("{}({}) drops a module reference that does not exist: the refcount "
                                  "is already 0",
                                  op_name(op.kind), name));
    effect.module = id;
    return;
  }
  effect.change(addr, refcount, refcount - 1);
  --refcount;
}

}  // namespace

void apply_module(const Op& op, StepContext& ctx, StepEffect& effect) {
  const Addr addr = op.target.addr;
  if (addr == kNoAddr) {  // a NULL struct module *: built-in code, which cannot go away
    if (op.kind == OpKind::TryModuleGet) effect.result.value = 1;
    if (op.kind == OpKind::DeleteModule) effect.result.value = -kENOENT;
    return;
  }
  const ModuleId id = ctx.layout.module_at(addr);
  const ModuleInfo& info = ctx.layout.modules[id];
  std::int64_t& refcount = ctx.store.at(addr);
  const std::int64_t status = ctx.store.get(addr + 1);
  switch (op.kind) {
    case OpKind::ModuleGet:
      if (status == kUnloaded) {
        effect.fail(ViolationKind::UseAfterFree,
                    fmt::format("__module_get({}) on a module that was unloaded at step {}", info.name,
                                ctx.store.marked_at(addr + 1)));
        effect.module = id;
        return;
      }
      effect.change(addr, refcount, refcount + 1);
      ++refcount;
      return;
    case OpKind::TryModuleGet:
      effect.result.value = status == kLive ? 1 : 0;
      if (status != kLive) return;
      effect.change(addr, refcount, refcount + 1);
      ++refcount;
      return;
    case OpKind::ModulePut: case OpKind::ModulePutAndExit:
      put(op, ctx, effect, id);
      return;
    case OpKind::DeleteModule:
      if (status == kUnloaded) {
        effect.result.value = -kENOENT;
        return;
      }
      if (refcount != 0 || status != kLive) {
        effect.result.value = -kEBUSY;
        return;
      }
      effect.result.value = 0;
      if (info.exit_function != kNone) {
        effect.change(addr + 1, kLive, kGoing);
        ctx.store.at(addr + 1) = kGoing;
        effect.result.call = info.exit_function;
        return;
      }
      unload(ctx, addr + 1, effect);
      return;
    case OpKind::ModuleFree:
      unload(ctx, addr + 1, effect);
      return;
    default:
      return;
  }
}

}  // namespace preempt::models
