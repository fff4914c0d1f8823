// Compiles a checked Program (ast.hpp) into bytecode (bytecode.hpp) and builds the ModelLayout the
// engine runs it against. The front end has enforced every rule already, so nothing here fails.
#include <fmt/format.h>

#include "checker/interp/bytecode.hpp"

namespace preempt::interp {

using namespace preempt::lang;  // the checked program's tree: Expr, Stmt, Body, ...

namespace {

// The text between the parentheses that follow `loc` on its line: "counter == 2" for
// `assert(counter == 2);`. Used to name checks and await conditions in traces.
std::string paren_text(const Program& program, SourceLoc loc) {
  const std::string_view line = program.source_line(loc.line);
  std::size_t open = loc.col == 0 ? 0 : loc.col - 1;
  open = line.find('(', open);
  if (open == std::string_view::npos) return std::string(line);
  int depth = 0;
  for (std::size_t i = open; i < line.size(); ++i) {
    if (line[i] == '(') ++depth;
    if (line[i] == ')' && --depth == 0) return std::string(line.substr(open + 1, i - open - 1));
  }
  return std::string(line.substr(open + 1)) + " ...";
}

// Whether `e` calls no function of the scenario (its builtins may still change shared state).
bool calls_no_function(const Expr& e) {
  if (e.kind == ExprKind::CallUser) return false;
  for (const ExprPtr* child : {&e.index, &e.operand, &e.lhs, &e.rhs}) {
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

class Compiler {
 public:
  explicit Compiler(const Program& program) : program_(program) {}

  CompiledScenario run() {
    out_.layout = std::make_unique<ModelLayout>();
    ModelLayout& layout = *out_.layout;
    layout.title = program_.title;
    declare_objects(layout);
    for (const FunctionDecl& f : program_.functions) {
      (void)layout.add_function({f.name, module_id(f.module), f.loc.line});
    }
    for (std::size_t m = 0; m < program_.modules.size(); ++m) {
      const int32_t exit = program_.modules[m].exit_function;
      layout.modules[m].exit_function = exit < 0 ? kNone : static_cast<FunctionId>(exit);
    }
    for (std::size_t i = 0; i < program_.functions.size(); ++i) {
      const FunctionDecl& f = program_.functions[i];
      out_.bodies.push_back(compile_body(f.name, f.body, static_cast<FunctionId>(i), f.returns_int,
                                         f.param_count));
    }
    for (const ThreadDecl& t : program_.threads) {
      const FunctionId f = layout.add_function({t.name, module_id(t.module), t.loc.line});
      const auto body = static_cast<std::uint32_t>(out_.bodies.size());
      out_.bodies.push_back(compile_body(t.name, t.body, f, false, 0));
      if (t.count == 0) {
        out_.threads.push_back({t.name, body, 0});
      } else {
        for (std::uint32_t i = 0; i < t.count; ++i) {
          out_.threads.push_back({fmt::format("{}[{}]", t.name, i), body, i});
        }
      }
    }
    if (program_.init) out_.init = add_solo("init", *program_.init);
    if (program_.final) out_.final = add_solo("final", *program_.final);
    return std::move(out_);
  }

 private:
  static ModuleId module_id(int32_t module) { return module < 0 ? kNone : static_cast<ModuleId>(module); }

  std::uint32_t add_solo(const char* name, const Body& body) {
    const FunctionId f = out_.layout->add_function({name, kNone, body.block ? body.block->loc.line : 0});
    out_.bodies.push_back(compile_body(name, body, f, false, 0));
    return static_cast<std::uint32_t>(out_.bodies.size() - 1);
  }

  void declare_objects(ModelLayout& layout) {
    for (const ModuleDecl& m : program_.modules) (void)layout.add_module(m.name);
    for (const SharedIntDecl& d : program_.shared_ints) {
      const Addr base = layout.add_group({d.name, ObjectKind::Int, 0, d.array_size, kNone});
      if (d.array_size == 0) layout.initial.cells[base] = d.init;
      shared_base_.push_back(static_cast<std::uint32_t>(base));
    }
    for (ObjectKind kind : {ObjectKind::Kobject, ObjectKind::Completion, ObjectKind::Mutex, ObjectKind::Spinlock}) {
      auto& bases = object_base_[static_cast<std::size_t>(kind)];
      for (const ObjectDecl& d : program_.objects(kind)) {
        const FunctionId release = d.release_function < 0 ? kNone : static_cast<FunctionId>(d.release_function);
        bases.push_back(static_cast<std::uint32_t>(layout.add_group({d.name, kind, 0, d.array_size, release})));
      }
    }
  }

  CodeBody compile_body(const std::string& name, const Body& body, FunctionId f, bool returns_int,
                        std::uint32_t params) {
    CodeBody code;
    code.name = name;
    code.slot_count = body.slot_count;
    code.param_count = params;
    code.returns_int = returns_int;
    code.function = f;
    code.end_line = body.end_loc.line;
    code_ = &code.code;
    targets_ = &code.targets;
    statement(*body.block);
    if (returns_int) emit(Opcode::Const, 0, 0, body.end_loc.line);  // an int function falling off its end returns 0
    emit(Opcode::Return, 0, returns_int ? 1 : 0, body.end_loc.line);
    targets_ = nullptr;
    return code;
  }

  std::size_t emit(Opcode op, std::uint32_t a, std::int64_t b, std::uint32_t line) {
    code_->push_back({op, a, b, line});
    if (targets_ != nullptr) targets_->emplace_back();
    return code_->size() - 1;
  }
  // Emits a visible instruction whose object operand may name the objects of `target`.
  void emit_on(Opcode op, std::uint32_t a, std::int64_t b, std::uint32_t line, const Target& target) {
    emit(op, a, b, line);
    if (targets_ != nullptr) targets_->back() = target;
  }
  [[nodiscard]] std::uint32_t here() const { return static_cast<std::uint32_t>(code_->size()); }
  void patch(std::size_t at, std::uint32_t target) { (*code_)[at].a = target; }

  std::uint32_t array_id(std::uint32_t base, std::uint32_t size, std::uint32_t stride, std::string name) {
    out_.arrays.push_back({base, size, stride, std::move(name)});
    return static_cast<std::uint32_t>(out_.arrays.size() - 1);
  }

  // A shared int or object (array) as the store sees it: its first index and its array size.
  struct CellInfo {
    ObjectKind kind = ObjectKind::Int;
    std::uint32_t base = 0;
    std::uint32_t size = 0;  // 0: a scalar
    const std::string* name = nullptr;
  };
  CellInfo cell_info(const Expr& e) const {
    if (e.kind == ExprKind::Shared) {
      const SharedIntDecl& d = program_.shared_ints[e.decl];
      return {ObjectKind::Int, shared_base_[e.decl], d.array_size, &d.name};
    }
    if (e.object == ObjectKind::Module) {
      return {ObjectKind::Module, static_cast<std::uint32_t>(out_.layout->modules[e.decl].addr), 0,
              &program_.modules[e.decl].name};
    }
    const ObjectDecl& d = program_.objects(e.object)[e.decl];
    return {e.object, object_base_[static_cast<std::size_t>(e.object)][e.decl], d.array_size, &d.name};
  }
  // The objects `e` may name: a scalar exactly; an element of an array, the whole array (their
  // first cells).
  Target target_of(const Expr& e) const {
    const CellInfo info = cell_info(e);
    const std::uint32_t stride = object_kind_info(info.kind).cells;
    return {info.kind, info.base, info.size == 0 || !e.index ? info.base : info.base + (info.size - 1) * stride};
  }

  // Pushes the store index of a shared int or object element, or returns it as a constant.
  // Returns true when the index is on the stack (an array element), false for a scalar (in *cell).
  bool cell(const Expr& e, std::uint32_t* constant) {
    const CellInfo info = cell_info(e);
    if (!e.index) {
      *constant = info.base;
      return false;
    }
    expression(*e.index);
    emit(Opcode::ElemIndex, array_id(info.base, info.size, object_kind_info(info.kind).cells, *info.name), info.size,
         e.loc.line);
    return true;
  }

  void push_cell(const Expr& e) {
    std::uint32_t constant = 0;
    if (!cell(e, &constant)) emit(Opcode::Const, 0, constant, e.loc.line);
  }

  // expression: pushes exactly one value (calls of void functions never appear here).
  void expression(const Expr& e) {
    const std::uint32_t line = e.loc.line;
    switch (e.kind) {
      case ExprKind::IntLit: emit(Opcode::Const, 0, e.value, line); return;
      case ExprKind::Local: emit(Opcode::LoadLocal, e.slot, 0, line); return;
      case ExprKind::Self: emit(Opcode::LoadSelf, 0, 0, line); return;
      case ExprKind::Shared: {
        std::uint32_t constant = 0;
        if (cell(e, &constant)) {
          emit_on(Opcode::LoadShared, 0, 1, line, target_of(e));
        } else {
          emit_on(Opcode::LoadShared, constant, 0, line, target_of(e));
        }
        return;
      }
      case ExprKind::ObjectRef: push_cell(e); return;
      case ExprKind::Unary:
        expression(*e.operand);
        emit(Opcode::Unary, static_cast<std::uint32_t>(e.unary_op), 0, line);
        return;
      case ExprKind::Binary:
        if (e.binary_op == BinaryOp::LogicalAnd || e.binary_op == BinaryOp::LogicalOr) {
          logical(e);
          return;
        }
        expression(*e.lhs);
        expression(*e.rhs);
        emit(Opcode::Binary, static_cast<std::uint32_t>(e.binary_op), 0, line);
        return;
      case ExprKind::CallUser:
        for (const ExprPtr& arg : e.args) expression(*arg);
        emit(Opcode::Call, e.decl, static_cast<std::int64_t>(e.args.size()), line);
        return;
      case ExprKind::CallBuiltin: {
        Target target;
        const std::string_view letters = op_info(e.builtin).args;
        for (std::size_t i = 0; i < e.args.size(); ++i) {
          const Expr& arg = *e.args[i];
          if (i < letters.size() && letters[i] != 'v') target = target_of(arg);  // its one object operand
          if (arg.kind == ExprKind::Shared && arg_is_cell(e, &arg)) {
            push_cell(arg);
          } else {
            expression(arg);
          }
        }
        emit_on(Opcode::Primitive, static_cast<std::uint32_t>(e.builtin), 0, line, target);
        return;
      }
    }
  }

  // Whether `arg` of builtin call `call` is passed by reference (letter I), not by value.
  static bool arg_is_cell(const Expr& call, const Expr* arg) {
    const std::string_view letters = op_info(call.builtin).args;
    for (std::size_t i = 0; i < call.args.size() && i < letters.size(); ++i) {
      if (call.args[i].get() == arg) return letters[i] == 'I';
    }
    return false;
  }

  // a && b, a || b: short-circuit, yielding 0 or 1.
  void logical(const Expr& e) {
    const std::uint32_t line = e.loc.line;
    const bool is_and = e.binary_op == BinaryOp::LogicalAnd;
    expression(*e.lhs);
    std::size_t skip_rhs = 0;
    if (is_and) {
      skip_rhs = emit(Opcode::JumpIfFalse, 0, 0, line);
    } else {
      const std::size_t to_rhs = emit(Opcode::JumpIfFalse, 0, 0, line);
      emit(Opcode::Const, 0, 1, line);
      skip_rhs = emit(Opcode::Jump, 0, 0, line);
      patch(to_rhs, here());
    }
    expression(*e.rhs);
    const std::size_t to_false = emit(Opcode::JumpIfFalse, 0, 0, line);
    emit(Opcode::Const, 0, 1, line);
    const std::size_t to_end = emit(Opcode::Jump, 0, 0, line);
    patch(to_false, here());
    if (is_and) patch(skip_rhs, here());
    emit(Opcode::Const, 0, 0, line);
    patch(to_end, here());
    if (!is_and) patch(skip_rhs, here());
  }

  [[nodiscard]] bool produces_value(const Expr& call) const {
    if (call.kind == ExprKind::CallUser) return program_.functions[call.decl].returns_int;
    return op_info(call.builtin).returns_value;
  }

  void assign(const Stmt& s) {
    const Expr& target = *s.target;
    const std::uint32_t line = s.loc.line;
    const auto combine = [&] {
      expression(*s.value);
      emit(Opcode::Binary, static_cast<std::uint32_t>(s.assign_op == AssignOp::Add ? BinaryOp::Add : BinaryOp::Sub), 0, line);
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
    std::uint32_t constant = 0;
    const bool on_stack = cell(target, &constant);
    const Target objects = target_of(target);
    if (s.assign_op == AssignOp::Set) {
      expression(*s.value);
    } else if (on_stack) {
      emit(Opcode::Dup, 0, 0, line);
      emit_on(Opcode::LoadShared, 0, 1, line, objects);
      combine();
    } else {
      emit_on(Opcode::LoadShared, constant, 0, line, objects);
      combine();
    }
    emit_on(Opcode::StoreShared, on_stack ? 0 : constant, on_stack ? 1 : 0, line, objects);
  }

  // The objects an await condition may read: scalars exactly, arrays whole.
  void collect_reads(const Expr& e, std::vector<AwaitSite::Read>& reads) {
    if (e.kind == ExprKind::Shared) {
      const SharedIntDecl& d = program_.shared_ints[e.decl];
      const std::uint32_t base = shared_base_[e.decl];
      reads.push_back({Space::Cell, base, d.array_size == 0 ? base : base + d.array_size - 1});
    } else if (e.kind == ExprKind::ObjectRef && e.object == ObjectKind::Completion) {
      const ObjectDecl& d = program_.completions[e.decl];
      const std::uint32_t base = object_base_[static_cast<std::size_t>(ObjectKind::Completion)][e.decl];
      reads.push_back({Space::Cell, base, d.array_size == 0 ? base : base + d.array_size - 1});
    }
    for (const ExprPtr* child : {&e.index, &e.operand, &e.lhs, &e.rhs}) {
      if (*child) collect_reads(**child, reads);
    }
    for (const ExprPtr& arg : e.args) collect_reads(*arg, reads);
  }

  struct Loop {
    std::vector<std::size_t> breaks;
    std::vector<std::size_t> continues;
  };

  void statement(const Stmt& s) {
    const std::uint32_t line = s.loc.line;
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
        out_.texts.push_back(fmt::format("assert({})", paren_text(program_, s.loc)));
        emit(Opcode::Assert, static_cast<std::uint32_t>(out_.texts.size() - 1), 0, line);
        return;
      case StmtKind::Assume:
        expression(*s.cond);
        emit(Opcode::Assume, 0, 0, line);
        return;
      case StmtKind::Await: {
        AwaitSite site;
        site.text = paren_text(program_, s.loc);
        std::vector<Instr>* saved = code_;
        std::vector<Target>* saved_targets = targets_;
        code_ = &site.code;
        targets_ = nullptr;
        expression(*s.cond);
        code_ = saved;
        targets_ = saved_targets;
        collect_reads(*s.cond, site.reads);
        out_.awaits.push_back(std::move(site));
        emit(Opcode::Await, static_cast<std::uint32_t>(out_.awaits.size() - 1), 0, line);
        return;
      }
      case StmtKind::Schedule: emit(Opcode::Schedule, 0, 0, line); return;
      case StmtKind::DoExit: emit(Opcode::DoExit, 0, 0, line); return;
    }
  }

  // A pass of the condition, with its steps logged: if it holds, the thread stops -- or loops, when
  // the pass changed something.
  void spin_loop(const Stmt& s, std::uint32_t line) {
    const std::uint32_t top = here();
    emit(Opcode::SpinBegin, 0, 0, line);
    expression(*s.cond);
    const std::size_t exit_jump = emit(Opcode::JumpIfFalse, 0, 0, line);
    out_.texts.push_back(paren_text(program_, s.loc));
    emit(Opcode::SpinFail, static_cast<std::uint32_t>(out_.texts.size() - 1), top, line);
    patch(exit_jump, here());
    emit(Opcode::SpinEnd, 0, 0, line);
  }

  // while (cond) body  /  for (init; cond; step) body. Each iteration is watched (LoopEnter,
  // LoopBack): one that changed nothing and ends with the locals it started with would repeat
  // itself exactly as long as what it read stays the same, so the thread stops there, as at a spin
  // loop's pass (see is_spin_loop).
  void loop(const Stmt* init, const Expr* cond, const Stmt* step, const Stmt& body, std::uint32_t line,
            std::string header) {
    if (init != nullptr) statement(*init);
    out_.texts.push_back(std::move(header));
    const auto text = static_cast<std::uint32_t>(out_.texts.size() - 1);
    emit(Opcode::LoopEnter, 0, 0, line);
    const std::uint32_t top = here();
    std::size_t exit_jump = 0;
    if (cond != nullptr) {
      expression(*cond);
      exit_jump = emit(Opcode::JumpIfFalse, 0, 0, line);
    }
    loops_.emplace_back();
    statement(body);
    const std::uint32_t continue_target = here();
    if (step != nullptr) statement(*step);
    emit(Opcode::LoopBack, text, top, line);
    const std::uint32_t end = here();
    emit(Opcode::LoopLeave, 0, 0, line);
    if (cond != nullptr) patch(exit_jump, end);
    for (std::size_t at : loops_.back().breaks) patch(at, end);
    for (std::size_t at : loops_.back().continues) patch(at, continue_target);
    loops_.pop_back();
  }

  const Program& program_;
  CompiledScenario out_;
  std::vector<Instr>* code_ = nullptr;
  std::vector<Target>* targets_ = nullptr;  // null while compiling await conditions (no steps)
  std::vector<Loop> loops_;
  std::vector<std::uint32_t> shared_base_;
  std::vector<std::uint32_t> object_base_[6];  // per ObjectKind: the first cell of each declared object
};

}  // namespace

const char* opcode_name(Opcode op) {
  switch (op) {
#define PREEMPT_OPCODE(name, spelling, doc) \
  case Opcode::name:                        \
    return spelling;
#include "checker/interp/opcodes.def"
  }
  return "?";
}

CompiledScenario compile(const Program& program) { return Compiler(program).run(); }

std::string disassemble(const CompiledScenario& compiled) {
  std::string out;
  for (const CodeBody& body : compiled.bodies) {
    out += fmt::format("{} (slots {}, params {}):\n", body.name, body.slot_count, body.param_count);
    for (std::size_t pc = 0; pc < body.code.size(); ++pc) {
      const Instr& in = body.code[pc];
      out += fmt::format("  {:4} {:<14} {:>4} {:>6}   ; line {}\n", pc, opcode_name(in.op), in.a, in.b, in.line);
    }
  }
  return out;
}

}  // namespace preempt::interp
