#include "checker/interp/access_summary.hpp"

#include <algorithm>

#include "checker/explore/footprint.hpp"

namespace preempt::interp {

namespace {

// An await site's reads, as the guard of an Op, so that footprint_of sees the await as it runs.
class SiteReads final : public AwaitGuard {
 public:
  explicit SiteReads(const AwaitSite& site) : site_(site) {}
  [[nodiscard]] bool holds(const Store& store) const override {
    (void)store;
    return true;
  }
  [[nodiscard]] std::string describe() const override { return site_.text; }
  void reads(FootprintSink& sink) const override {
    for (const AwaitSite::Read& r : site_.reads) sink.read(r.space, r.first, r.last);
  }

 private:
  const AwaitSite& site_;
};

// One instruction's own steps and the bodies it may enter.
struct Direct {
  AccessSet set;
  std::vector<std::uint32_t> callees;  // bodies
};

class Analysis {
 public:
  Analysis(const CompiledScenario& compiled, const AccessIndex& index)
      : compiled_(compiled), layout_(*compiled.layout), index_(index) {
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
      case Opcode::Return: op.kind = OpKind::Return; break;  // or the thread's end: the same objects
      case Opcode::Await: op.kind = OpKind::Await; break;
      case Opcode::Schedule: op.kind = OpKind::Schedule; break;
      case Opcode::DoExit: op.kind = OpKind::DoExit; break;
      case Opcode::Const: case Opcode::LoadLocal: case Opcode::StoreLocal: case Opcode::LoadSelf:
      case Opcode::ElemIndex: case Opcode::Dup: case Opcode::Pop: case Opcode::Unary: case Opcode::Binary:
      case Opcode::Jump: case Opcode::JumpIfFalse: case Opcode::Assert: case Opcode::Assume:
      case Opcode::SpinBegin: case Opcode::SpinFail: case Opcode::SpinEnd: case Opcode::LoopEnter:
      case Opcode::LoopBack: case Opcode::LoopLeave:
        return d;  // local code: no step
    }
    if (in.op == Opcode::Await) {
      const SiteReads guard(compiled_.awaits[in.a]);
      op.payload = static_cast<const AwaitGuard*>(&guard);
      add_footprint(d.set, index_, footprint_of(op, layout_));
      return d;
    }
    const bool has_target = in.op == Opcode::LoadShared || in.op == Opcode::StoreShared || in.op == Opcode::Primitive;
    if (!has_target) {
      add_footprint(d.set, index_, footprint_of(op, layout_));
      return d;
    }
    // Every object the operand may name; kMaxBits consecutive cells already cover a folded space.
    const std::uint32_t stride = object_kind_info(target.kind).cells;
    const std::uint32_t last = std::min(target.last, target.first + AccessIndex::kMaxBits - 1);
    for (std::uint32_t a = target.first; a <= last; a += stride) {
      op.target = {target.kind, a};
      add_footprint(d.set, index_, footprint_of(op, layout_));
    }
    if (op.kind == OpKind::KobjectPut) {
      const FunctionId release = layout_.release_of(target.first, nullptr);  // one per array
      if (release != kNone && body_of_[release] != kNone) d.callees.push_back(body_of_[release]);
    }
    if (const ModuleId m = layout_.module_at(target.first); op.kind == OpKind::DeleteModule && m != kNone) {
      const FunctionId exit = layout_.modules[m].exit_function;
      if (exit != kNone && body_of_[exit] != kNone) d.callees.push_back(body_of_[exit]);
      add_footprint(d.set, index_, free_footprint(m));
    }
    return d;
  }

  [[nodiscard]] Footprint free_footprint(std::uint32_t module) const {
    Op op;
    op.kind = OpKind::ModuleFree;
    op.target = {preempt::ObjectKind::Module, layout_.modules[module].addr};
    return footprint_of(op, layout_);
  }

 private:
  const CompiledScenario& compiled_;
  const ModelLayout& layout_;
  const AccessIndex& index_;
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
  module_free_.resize(compiled.layout->modules.size());
  for (std::uint32_t m = 0; m < module_free_.size(); ++m) {
    module_free_[m].reset(index_);
    add_footprint(module_free_[m], index_, analysis.free_footprint(m));
  }
}

}  // namespace preempt::interp
