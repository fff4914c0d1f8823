// Loadable modules: (not loaded -> coming ->) live -> going -> unloaded, with the module refcount
// (kernel/module/main.c). A module's object has two cells: 0 its refcount, 1 its status.
// delete_module marks a module with refcount 0 going, runs its exit function (if any) as a nested
// call in the module's code, then frees it in a separate step (ModuleFree). load_module marks a
// module that is not loaded coming and runs its init function (if any) as a nested call; the step
// after the init returns (ModuleInitDone) makes it live, or, when the init failed, going -- and the
// loader frees it (ModuleFree), whatever references were taken meanwhile (do_init_module).
#include <fmt/format.h>

#include "checker/rt/errno.hpp"
#include "models/step.hpp"

namespace preempt::models {

namespace {

constexpr auto kLive = static_cast<std::int64_t>(ModuleStatus::Live);
constexpr auto kGoing = static_cast<std::int64_t>(ModuleStatus::Going);
constexpr auto kUnloaded = static_cast<std::int64_t>(ModuleStatus::Unloaded);
constexpr auto kNotLoaded = static_cast<std::int64_t>(ModuleStatus::NotLoaded);
constexpr auto kComing = static_cast<std::int64_t>(ModuleStatus::Coming);

void set_status(StepContext& ctx, Addr status, std::int64_t to, StepEffect& effect) {
  effect.change(status, ctx.store.at(status), to);
  ctx.store.at(status) = to;
}

void unload(StepContext& ctx, Addr status, StepEffect& effect) {
  effect.change(status, ctx.store.at(status), kUnloaded);
  ctx.store.at(status) = kUnloaded;
  ctx.store.mark(status, ctx.step);
}

void put(const Op& op, StepContext& ctx, StepEffect& effect, ModuleId id) {
  const Addr addr = op.target.addr;
  std::int64_t& refcount = ctx.store.at(addr);
  const std::string& name = ctx.layout.modules[id].name;
  if (refcount > 0 && ctx.store.get(addr + 1) == kUnloaded) {  // a reference taken by a failed init
    effect.fail(ViolationKind::UseAfterFree,
                fmt::format("{}({}) on a module that was freed at step {}: its init failed, and the loader "
                            "freed it while this reference was held",
                            op_name(op.kind), name, ctx.store.marked_at(addr + 1)));
    effect.module = id;
    return;
  }
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
    if (op.kind == OpKind::LoadModule) effect.result.value = -kEEXIST;
    return;
  }
  const ModuleId id = ctx.layout.module_at(addr);
  const ModuleInfo& info = ctx.layout.modules[id];
  std::int64_t& refcount = ctx.store.at(addr);
  const std::int64_t status = ctx.store.get(addr + 1);
  switch (op.kind) {
    case OpKind::ModuleGet:
      if (status == kUnloaded || status == kNotLoaded) {
        effect.fail(ViolationKind::UseAfterFree,
                    status == kNotLoaded
                        ? fmt::format("__module_get({}) on a module that is not loaded", info.name)
                        : fmt::format("__module_get({}) on a module that was unloaded at step {}", info.name,
                                      ctx.store.marked_at(addr + 1)));
        effect.module = id;
        return;
      }
      effect.change(addr, refcount, refcount + 1);
      ++refcount;
      return;
    case OpKind::TryModuleGet:
      effect.result.value = status == kLive || status == kComing ? 1 : 0;  // module_is_live
      if (effect.result.value == 0) return;
      effect.change(addr, refcount, refcount + 1);
      ++refcount;
      return;
    case OpKind::ModulePut: case OpKind::ModulePutAndExit:
      put(op, ctx, effect, id);
      return;
    case OpKind::DeleteModule:
      if (status == kUnloaded || status == kNotLoaded) {
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
    case OpKind::LoadModule:
      // Loaded already (coming, live), or on its way out; a module loaded again once unloaded is
      // an error of the model.
      if (status == kUnloaded) {
        effect.model_error = fmt::format(
            "load_module({}) after the module was unloaded at step {}: loading a module again is not modelled (a "
            "scenario loads each module at most once)",
            info.name, ctx.store.marked_at(addr + 1));
        return;
      }
      if (status != kNotLoaded) {
        effect.result.value = status == kGoing ? -kEBUSY : -kEEXIST;
        return;
      }
      effect.result.value = 0;
      if (info.init_function != kNone) {
        set_status(ctx, addr + 1, kComing, effect);
        effect.result.call = info.init_function;
        return;
      }
      set_status(ctx, addr + 1, kLive, effect);
      return;
    case OpKind::ModuleInitDone:  // arg0: what the init returned; a positive value is a success too
      set_status(ctx, addr + 1, op.arg0 < 0 ? kGoing : kLive, effect);
      return;
    default:
      return;
  }
}

}  // namespace preempt::models
