#include "checker/interp/access_summary.hpp"

#include <algorithm>

#include "checker/explore/footprint.hpp"
#include "models/step.hpp"

namespace preempt::interp {

namespace {

// The struct instances among the globals: static structs, elements of arrays of them, and the
// structs embedded in those, by StructInfo.
std::vector<std::vector<Addr>> static_instances(const ModelLayout& layout) {
  std::vector<std::vector<Addr>> out(layout.structs.size());
  for (const ObjectGroup& group : layout.groups) {
    if (group.type == kNone) continue;
    for (std::uint32_t e = 0; e < (group.size == 0 ? 1 : group.size); ++e) {
      const Addr base = layout.element(group, e);
      out[group.type].push_back(base);
      for (const auto& [offset, inner] : layout.structs[group.type].embedded) out[inner].push_back(base + offset);
    }
  }
  return out;
}

// Calls f(addr) for every object the operand described by `target` may name: a global's cells
// from first to last; through a pointer, the field in any heap object and in every static
// instance of the struct (a heap object's fields start after its header). A pointer's type is
// trusted here: the VM faults on a field outside its object, so a step never reaches another.
template <class F>
void for_each_object(const Target& target, const ModelLayout& layout, const std::vector<std::vector<Addr>>& statics,
                     F&& f) {
  const std::uint32_t stride = std::max<std::uint32_t>(1, object_kind_info(target.kind).cells);
  if (!target.through_pointer) {
    // kMaxBits consecutive cells already cover a folded space
    const std::uint32_t last = std::min(target.last, target.first + AccessIndex::kMaxBits - 1);
    for (std::uint32_t a = target.first; a <= last; a += stride) f(Addr{a});
    return;
  }
  if (target.type == kNone) {  // a heap object's header: kfree
    f(heap_addr(0, 0, 0));
    return;
  }
  const std::uint32_t span = std::min(target.span, AccessIndex::kHeapBits);
  for (std::uint32_t c = 0; c < span; c += stride) f(heap_addr(0, 0, 1 + target.offset + c));
  if (target.type >= statics.size()) return;
  for (const Addr base : statics[target.type]) {
    const std::uint32_t static_span = std::min(target.span, AccessIndex::kMaxBits);
    for (std::uint32_t c = 0; c < static_span; c += stride) f(base + target.offset + c);
  }
  (void)layout;
}

// An await site's possible reads, as the guard of an Op, so that footprint_of sees the await as it
// runs: every cell its loads and builtins may read.
class SiteReads final : public AwaitGuard {
 public:
  SiteReads(const AwaitSite& site, const ModelLayout& layout, const std::vector<std::vector<Addr>>& statics)
      : site_(site), layout_(layout), statics_(statics) {}
  [[nodiscard]] bool holds(const Store& store) const override {
    (void)store;
    return true;
  }
  [[nodiscard]] std::string describe() const override { return site_.text; }
  void reads(FootprintSink& sink) const override {
    for (std::size_t pc = 0; pc < site_.code.size(); ++pc) {
      const Opcode op = site_.code[pc].op;
      if (op != Opcode::LoadShared && op != Opcode::Primitive) continue;
      for_each_object(site_.targets[pc], layout_, statics_, [&](Addr a) {
        sink.read(Space::Cell, a, a);
        if (is_heap(a)) sink.read(Space::Cell, heap_header(a), heap_header(a));
      });
    }
  }

 private:
  const AwaitSite& site_;
  const ModelLayout& layout_;
  const std::vector<std::vector<Addr>>& statics_;
};

// One instruction's own steps and the bodies it may enter.
struct Direct {
  AccessSet set;
  std::vector<std::uint32_t> callees;  // bodies
};

class Analysis {
 public:
  Analysis(const CompiledScenario& compiled, const AccessIndex& index)
      : compiled_(compiled), layout_(*compiled.layout), index_(index), statics_(static_instances(layout_)) {
    body_of_.assign(layout_.functions.size(), kNone);
    for (std::uint32_t b = 0; b < compiled_.bodies.size(); ++b) {
      const FunctionId f = compiled_.bodies[b].function;
      if (f < body_of_.size()) body_of_[f] = b;
    }
  }

  // The steps of instruction `pc` of `body`, and the bodies it may call.
  Direct direct(std::uint32_t body, std::uint32_t pc) const {
    const CodeBody& code = compiled_.bodies[body];
    const Instr& in = code.code[pc];
    const Target& target = code.targets[pc];
    Direct d;
    d.set.reset(index_);
    Op op;
    op.location = code.function;
    switch (in.op) {
      case Opcode::LoadShared: op.kind = OpKind::Read; break;
      case Opcode::StoreShared: op.kind = OpKind::Write; break;
      case Opcode::Primitive: op.kind = static_cast<Builtin>(in.a); break;
      case Opcode::Call:
        op.kind = OpKind::Call;
        op.other = compiled_.bodies[in.a].function;
        d.callees.push_back(in.a);
        break;
      case Opcode::CallPointer:  // any function whose address is taken, with as many parameters
        op.kind = OpKind::Call;
        for (const FunctionId f : compiled_.pointer_targets) {
          if (body_of_[f] == kNone || compiled_.bodies[body_of_[f]].param_count != in.b) continue;
          op.other = f;
          add_footprint(d.set, index_, footprint_of(op, layout_));
          d.callees.push_back(body_of_[f]);
        }
        return d;
      case Opcode::Return: op.kind = OpKind::Return; break;  // or the thread's end: the same objects
      case Opcode::Await: op.kind = OpKind::Await; break;
      case Opcode::Schedule: op.kind = OpKind::Schedule; break;
      case Opcode::DoExit: op.kind = OpKind::DoExit; break;
      case Opcode::Const: case Opcode::LoadLocal: case Opcode::StoreLocal: case Opcode::LoadSelf:
      case Opcode::ElemIndex: case Opcode::ToAddr: case Opcode::AddOffset: case Opcode::ToPointer:
      case Opcode::Dup: case Opcode::Pop: case Opcode::Unary: case Opcode::Binary:
      case Opcode::Jump: case Opcode::JumpIfFalse: case Opcode::Assert: case Opcode::Assume:
      case Opcode::SpinBegin: case Opcode::SpinFail: case Opcode::SpinEnd: case Opcode::LoopEnter:
      case Opcode::LoopBack: case Opcode::LoopLeave:
        return d;  // local code: no step
    }
    if (in.op == Opcode::Await) {
      const SiteReads guard(compiled_.awaits[in.a], layout_, statics_);
      op.payload = static_cast<const AwaitGuard*>(&guard);
      add_footprint(d.set, index_, footprint_of(op, layout_));
      return d;
    }
    const bool has_target = in.op == Opcode::LoadShared || in.op == Opcode::StoreShared || in.op == Opcode::Primitive;
    if (!has_target) {
      add_footprint(d.set, index_, footprint_of(op, layout_));
      return d;
    }
    const bool has_object =
        in.op != Opcode::Primitive || op_info(op.kind).args.find_first_of("KCMSDRTIpWLHQPBNE") != std::string_view::npos;
    const Target implicit = implicit_target(op.kind);
    if (!has_object && implicit.kind != preempt::ObjectKind::Int) {
      op.target = {implicit.kind, implicit.first};
      add_footprint(d.set, index_, footprint_of(op, layout_));
    } else if (!has_object && implicit.through_pointer) {
      for_each_object(implicit, layout_, statics_, [&](Addr a) {
        op.target = {preempt::ObjectKind::Int, a};
        add_footprint(d.set, index_, footprint_of(op, layout_));
      });
    } else if (!has_object) {
      add_footprint(d.set, index_, footprint_of(op, layout_));
      if (op.kind == OpKind::KthreadRun || op.kind == OpKind::KthreadCreate) add_kthread_steps(d);
    } else {
      for_each_object(target, layout_, statics_, [&](Addr a) {
        op.target = {target.kind, a};
        add_footprint(d.set, index_, footprint_of(op, layout_));
        add_context_steps(op, d);
        if (op.kind == OpKind::KthreadStop) {  // and the wait for the exit that follows it
          Op wait = op;
          wait.kind = OpKind::KthreadStopWait;
          wait.target.addr = a + 2;
          add_footprint(d.set, index_, footprint_of(wait, layout_));
        }
      });
    }
    callees(op.kind, target, d);
    return d;
  }

  [[nodiscard]] Footprint free_footprint(std::uint32_t module) const {
    Op op;
    op.kind = OpKind::ModuleFree;
    op.target = {preempt::ObjectKind::Module, layout_.modules[module].addr};
    return footprint_of(op, layout_);
  }

  // The loader's steps after an init returns (vm_thread.cpp, finish_load): the module's status,
  // synchronize_rcu when the scenario has RCU, the free.
  void add_load_footprint(AccessSet& set, std::uint32_t module) const {
    Op op;
    op.kind = OpKind::ModuleInitDone;
    op.target = {preempt::ObjectKind::Module, layout_.modules[module].addr};
    add_footprint(set, index_, footprint_of(op, layout_));
    add_footprint(set, index_, free_footprint(module));
    if (layout_.kernel != kNoAddr) {
      Op grace;
      grace.kind = OpKind::SynchronizeRcu;
      grace.target = {preempt::ObjectKind::Kernel, layout_.kernel};
      add_footprint(set, index_, footprint_of(grace, layout_));
    }
  }

 private:
  // The functions a builtin may run as a callback: a kobject's release method, the release passed
  // to kref_put, a module's exit function (and the module's free after it), a module's init
  // function (and the loader's steps after it).
  void callees(OpKind kind, const Target& target, Direct& d) const {
    const auto add = [&](FunctionId f) {
      if (f == kNone || f >= body_of_.size() || body_of_[f] == kNone) return;
      d.callees.push_back(body_of_[f]);
      Op call;
      call.kind = OpKind::Call;  // entering it reads its module's status
      call.other = f;
      add_footprint(d.set, index_, footprint_of(call, layout_));
    };
    switch (kind) {
      case OpKind::KobjectPut:
        if (target.through_pointer) {
          if (target.type < layout_.structs.size() && target.offset < layout_.structs[target.type].cells.size()) {
            add(layout_.structs[target.type].cells[target.offset].release);
          }
          if (target.type < statics_.size()) {
            for (const Addr base : statics_[target.type]) add(layout_.release_of(base + target.offset, nullptr));
          }
        } else {
          add(layout_.release_of(target.first, nullptr));  // one per array
        }
        return;
      case OpKind::KrefPut:
        for (const FunctionId f : compiled_.pointer_targets) add(f);
        return;
      case OpKind::DeleteModule:
        for (std::uint32_t m = 0; m < layout_.modules.size(); ++m) {
          const Addr addr = layout_.modules[m].addr;
          if (addr < target.first || addr > target.last) continue;
          add(layout_.modules[m].exit_function);
          add_footprint(d.set, index_, free_footprint(m));
        }
        return;
      case OpKind::LoadModule:
        for (std::uint32_t m = 0; m < layout_.modules.size(); ++m) {
          const Addr addr = layout_.modules[m].addr;
          if (addr < target.first || addr > target.last) continue;
          add(layout_.modules[m].init_function);
          add_load_footprint(d.set, m);
        }
        return;
      default:
        // A step that starts a context (a work item's kworker, a kthread) lets it run any callback:
        // what those do is part of what this thread may still cause.
        if (op_info(kind).control == Control::Activate || op_info(kind).control == Control::Spawn) {
          for (const FunctionId f : compiled_.pointer_targets) add(f);
        }
        return;
    }
  }

  // A step that starts the context of its object: the context's own steps on that object (its
  // run and done steps, an interrupt line's thread's) are part of what the step causes; a
  // kthread's, on any task.
  void add_context_steps(const Op& op, Direct& d) const {
    const std::optional<models::ContextKind> context = models::context_of(op_info(op.kind).family);
    if (!context || *context == models::ContextKind::Kthread) return;
    if (op_info(op.kind).control != Control::Activate) return;
    for (const OpKind kind : models::context_own_steps(*context)) {
      Op step = op;
      step.kind = kind;
      step.other = kNone;
      step.arg1 = static_cast<std::int64_t>(layout_.kernel);
      add_footprint(d.set, index_, footprint_of(step, layout_));
    }
  }
  void add_kthread_steps(Direct& d) const {
    const Target task{preempt::ObjectKind::Int, 0, 0, true, layout_.task_type, 0, 1};
    for_each_object(task, layout_, statics_, [&](Addr a) {
      Op step;
      step.kind = OpKind::KthreadStart;
      step.target = {preempt::ObjectKind::Int, a};
      add_footprint(d.set, index_, footprint_of(step, layout_));
      step.kind = OpKind::KthreadExit;
      step.target.addr = a + 2;
      add_footprint(d.set, index_, footprint_of(step, layout_));
    });
  }

  // The object of a builtin that names none (the VM's implicit_target): RCU's kernel state,
  // flush_scheduled_work's system workqueue, kthread_should_stop's task (any task).
  [[nodiscard]] Target implicit_target(OpKind kind) const {
    switch (kind) {
      case OpKind::RcuReadLock: case OpKind::RcuReadUnlock: case OpKind::SynchronizeRcu: case OpKind::RcuBarrier:
        if (layout_.kernel == kNoAddr) break;
        return Target{preempt::ObjectKind::Kernel, static_cast<std::uint32_t>(layout_.kernel),
                      static_cast<std::uint32_t>(layout_.kernel)};
      case OpKind::FlushScheduledWork:
        if (layout_.system_wq == kNoAddr) break;
        return Target{preempt::ObjectKind::Header, static_cast<std::uint32_t>(layout_.system_wq),
                      static_cast<std::uint32_t>(layout_.system_wq)};
      case OpKind::KthreadShouldStop:
        return Target{preempt::ObjectKind::Int, 0, 0, true, layout_.task_type, 1, 1};
      default: break;
    }
    return Target{};
  }

  const CompiledScenario& compiled_;
  const ModelLayout& layout_;
  const AccessIndex& index_;
  std::vector<std::vector<Addr>> statics_;  // per StructInfo: its static instances
  std::vector<std::uint32_t> body_of_;  // FunctionId -> body
};

// The instructions control may reach right after `pc`.
void successors(const std::vector<Instr>& code, std::uint32_t pc, std::vector<std::uint32_t>& out) {
  out.clear();
  const Instr& in = code[pc];
  switch (in.op) {
    case Opcode::Jump: out.push_back(in.a); return;
    case Opcode::JumpIfFalse: out.push_back(in.a); break;
    case Opcode::SpinFail: case Opcode::LoopBack: out.push_back(in.b); return;  // loops again, or the thread stops there
    case Opcode::Return: case Opcode::DoExit: return;
    default: break;
  }
  if (pc + 1 < code.size()) out.push_back(pc + 1);
}

}  // namespace

AccessSummary::AccessSummary(const CompiledScenario& compiled) : index_(compiled.layout->initial) {
  const Analysis analysis(compiled, index_);
  const auto bodies = static_cast<std::uint32_t>(compiled.bodies.size());
  std::vector<std::vector<Direct>> direct(bodies);
  for (std::uint32_t b = 0; b < bodies; ++b) {
    for (std::uint32_t pc = 0; pc < compiled.bodies[b].code.size(); ++pc) direct[b].push_back(analysis.direct(b, pc));
  }
  // Whole bodies, calls included: a fixpoint over the call graph (recursion allowed).
  std::vector<AccessSet> whole(bodies);
  for (std::uint32_t b = 0; b < bodies; ++b) {
    whole[b].reset(index_);
    for (const Direct& d : direct[b]) whole[b].merge(d.set);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::uint32_t b = 0; b < bodies; ++b) {
      const AccessSet before = whole[b];
      for (const Direct& d : direct[b]) {
        for (std::uint32_t callee : d.callees) whole[b].merge(whole[callee]);
      }
      changed |= !(whole[b] == before);
    }
  }
  // From each instruction on: a backward fixpoint over the body's control flow (loops).
  from_.resize(bodies);
  std::vector<std::uint32_t> next;
  for (std::uint32_t b = 0; b < bodies; ++b) {
    const std::vector<Instr>& code = compiled.bodies[b].code;
    std::vector<AccessSet>& from = from_[b];
    from.resize(code.size());
    for (std::uint32_t pc = 0; pc < code.size(); ++pc) {
      from[pc] = direct[b][pc].set;
      for (std::uint32_t callee : direct[b][pc].callees) from[pc].merge(whole[callee]);
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (std::uint32_t pc = static_cast<std::uint32_t>(code.size()); pc-- > 0;) {
        successors(code, pc, next);
        for (std::uint32_t s : next) {
          const AccessSet before = from[pc];
          from[pc].merge(from[s]);
          changed |= !(from[pc] == before);
        }
      }
    }
  }
  callbacks_.reset(index_);
  for (const FunctionId f : compiled.pointer_targets) {
    for (std::uint32_t b = 0; b < bodies; ++b) {
      if (compiled.bodies[b].function == f) callbacks_.merge(whole[b]);
    }
  }
  module_free_.resize(compiled.layout->modules.size());
  for (std::uint32_t m = 0; m < module_free_.size(); ++m) {
    module_free_[m].reset(index_);
    add_footprint(module_free_[m], index_, analysis.free_footprint(m));
  }
  module_load_.resize(compiled.layout->modules.size());
  for (std::uint32_t m = 0; m < module_load_.size(); ++m) {
    module_load_[m].reset(index_);
    analysis.add_load_footprint(module_load_[m], m);
  }
}

}  // namespace preempt::interp
