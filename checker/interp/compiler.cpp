// Compiles a checked Program (ast.hpp) into bytecode (bytecode.hpp) and builds the ModelLayout the
// engine runs it against: the driver, bodies, statements and loops. The layout is in
// compile_layout.cpp, expressions and places in compile_expr.cpp. The front end has enforced every
// rule already, so nothing here fails.
#include <fmt/format.h>

#include "checker/interp/compiler_internal.hpp"
#include "checker/interp/source_text.hpp"
#include "checker/rt/address.hpp"
#include "checker/rt/stop.hpp"

namespace preempt::interp {

namespace detail {

namespace {

// Whether `e` calls no function of the scenario (its builtins may still change shared state).
bool calls_no_function(const Expr& e) {
  if (e.kind == ExprKind::CallUser) return false;
  for (const ExprPtr* child : {&e.index, &e.operand, &e.lhs, &e.rhs, &e.cond}) {
    if (*child && !calls_no_function(**child)) return false;
  }
  for (const ExprPtr& arg : e.args) {
    if (!calls_no_function(*arg)) return false;
  }
  return true;
}

// A body that changes nothing: empty blocks and schedule() (cpu_relax, in a model).
bool does_nothing(const Stmt& s) {
  if (s.kind == StmtKind::Schedule) return true;
  if (s.kind != StmtKind::Block) return false;
  for (const StmtPtr& child : s.children) {
    if (!does_nothing(*child)) return false;
  }
  return true;
}

// A spin loop: `while (cond) { }` with a body that does nothing and a condition that calls no
// function (`while (flag == 0)`, `while (!mutex_trylock(m))`, `while (xchg(lock, 1))`). A pass that
// finds the condition true and changed nothing (a failed trylock, an xchg that wrote the value it
// found) is worth running again only once something it saw has changed: the thread stops there
// (SpinReads in rt/op.hpp). A pass that changed something loops as written. So a stateless search
// explores spin loops to the end like any finite code.
bool is_spin_loop(const Stmt& s) {
  return s.kind == StmtKind::While && calls_no_function(*s.cond) && does_nothing(*s.body);
}

}  // namespace

CompiledScenario Compiler::run() {
  out_.layout = std::make_unique<ModelLayout>();
  build_layout();
  for (std::size_t i = 0; i < program_.functions.size(); ++i) {
    const FunctionDecl& f = program_.functions[i];
    if (f.address_taken) out_.pointer_targets.push_back(static_cast<FunctionId>(i));
    out_.bodies.push_back(compile_body(f.name, f.body, static_cast<FunctionId>(i), f.result,
                                       static_cast<uint32_t>(f.params.size())));
    out_.bodies.back().prelude = program_.in_prelude(f.loc);
  }
  ModelLayout& layout = *out_.layout;
  for (const ThreadDecl& t : program_.threads) {
    const FunctionId f =
        layout.add_function({t.name, t.module < 0 ? kNone : static_cast<ModuleId>(t.module), t.loc.line});
    const auto body = static_cast<uint32_t>(out_.bodies.size());
    out_.bodies.push_back(compile_body(t.name, t.body, f, program_.types.void_type(), 0));
    if (t.count == 0) {
      out_.threads.push_back({t.name, body, 0, t.service});
    } else {
      for (uint32_t i = 0; i < t.count; ++i) out_.threads.push_back({fmt::format("{}[{}]", t.name, i), body, i, t.service});
    }
  }
  out_.init = add_init();
  if (program_.final) out_.final = add_solo("final", *program_.final);
  return std::move(out_);
}

uint32_t Compiler::add_solo(const char* name, const Body& body) {
  const FunctionId f = out_.layout->add_function({name, kNone, body.block ? body.block->loc.line : 0});
  out_.bodies.push_back(compile_body(name, body, f, program_.types.void_type(), 0));
  return static_cast<uint32_t>(out_.bodies.size() - 1);
}

// init: the modules' init functions first, in the order the modules are declared (the kernel runs
// module_init when it loads the module, before anything uses it), then `init { ... }`. Their
// results are not looked at. A module that a load_module call loads is not among them: its init
// runs in that call, which looks at its result.
std::optional<uint32_t> Compiler::add_init() {
  bool inits = false;
  for (const ModuleDecl& m : program_.modules) inits |= m.init_function >= 0 && !m.loaded_by_call;
  if (!inits && !program_.init) return std::nullopt;
  module_inits_first_ = inits;
  if (program_.init) return add_solo("init", *program_.init);
  const uint32_t line = program_.modules.front().loc.line;
  CodeBody code;
  code.name = "init";
  code.function = out_.layout->add_function({"init", kNone, line});
  code.end_line = line;
  code_ = &code.code;
  targets_ = &code.targets;
  emit_module_inits();
  emit(Opcode::Return, 0, 0, line);
  code_ = nullptr;
  targets_ = nullptr;
  out_.bodies.push_back(std::move(code));
  return static_cast<uint32_t>(out_.bodies.size() - 1);
}

void Compiler::emit_module_inits() {
  module_inits_first_ = false;
  for (const ModuleDecl& m : program_.modules) {
    if (m.init_function < 0 || m.loaded_by_call) continue;
    const auto f = static_cast<uint32_t>(m.init_function);  // functions are compiled first: body f
    emit(Opcode::Call, f, 0, m.loc.line);
    if (out_.bodies[f].returns_value) emit(Opcode::Pop, 0, 0, m.loc.line);
  }
}

CodeBody Compiler::compile_body(const std::string& name, const Body& body, FunctionId f, TypeId result,
                                uint32_t params) {
  CodeBody code;
  code.name = name;
  code.slot_count = body.slot_count;
  code.param_count = params;
  code.returns_value = result != program_.types.void_type();
  code.function = f;
  code.end_line = body.end_loc.line;
  code.pointer_slots.assign(body.slot_count, false);
  for (uint32_t s = 0; s < body.slot_count && s < body.slot_types.size(); ++s) {
    code.pointer_slots[s] = program_.types.is_pointer(body.slot_types[s]);
  }
  code_ = &code.code;
  targets_ = &code.targets;
  if (module_inits_first_) emit_module_inits();
  statement(*body.block);
  // A function that returns a value and falls off its end returns 0 (NULL).
  if (code.returns_value) emit(Opcode::Const, 0, 0, body.end_loc.line);
  emit(Opcode::Return, 0, code.returns_value ? 1 : 0, body.end_loc.line);
  code_ = nullptr;
  targets_ = nullptr;
  return code;
}

std::size_t Compiler::emit(Opcode op, uint32_t a, int64_t b, uint32_t line) {
  poll_or_throw();
  Instr in;
  in.op = op;
  in.a = a;
  in.b = b;
  in.line = line;
  code_->push_back(in);
  targets_->emplace_back();
  return code_->size() - 1;
}

void Compiler::emit_on(Opcode op, uint32_t a, int64_t b, uint32_t line, const Target& target, ObjectKind kind,
                       const std::string& text) {
  emit(op, a, b, line);
  code_->back().kind = kind;
  if (!text.empty()) code_->back().text = text_id(text);
  targets_->back() = target;
}

uint32_t Compiler::text_id(std::string text) {
  // A text is shown at every step that uses it (traces, JSON, HTML): a long expression is cut, so
  // that a report stays small (at most kMaxShownText bytes a text, cut at a UTF-8 boundary).
  constexpr std::size_t kMaxShownText = 160;
  if (text.size() > kMaxShownText) {
    std::size_t cut = kMaxShownText;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  const auto [it, added] = text_ids_.try_emplace(text, static_cast<uint32_t>(out_.texts.size()));
  if (added) out_.texts.push_back(std::move(text));
  return it->second;
}

uint32_t Compiler::array_id(uint32_t size, uint32_t stride, std::string name) {
  out_.arrays.push_back({size, stride, std::move(name)});
  return static_cast<uint32_t>(out_.arrays.size() - 1);
}

void Compiler::assign(const Stmt& s) {
  const Expr& target = *s.target;
  const uint32_t line = s.loc.line;
  const auto combine = [&] {
    expression(*s.value);
    emit(Opcode::Binary, static_cast<uint32_t>(s.assign_op == AssignOp::Add ? BinaryOp::Add : BinaryOp::Sub), 0, line);
  };
  if (target.kind == ExprKind::Local) {
    if (s.assign_op == AssignOp::Set) {
      expression(*s.value);
    } else {
      emit(Opcode::LoadLocal, target.slot, 0, line);
      combine();
    }
    emit(Opcode::StoreLocal, target.slot, 0, line);
    return;
  }
  const Address a = address(target);
  const ObjectKind kind = cell_kind(target.type);
  const std::string text = a.target.through_pointer ? target.text : std::string();
  const auto at = static_cast<uint32_t>(a.constant);
  if (s.assign_op == AssignOp::Set) {
    expression(*s.value);
  } else if (a.on_stack) {
    emit(Opcode::Dup, 0, 0, line);
    emit_on(Opcode::LoadShared, 0, 1, line, a.target, kind, text);
    combine();
  } else {
    emit_on(Opcode::LoadShared, at, 0, line, a.target, kind, text);
    combine();
  }
  emit_on(Opcode::StoreShared, a.on_stack ? 0 : at, a.on_stack ? 1 : 0, line, a.target, kind, text);
  code_->back().code = text_id(statement_text(program_, s.loc));
}

void Compiler::statement(const Stmt& s) {
  const uint32_t line = s.loc.line;
  switch (s.kind) {
    case StmtKind::Block:
      for (const StmtPtr& child : s.children) statement(*child);
      return;
    case StmtKind::LocalDecl:
      if (s.value) {
        expression(*s.value);
      } else {
        emit(Opcode::Const, 0, 0, line);
      }
      emit(Opcode::StoreLocal, s.slot, 0, line);
      return;
    case StmtKind::Assign: assign(s); return;
    case StmtKind::If: {
      expression(*s.cond);
      const std::size_t to_else = emit(Opcode::JumpIfFalse, 0, 0, line);
      statement(*s.then_branch);
      if (s.else_branch) {
        const std::size_t to_end = emit(Opcode::Jump, 0, 0, line);
        patch(to_else, here());
        statement(*s.else_branch);
        patch(to_end, here());
      } else {
        patch(to_else, here());
      }
      return;
    }
    case StmtKind::While:
      if (is_spin_loop(s)) {
        spin_loop(s, line);
      } else {
        loop(nullptr, s.cond.get(), nullptr, *s.body, line, "while (" + paren_text(program_, s.loc) + ")");
      }
      return;
    case StmtKind::For:
      loop(s.init.get(), s.cond.get(), s.step.get(), *s.body, line, "for (" + paren_text(program_, s.loc) + ")");
      return;
    case StmtKind::Break: loops_.back().breaks.push_back(emit(Opcode::Jump, 0, 0, line)); return;
    case StmtKind::Continue: loops_.back().continues.push_back(emit(Opcode::Jump, 0, 0, line)); return;
    case StmtKind::Return:
      if (s.value) expression(*s.value);
      emit(Opcode::Return, 0, s.value ? 1 : 0, line);
      return;
    case StmtKind::ExprStmt:
      expression(*s.value);
      if (produces_value(*s.value)) emit(Opcode::Pop, 0, 0, line);
      return;
    case StmtKind::Assert:
      expression(*s.cond);
      emit(Opcode::Assert, text_id(fmt::format("assert({})", paren_text(program_, s.loc))), 0, line);
      return;
    case StmtKind::Assume:
      expression(*s.cond);
      emit(Opcode::Assume, 0, 0, line);
      return;
    case StmtKind::Await: await(s); return;
    case StmtKind::Schedule: emit(Opcode::Schedule, 0, 0, line); return;
    case StmtKind::DoExit: emit(Opcode::DoExit, 0, 0, line); return;
  }
}

// The condition becomes pure code of its own (it reads the Store without steps, the scheduler runs
// it whenever it asks whether the thread can go on); the body waits on it with one Await step.
void Compiler::await(const Stmt& s) {
  AwaitSite site;
  site.text = paren_text(program_, s.loc);
  std::vector<Instr>* saved_code = code_;
  std::vector<Target>* saved_targets = targets_;
  code_ = &site.code;
  targets_ = &site.targets;
  await_site_ = &site;
  expression(*s.cond);
  await_site_ = nullptr;
  code_ = saved_code;
  targets_ = saved_targets;
  out_.awaits.push_back(std::move(site));
  emit(Opcode::Await, static_cast<uint32_t>(out_.awaits.size() - 1), 0, s.loc.line);
}

// A pass of the condition, with its steps logged: if it holds, the thread stops -- or loops, when
// the pass changed something.
void Compiler::spin_loop(const Stmt& s, uint32_t line) {
  const uint32_t top = here();
  emit(Opcode::SpinBegin, 0, 0, line);
  expression(*s.cond);
  const std::size_t exit_jump = emit(Opcode::JumpIfFalse, 0, 0, line);
  emit(Opcode::SpinFail, text_id(paren_text(program_, s.loc)), top, line);
  patch(exit_jump, here());
  emit(Opcode::SpinEnd, 0, 0, line);
}

// while (cond) body  /  for (init; cond; step) body. Each iteration is watched (LoopEnter,
// LoopBack): one that changed nothing and ends with the locals it started with would repeat
// itself exactly as long as what it read stays the same, so the thread stops there, as at a spin
// loop's pass (see is_spin_loop).
void Compiler::loop(const Stmt* init, const Expr* cond, const Stmt* step, const Stmt& body, uint32_t line,
                    std::string header) {
  if (init != nullptr) statement(*init);
  const uint32_t text = text_id(std::move(header));
  emit(Opcode::LoopEnter, 0, 0, line);
  const uint32_t top = here();
  std::size_t exit_jump = 0;
  if (cond != nullptr) {
    expression(*cond);
    exit_jump = emit(Opcode::JumpIfFalse, 0, 0, line);
  }
  loops_.emplace_back();
  statement(body);
  const uint32_t continue_target = here();
  if (step != nullptr) statement(*step);
  emit(Opcode::LoopBack, text, top, line);
  const uint32_t end = here();
  emit(Opcode::LoopLeave, 0, 0, line);
  if (cond != nullptr) patch(exit_jump, end);
  for (std::size_t at : loops_.back().breaks) patch(at, end);
  for (std::size_t at : loops_.back().continues) patch(at, continue_target);
  loops_.pop_back();
}

}  // namespace detail

const char* opcode_name(Opcode op) {
  switch (op) {
#define PREEMPT_OPCODE(name, spelling, doc) \
  case Opcode::name:                        \
    return spelling;
#include "checker/interp/opcodes.def"
  }
  return "?";
}

CompiledScenario compile(const Program& program) { return detail::Compiler(program).run(); }

std::string disassemble(const CompiledScenario& compiled) {
  std::string out;
  for (const CodeBody& body : compiled.bodies) {
    out += fmt::format("{} (slots {}, params {}):\n", body.name, body.slot_count, body.param_count);
    for (std::size_t pc = 0; pc < body.code.size(); ++pc) {
      const Instr& in = body.code[pc];
      out += fmt::format("  {:4} {:<14} {:>4} {:>6}   ; line {}", pc, opcode_name(in.op), in.a, in.b, in.line);
      if (in.text != kNone) out += fmt::format(" ({})", compiled.texts[in.text]);
      out += "\n";
    }
  }
  return out;
}

}  // namespace preempt::interp
