#include "checker/report/step_text.hpp"

#include <fmt/format.h>

#include "checker/report/words.hpp"

namespace preempt {

namespace {


const char* module_status(std::int64_t status) {
  switch (static_cast<ModuleStatus>(status)) {
    case ModuleStatus::Live: return "live";
    case ModuleStatus::Going: return "going";
    case ModuleStatus::Unloaded: return "unloaded";
  }
  return "?";
}

// The table's column has room to say what UINT_MAX means.
std::string count_text(std::int64_t done) {
  return static_cast<std::uint64_t>(done) == CompletionState::kCompleteAll ? done_text(done) + " (all)"
                                                                           : done_text(done);
}

std::string owner_text(std::int64_t owner, std::span<const std::string> names) {
  return owner < 0 ? std::string("unlocked")
                   : "held by " + thread_name_of(names, static_cast<ThreadId>(owner));
}

}  // namespace

StepText describe_step(const TraceEntry& e, const ModelLayout& layout,
                       std::span<const std::string> names) {
  StepText text;
  const Op& op = e.op;
  const std::string object = op.target.index == kNone ? std::string() : layout.object_name(op.target);
  const auto change = [&](const char* what) {
    return e.changed ? fmt::format("{} {} -> {}", what, e.before, e.after) : std::string();
  };
  switch (op.kind) {
    case OpKind::Read:
      text.op = fmt::format("reads {}", object);
      text.note = fmt::format("{} is {}", object, e.value);
      break;
    case OpKind::Write:
      text.op = fmt::format("{} = {}", object, op.arg0);
      text.note = fmt::format("{} {} -> {}", object, e.before, e.after);
      break;
    case OpKind::AtomicRead:
      text.op = fmt::format("atomic_read({})", object);
      text.note = fmt::format("returns {}", e.value);
      break;
    case OpKind::AtomicSet: case OpKind::Xchg:
      text.op = fmt::format("{}({}, {})", op_name(op.kind), object, op.arg0);
      text.note = fmt::format("{} {} -> {}", object, e.before, e.after);
      if (op.kind == OpKind::Xchg) text.note += fmt::format(", returns {}", e.value);
      break;
    case OpKind::AtomicAdd: case OpKind::AtomicSub:
      text.op = fmt::format("{}({}, {})", op_name(op.kind), op.arg0, object);
      text.note = fmt::format("{} {} -> {}", object, e.before, e.after);
      break;
    case OpKind::AtomicInc: case OpKind::AtomicDec:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      text.note = fmt::format("{} {} -> {}", object, e.before, e.after);
      break;
    case OpKind::AtomicDecAndTest: case OpKind::AtomicIncReturn: case OpKind::AtomicDecReturn:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      text.note = fmt::format("{} {} -> {}, returns {}", object, e.before, e.after, e.value);
      break;
    case OpKind::Cmpxchg:
      text.op = fmt::format("cmpxchg({}, {}, {})", object, op.arg0, op.arg1);
      text.note = e.before != e.after ? fmt::format("{} {} -> {}, returns {}", object, e.before, e.after, e.value)
                                      : fmt::format("{} stays {}, returns {}", object, e.before, e.value);
      break;
    case OpKind::KobjectGet: case OpKind::KobjectPut:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      text.note = change("refcount");
      break;
    case OpKind::KobjectGetUnlessZero:
      text.op = fmt::format("kobject_get_unless_zero({})", object);
      text.note = e.changed ? fmt::format("refcount {} -> {}, returns 1", e.before, e.after)
                            : std::string("refcount 0, returns 0");
      break;
    case OpKind::Complete: case OpKind::CompleteAll: case OpKind::WaitForCompletion:
    case OpKind::ReinitCompletion:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      if (e.changed) text.note = fmt::format("done {} -> {}", count_text(e.before), count_text(e.after));
      break;
    case OpKind::TryWaitForCompletion: case OpKind::CompletionDone:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      text.note = e.changed ? fmt::format("done {} -> {}, returns {}", count_text(e.before),
                                          count_text(e.after), e.value)
                            : fmt::format("returns {}", e.value);
      break;
    case OpKind::MutexLock: case OpKind::SpinLock: case OpKind::MutexUnlock:
    case OpKind::SpinUnlock:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      if (e.changed) text.note = fmt::format("{} -> {}", owner_text(e.before, names), owner_text(e.after, names));
      break;
    case OpKind::MutexTrylock: case OpKind::SpinTrylock:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      text.note = e.value != 0 ? fmt::format("{} -> {}, returns 1", owner_text(e.before, names),
                                             owner_text(e.after, names))
                               : fmt::format("{}, returns 0", owner_text(e.before, names));
      break;
    case OpKind::ModuleGet: case OpKind::ModulePut: case OpKind::ModulePutAndExit:
      text.op = fmt::format("{}({})", op_name(op.kind), object);
      text.note = change("module refcount");
      if (op.kind == OpKind::ModulePutAndExit) text.note += ", thread exits";
      break;
    case OpKind::TryModuleGet:
      text.op = fmt::format("try_module_get({})", object);
      text.note = e.value != 0 ? fmt::format("module refcount {} -> {}, returns 1", e.before, e.after)
                               : std::string("module is unloading, returns 0");
      break;
    case OpKind::DeleteModule:
      text.op = fmt::format("delete_module({})", object);
      if (e.value == -16) {
        text.note = "returns -EBUSY (module in use)";
      } else if (e.value == -2) {
        text.note = "returns -ENOENT (already unloaded)";
      } else if (e.changed && static_cast<ModuleStatus>(e.after) == ModuleStatus::Unloaded) {
        text.note = fmt::format("module {} unloaded", object);
      } else {
        text.note = fmt::format("module {} {} -> {}", object, module_status(e.before), module_status(e.after));
      }
      break;
    case OpKind::ModuleFree:
      text.op = fmt::format("frees module {}", object);
      text.note = fmt::format("module {} unloaded", object);
      break;
    case OpKind::Call:
      text.op = fmt::format("calls {}()", layout.function_name(op.other));
      text.note = fmt::format("enters {}", layout.describe_location(op.other));
      break;
    case OpKind::Return:
      text.op = fmt::format("returns from {}()", layout.function_name(op.location));
      text.note = op.other == kNone ? std::string() : fmt::format("back in {}", layout.describe_location(op.other));
      break;
    case OpKind::ThreadEnd:
      text.op = "returns (end of thread)";
      break;
    case OpKind::Schedule: text.op = "schedule()"; break;
    case OpKind::Await:
      text.op = op.text != nullptr ? fmt::format("await({})", op.text)
                                   : fmt::format("await({} == {})", object, op.arg0);
      text.note = "condition holds";
      break;
    case OpKind::DoExit: text.op = "do_exit()"; text.note = "thread exits"; break;
    case OpKind::Spawn: text.op = "spawns a thread"; text.note = fmt::format("creates {}", thread_name_of(names, static_cast<ThreadId>(e.value))); break;
    case OpKind::Fail:
      text.op = op.text != nullptr ? op.text : "check fails";
      text.note = std::string(violation_spelling(static_cast<ViolationKind>(op.arg0)));
      break;
    case OpKind::AssumeFail: text.op = "assume fails"; break;
    case OpKind::SpinFail: text.op = "spins"; break;
    case OpKind::Fault: text.op = "fault"; break;
    case OpKind::Stuck: text.op = "loops without a visible step"; break;
  }
  if (e.called != kNone) {
    if (!text.note.empty()) text.note += ", ";
    text.note += fmt::format("calls {}", layout.describe_location(e.called));
  }
  if (e.woke_count > 0) {
    if (!text.note.empty()) text.note += ", ";
    text.note += fmt::format("wakes {}", thread_name_of(names, e.woke));
    if (e.woke_count > 1) text.note += fmt::format(" (+{} more)", e.woke_count - 1);
  }
  return text;
}

}  // namespace preempt
