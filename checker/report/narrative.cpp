#include "checker/report/narrative.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/report/step_text.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {


// "dm_kobject_release [module dm]" for module code, the bare name for built-in code.
std::string function_text(const ModelLayout& layout, FunctionId f) { return function_text(layout, f, ModuleTag::Long); }

// A thread's own body is where it stands by default: not worth naming.
bool is_body_of(const ModelLayout& layout, FunctionId f, const std::string& thread) {
  if (f == kNone || f >= layout.functions.size()) return true;
  const std::string& name = layout.functions[f].name;
  return name == thread.substr(0, thread.find('['));
}

std::string kobject_sentence(const TraceEntry& e, const std::string& object) {
  switch (e.op.kind) {
    case OpKind::KobjectGet:
      return e.changed ? fmt::format("takes a reference to {} (refcount {} -> {})", object, e.before, e.after)
                       : fmt::format("takes a reference to {}", object);
    case OpKind::KobjectGetUnlessZero:
      return e.changed ? fmt::format("takes a reference to {} (refcount {} -> {})", object, e.before, e.after)
                       : fmt::format("cannot take a reference to {}: its refcount is already 0", object);
    default:
      return e.changed ? fmt::format("drops its reference to {} (refcount {} -> {})", object, e.before, e.after)
                       : fmt::format("drops a reference to {}", object);
  }
}

std::string completion_sentence(const TraceEntry& e, const std::string& object) {
  const std::string change =
      e.changed ? fmt::format(" (done {} -> {})", done_text(e.before), done_text(e.after)) : std::string();
  switch (e.op.kind) {
    case OpKind::Complete: return fmt::format("completes {}{}", object, change);
    case OpKind::CompleteAll: return fmt::format("completes {} for every waiter{}", object, change);
    case OpKind::WaitForCompletion:
      return e.changed ? fmt::format("waits for {} and goes on{}", object, change)
                       : fmt::format("waits for {} and goes on (it stays completed)", object);
    case OpKind::TryWaitForCompletion:
      return e.value != 0 ? fmt::format("takes {} without waiting{}", object, change)
                          : fmt::format("tries {} without waiting: it is not done", object);
    case OpKind::CompletionDone:
      return fmt::format("checks whether {} is done: {}", object, e.value != 0 ? "it is" : "it is not");
    default: return fmt::format("reinitializes {}{}", object, change);
  }
}

std::string lock_sentence(const TraceEntry& e, const std::string& object, std::span<const std::string> names) {
  const bool spin = e.op.kind == OpKind::SpinLock || e.op.kind == OpKind::SpinTrylock || e.op.kind == OpKind::SpinUnlock;
  const std::string what = spin ? "spinlock " + object : object;
  switch (e.op.kind) {
    case OpKind::MutexLock: case OpKind::SpinLock: return fmt::format("takes {}", what);
    case OpKind::MutexTrylock: case OpKind::SpinTrylock:
      return e.value != 0 ? fmt::format("tries {} and takes it", what)
                          : fmt::format("tries {} and fails: it is held by {}", what,
                                        e.before < 0 ? std::string("nobody") : thread_name_of(names, static_cast<ThreadId>(e.before)));
    default: return fmt::format("releases {}", what);
  }
}

std::string module_sentence(const TraceEntry& e, const std::string& module) {
  const std::string change = e.changed ? fmt::format(" (module refcount {} -> {})", e.before, e.after) : std::string();
  switch (e.op.kind) {
    case OpKind::ModuleGet: return fmt::format("takes a reference to module {}{}", module, change);
    case OpKind::TryModuleGet:
      return e.value != 0 ? fmt::format("takes a reference to module {} with try_module_get{}", module, change)
                          : fmt::format("cannot take a reference to module {}: it is going away", module);
    case OpKind::ModulePut: return fmt::format("drops its reference to module {}{}", module, change);
    case OpKind::ModulePutAndExit:
      return fmt::format("drops its reference to module {}{} and exits (module_put_and_kthread_exit)", module, change);
    case OpKind::ModuleFree: return fmt::format("frees the code of module {}: the module is unloaded", module);
    default: break;
  }
  if (e.value == -16) return fmt::format("tries to unload module {}: -EBUSY, the module is in use", module);
  if (e.value == -2) return fmt::format("tries to unload module {}: -ENOENT, it is already unloaded", module);
  if (e.changed && static_cast<ModuleStatus>(e.after) == ModuleStatus::Going) {
    return fmt::format("starts unloading module {} (live -> going)", module);
  }
  return fmt::format("unloads module {}", module);
}

std::string memory_sentence(const TraceEntry& e, const std::string& object) {
  const Op& op = e.op;
  switch (op.kind) {
    case OpKind::Read: return fmt::format("reads {}: {}", object, e.value);
    case OpKind::Write: return fmt::format("sets {} to {} (was {})", object, e.after, e.before);
    case OpKind::AtomicRead: return fmt::format("reads {} atomically: {}", object, e.value);
    case OpKind::AtomicSet: return fmt::format("sets {} to {} atomically (was {})", object, e.after, e.before);
    case OpKind::Xchg:
      return fmt::format("exchanges {} for {} ({} -> {}) and gets {}", object, op.arg0, e.before, e.after, e.value);
    case OpKind::AtomicInc: return fmt::format("increments {} ({} -> {})", object, e.before, e.after);
    case OpKind::AtomicDec: return fmt::format("decrements {} ({} -> {})", object, e.before, e.after);
    case OpKind::AtomicAdd: return fmt::format("adds {} to {} ({} -> {})", op.arg0, object, e.before, e.after);
    case OpKind::AtomicSub: return fmt::format("subtracts {} from {} ({} -> {})", op.arg0, object, e.before, e.after);
    case OpKind::AtomicDecAndTest:
      return fmt::format("decrements {} ({} -> {}): {}", object, e.before, e.after,
                         e.value != 0 ? "it reaches zero" : "not zero yet");
    case OpKind::AtomicIncReturn:
      return fmt::format("increments {} ({} -> {}) and gets {}", object, e.before, e.after, e.value);
    case OpKind::AtomicDecReturn:
      return fmt::format("decrements {} ({} -> {}) and gets {}", object, e.before, e.after, e.value);
    default:  // Cmpxchg
      return e.before != e.after
                 ? fmt::format("changes {} from {} to {} with cmpxchg", object, e.before, e.after)
                 : fmt::format("tries cmpxchg on {} and fails: it is {}, not {}", object, e.before, op.arg0);
  }
}

std::string control_sentence(const TraceEntry& e, const ModelLayout& layout, std::span<const std::string> names) {
  const Op& op = e.op;
  switch (op.kind) {
    case OpKind::Call: return fmt::format("calls {}", function_text(layout, op.other));
    case OpKind::Return: {
      const std::string from = function_text(layout, op.location);
      if (op.other == kNone || is_body_of(layout, op.other, thread_name_of(names, e.thread))) {
        return fmt::format("returns from {}", from);
      }
      return fmt::format("returns from {} to {}", from, function_text(layout, op.other));
    }
    case OpKind::ThreadEnd: return "finishes";
    case OpKind::Schedule: return "calls schedule() and lets others run";
    case OpKind::Await:
      return op.text != nullptr ? fmt::format("sees that {} holds and goes on", op.text)
                                : fmt::format("sees that {} == {} and goes on", layout.object_name(op.target), op.arg0);
    case OpKind::DoExit: return "exits (do_exit)";
    case OpKind::Spawn: return fmt::format("starts thread {}", thread_name_of(names, static_cast<ThreadId>(e.value)));
    case OpKind::Fail:
      if (op.text != nullptr) return fmt::format("checks {}: it does not hold", op.text);
      return fmt::format("fails: {}", violation_spelling(static_cast<ViolationKind>(op.arg0)));
    case OpKind::AssumeFail: return "finds its assume() false: this execution is not one the scenario allows";
    case OpKind::SpinFail:
      if (op.arg0 == 1 && op.text != nullptr) {
        return fmt::format("ends an iteration of {} that changed nothing: it would repeat it, so it spins", op.text);
      }
      return op.text != nullptr ? fmt::format("finds {} still true: it spins", op.text) : std::string("spins");
    case OpKind::Fault: return "faults";
    default: return "loops forever without a visible step";  // Stuck
  }
}

}  // namespace

std::string narrate_step(const TraceEntry& e, const ModelLayout& layout, std::span<const std::string> names) {
  const Op& op = e.op;
  const std::string object = op.target.index == kNone ? std::string() : layout.object_name(op.target);
  std::string what;
  switch (op.kind) {
    case OpKind::KobjectGet: case OpKind::KobjectGetUnlessZero: case OpKind::KobjectPut:
      what = kobject_sentence(e, object);
      break;
    case OpKind::Complete: case OpKind::CompleteAll: case OpKind::WaitForCompletion:
    case OpKind::TryWaitForCompletion: case OpKind::CompletionDone: case OpKind::ReinitCompletion:
      what = completion_sentence(e, object);
      break;
    case OpKind::MutexLock: case OpKind::MutexTrylock: case OpKind::MutexUnlock:
    case OpKind::SpinLock: case OpKind::SpinTrylock: case OpKind::SpinUnlock:
      what = lock_sentence(e, object, names);
      break;
    case OpKind::ModuleGet: case OpKind::TryModuleGet: case OpKind::ModulePut:
    case OpKind::ModulePutAndExit: case OpKind::DeleteModule: case OpKind::ModuleFree:
      what = module_sentence(e, object);
      break;
    case OpKind::Read: case OpKind::Write: case OpKind::AtomicRead: case OpKind::AtomicSet:
    case OpKind::Xchg: case OpKind::AtomicInc: case OpKind::AtomicDec: case OpKind::AtomicAdd:
    case OpKind::AtomicSub: case OpKind::AtomicDecAndTest: case OpKind::AtomicIncReturn:
    case OpKind::AtomicDecReturn: case OpKind::Cmpxchg:
      what = memory_sentence(e, object);
      break;
    default:
      what = control_sentence(e, layout, names);
      break;
  }
  std::string sentence = thread_name_of(names, e.thread) + " " + what;
  if (e.called != kNone) sentence += fmt::format(" and calls {}", function_text(layout, e.called));
  if (e.woke_count > 0) {
    sentence += fmt::format(", waking {}", thread_name_of(names, e.woke));
    if (e.woke_count > 1) sentence += fmt::format(" and {} more", e.woke_count - 1);
  }
  return sentence;
}

// A kernel primitive, as opposed to control flow (calls, returns, the end of a thread) and checks.
bool is_primitive(OpKind kind) {
  switch (kind) {
    case OpKind::Call: case OpKind::Return: case OpKind::ThreadEnd: case OpKind::Await: case OpKind::Fail:
    case OpKind::AssumeFail: case OpKind::SpinFail: case OpKind::Fault: case OpKind::Stuck: case OpKind::Spawn:
      return false;
    default:
      return true;
  }
}

std::string narrate_step(const Counterexample& c, std::size_t index, const ModelLayout& layout) {
  const TraceEntry& e = c.trace[index];
  // The primitive that fails did not do what it does otherwise: tell the attempt, the last line of
  // the report says what went wrong ("open_races calls kobject_get(cdev_kobj)").
  const bool failing = c.violation && c.violation->kind != ViolationKind::Deadlock &&
                       c.violation->step == e.step && c.violation->thread == e.thread;
  if (failing && is_primitive(e.op.kind)) {
    return fmt::format("{} calls {}", thread_name_of(c.thread_names, e.thread),
                       describe_step(e, layout, c.thread_names).op);
  }
  const bool failing_in_module = c.violation && c.violation->kind == ViolationKind::UnloadedCode &&
                                 c.violation->step == e.step && layout.module_of(e.op.location) != kNone;
  if (failing_in_module) {
    for (std::size_t i = index; i-- > 0;) {
      if (c.trace[i].thread != e.thread) continue;
      if (!returns_from_primitive(c.trace[i], e.op)) break;
      return fmt::format("{} runs again: {}() returns into {}, whose code is gone", thread_name_of(c.thread_names, e.thread),
                         op_name(c.trace[i].op.kind), function_text(layout, e.op.location));
    }
  }
  return narrate_step(e, layout, c.thread_names);
}

std::string step_location(const TraceEntry& entry, const ModelLayout& layout) {
  std::string at;
  const FunctionId f = entry.op.location;
  if (f != kNone && f < layout.functions.size()) at = function_text(layout, f, ModuleTag::Short);
  if (entry.op.line != 0) at += fmt::format("{}line {}", at.empty() ? "" : ", ", entry.op.line);
  return at;
}

std::string preemption_text(const Counterexample& c, std::size_t index, const ModelLayout& layout) {
  if (index == 0 || index >= c.trace.size() || !c.trace[index].preempted) return "";
  const ThreadId previous = c.trace[index - 1].thread;
  const std::string preempted = thread_name_of(c.thread_names, previous);
  // Where the preempted thread stands: the code of the next step it takes (if it takes one).
  std::string inside;
  for (std::size_t k = index + 1; k < c.trace.size(); ++k) {
    if (c.trace[k].thread != previous) continue;
    const FunctionId f = c.trace[k].op.location;
    if (!is_body_of(layout, f, preempted)) inside = " inside " + function_text(layout, f, ModuleTag::Short);
    break;
  }
  return fmt::format("{} is preempted{}; {} runs", preempted, inside, thread_name_of(c.thread_names, c.trace[index].thread));
}

void write_narrative(std::ostream& out, const Counterexample& c, const ModelLayout& layout) {
  std::vector<std::string> sentences;
  sentences.reserve(c.trace.size());
  std::size_t width = 0;
  for (std::size_t i = 0; i < c.trace.size(); ++i) {
    sentences.push_back(narrate_step(c, i, layout));
    width = std::max(width, sentences.back().size());
  }
  width = std::min<std::size_t>(width, 76);  // a longer sentence pushes only its own citation out
  const int digits = c.trace.size() >= 100 ? 3 : 2;
  bool in_final = false;
  for (std::size_t i = 0; i < c.trace.size(); ++i) {
    const TraceEntry& e = c.trace[i];
    const std::string preemption = preemption_text(c, i, layout);
    if (!preemption.empty()) out << fmt::format("  {:>{}}  -- {} --\n", "", digits, preemption);
    if (e.phase == Phase::Final && !in_final) {
      out << fmt::format("  {:>{}}  -- every thread has finished; the final checks run --\n", "", digits);
      in_final = true;
    }
    // The sentence, then its citation: where the step runs and, for an operation whose sentence
    // paraphrases it, the operation as the scenario spells it.
    std::string citation = step_location(e, layout);
    const OpKind kind = e.op.kind;
    if (kind != OpKind::Call && kind != OpKind::Return && kind != OpKind::ThreadEnd && kind != OpKind::Read &&
        kind != OpKind::Await) {
      citation += ": " + describe_step(e, layout, c.thread_names).op;
    }
    out << fmt::format("  {:>{}}. {:<{}}   {}\n", e.step, digits, sentences[i], width, citation);
  }
}

}  // namespace preempt
