// Loadable modules: live -> going -> unloaded, with the module refcount (kernel/module/main.c).
// delete_module marks a module with refcount 0 going, runs its exit function (if any) as a nested
// call in the module's code, then frees it in a separate step (ModuleFree).
#include <fmt/format.h>

#include "models/step.hpp"

namespace preempt::models {

namespace {
constexpr std::int64_t kENOENT = 2;
constexpr std::int64_t kEBUSY = 16;

void unload(ModuleState& m, std::uint32_t step, StepEffect& effect) {
  m.status = ModuleStatus::Unloaded;
  m.unloaded_at_step = step;
  effect.change(static_cast<std::int64_t>(ModuleStatus::Going),
                static_cast<std::int64_t>(ModuleStatus::Unloaded));
}

void put(const Op& op, StepEffect& effect, ModuleState& m, const std::string& name) {
  if (m.refcount <= 0) {
    effect.fail(ViolationKind::RefcountUnderflow,
                m.status == ModuleStatus::Unloaded
                    ? fmt::format("{}({}) on a module that was unloaded at step {}", op_name(op.kind),
                                  name, m.unloaded_at_step)
                    : fmt::format("{}({}) drops a module reference that does not exist: the refcount "
                                  "is already 0",
                                  op_name(op.kind), name));
    effect.module = op.target.index;
    return;
  }
  effect.change(m.refcount, m.refcount - 1);
  --m.refcount;
}
}  // namespace

void apply_module(const Op& op, StepContext& ctx, StepEffect& effect) {
  ModuleState& m = ctx.store.modules[op.target.index];
  const ModuleInfo& info = ctx.layout.modules[op.target.index];
  switch (op.kind) {
    case OpKind::ModuleGet:
      if (m.status == ModuleStatus::Unloaded) {
        effect.fail(ViolationKind::UseAfterFree,
                    fmt::format("__module_get({}) on a module that was unloaded at step {}", info.name,
                                m.unloaded_at_step));
        effect.module = op.target.index;
        return;
      }
      effect.change(m.refcount, m.refcount + 1);
      ++m.refcount;
      return;
    case OpKind::TryModuleGet:
      effect.result.value = m.status == ModuleStatus::Live ? 1 : 0;
      if (m.status != ModuleStatus::Live) return;
      effect.change(m.refcount, m.refcount + 1);
      ++m.refcount;
      return;
    case OpKind::ModulePut:
      put(op, effect, m, info.name);
      return;
    case OpKind::ModulePutAndExit:
      put(op, effect, m, info.name);
      effect.result.exit_thread = true;
      return;
    case OpKind::DeleteModule:
      if (m.status == ModuleStatus::Unloaded) {
        effect.result.value = -kENOENT;
        return;
      }
      if (m.refcount != 0 || m.status != ModuleStatus::Live) {
        effect.result.value = -kEBUSY;
        return;
      }
      effect.result.value = 0;
      if (info.exit_function != kNone) {
        m.status = ModuleStatus::Going;
        effect.change(static_cast<std::int64_t>(ModuleStatus::Live),
                      static_cast<std::int64_t>(ModuleStatus::Going));
        effect.result.call = info.exit_function;
        return;
      }
      unload(m, ctx.step, effect);
      effect.before = static_cast<std::int64_t>(ModuleStatus::Live);
      return;
    case OpKind::ModuleFree:
      unload(m, ctx.step, effect);
      return;
    default:
      return;
  }
}

}  // namespace preempt::models
