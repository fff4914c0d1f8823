// The compiler, expressions: values, the addresses of places, and calls.
#include <fmt/format.h>

#include "checker/interp/compiler_internal.hpp"
#include "checker/interp/source_text.hpp"
#include "checker/rt/address.hpp"

namespace preempt::interp::detail {

// expression: pushes exactly one value (calls of void functions never appear here).
void Compiler::expression(const Expr& e) {
  const uint32_t line = e.loc.line;
  switch (e.kind) {
    case ExprKind::IntLit: emit(Opcode::Const, 0, e.value, line); return;
    case ExprKind::Local: emit(Opcode::LoadLocal, e.slot, 0, line); return;
    case ExprKind::Self: emit(Opcode::LoadSelf, 0, 0, line); return;
    case ExprKind::Global: case ExprKind::Field: case ExprKind::Index: case ExprKind::Deref: load(e); return;
    case ExprKind::Unary:
      expression(*e.operand);
      emit(Opcode::Unary, static_cast<uint32_t>(e.unary_op), 0, line);
      return;
    case ExprKind::Binary:
      if (e.binary_op == BinaryOp::LogicalAnd || e.binary_op == BinaryOp::LogicalOr) {
        logical(e);
        return;
      }
      expression(*e.lhs);
      expression(*e.rhs);
      emit(Opcode::Binary, static_cast<uint32_t>(e.binary_op), 0, line);
      return;
    case ExprKind::Conditional: conditional(e); return;
    case ExprKind::CallUser:
      for (const ExprPtr& arg : e.args) expression(*arg);
      emit(Opcode::Call, static_cast<uint32_t>(e.decl), static_cast<int64_t>(e.args.size()), line);
      return;
    case ExprKind::CallPointer:
      expression(*e.operand);
      for (const ExprPtr& arg : e.args) expression(*arg);
      emit(Opcode::CallPointer, text_id(e.operand->text), static_cast<int64_t>(e.args.size()), line);
      return;
    case ExprKind::CallBuiltin: call_builtin(e); return;
    case ExprKind::AddressOf:
      push(address(*e.operand), line);
      emit(Opcode::ToPointer, 0, 0, line);
      return;
    case ExprKind::FunctionRef: emit(Opcode::Const, 0, function_pointer(static_cast<FunctionId>(e.decl)), line); return;
    case ExprKind::ModuleRef:
      emit(Opcode::Const, 0, e.decl < 0 ? 0 : pointer_to(out_.layout->modules[static_cast<std::size_t>(e.decl)].addr), line);
      return;
    case ExprKind::Null: emit(Opcode::Const, 0, 0, line); return;
    case ExprKind::SizeOf: case ExprKind::String: emit(Opcode::Const, 0, 0, line); return;  // builtin arguments only
  }
}

// a && b, a || b: short-circuit, yielding 0 or 1.
void Compiler::logical(const Expr& e) {
  const uint32_t line = e.loc.line;
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

// c ? a : b
void Compiler::conditional(const Expr& e) {
  const uint32_t line = e.loc.line;
  expression(*e.cond);
  const std::size_t to_else = emit(Opcode::JumpIfFalse, 0, 0, line);
  expression(*e.lhs);
  const std::size_t to_end = emit(Opcode::Jump, 0, 0, line);
  patch(to_else, here());
  expression(*e.rhs);
  patch(to_end, here());
}

Address Compiler::address(const Expr& e) {
  const uint32_t line = e.loc.line;
  const ObjectKind kind = cell_kind(e.type);
  switch (e.kind) {
    case ExprKind::Global: {
      const Addr base = global_addr_[static_cast<std::size_t>(e.decl)];
      const uint32_t cells = program_.cells(e.type);
      Address a{false, base, Target{kind, static_cast<uint32_t>(base), static_cast<uint32_t>(base + (cells == 0 ? 0 : cells - 1))}};
      return a;
    }
    case ExprKind::Field: {
      Address a = address(*e.operand);
      const Field& f = program_.structs[program_.types[e.operand->type].target].fields[e.field];
      const uint32_t cells = program_.cells(f.type);
      if (a.on_stack) {
        if (f.offset != 0) emit(Opcode::AddOffset, 0, f.offset, line);
      } else {
        a.constant += f.offset;
      }
      if (a.target.through_pointer) {
        a.target.offset += f.offset;
        a.target.span = cells;
      } else if (a.on_stack) {  // an element of a global array of structs: the field in each element
        a.target.first += f.offset;
        a.target.last = std::min(a.target.last, a.target.first + cells - 1);
      } else {
        a.target.first = static_cast<uint32_t>(a.constant);
        a.target.last = static_cast<uint32_t>(a.constant + (cells == 0 ? 0 : cells - 1));
      }
      a.target.kind = kind;
      return a;
    }
    case ExprKind::Index: {
      Address a = address(*e.operand);
      const Type& array = program_.types[e.operand->type];
      const uint32_t stride = program_.cells(array.target);
      push(a, line);
      expression(*e.index);
      emit(Opcode::ElemIndex, array_id(array.length, stride, e.operand->text.empty() ? "array" : e.operand->text),
           array.length, line);
      a.on_stack = true;
      if (a.target.through_pointer) a.target.span = array.length * stride;
      a.target.kind = kind;
      return a;
    }
    case ExprKind::Deref: {
      expression(*e.operand);
      emit(Opcode::ToAddr, text_id(e.operand->text.empty() ? std::string("the pointer") : e.operand->text), 0, line);
      const uint32_t type = struct_info(program_.types[e.type].target);
      Target t;
      t.kind = kind;
      t.through_pointer = true;
      t.type = type;
      t.offset = 0;
      t.span = program_.cells(e.type);
      return Address{true, 0, t};
    }
    default: return Address{};
  }
}

void Compiler::push(const Address& a, uint32_t line) {
  if (!a.on_stack) emit(Opcode::Const, 0, static_cast<int64_t>(a.constant), line);
}

void Compiler::list_read(const Expr& place) {
  AwaitSite* site = await_site_;
  std::vector<Instr>* saved_code = code_;
  std::vector<Target>* saved_targets = targets_;
  std::vector<Target> scratch;
  site->reads.emplace_back();
  site->read_texts.emplace_back(place.text);
  code_ = &site->reads.back();
  targets_ = &scratch;
  await_site_ = nullptr;  // the address's own loads are listed by the condition's code already
  push(address(place), place.loc.line);
  await_site_ = site;
  code_ = saved_code;
  targets_ = saved_targets;
}

// Reads the scalar at a shared place: one visible step.
void Compiler::load(const Expr& place) {
  if (await_site_ != nullptr) list_read(place);
  const uint32_t line = place.loc.line;
  const Address a = address(place);
  const std::string text = a.target.through_pointer ? place.text : std::string();
  if (a.on_stack) {
    emit_on(Opcode::LoadShared, 0, 1, line, a.target, cell_kind(place.type), text);
  } else {
    emit_on(Opcode::LoadShared, static_cast<uint32_t>(a.constant), 0, line, a.target, cell_kind(place.type), text);
  }
}

bool Compiler::produces_value(const Expr& call) const { return call.type != program_.types.void_type(); }

// A builtin: its operands in the order of its argument letters (ops.def), then the step.
void Compiler::call_builtin(const Expr& e) {
  const uint32_t line = e.loc.line;
  if (e.builtin == Builtin::WaitEvent || e.builtin == Builtin::WaitEventInterruptible) {
    wait_event(e);
    return;
  }
  const std::string_view letters = op_info(e.builtin).args;
  Target target;
  ObjectKind kind = ObjectKind::Int;
  std::string text;
  for (std::size_t i = 0; i < e.args.size() && i < letters.size(); ++i) {
    const Expr& arg = *e.args[i];
    const char letter = letters[i];
    if (preempt::object_kind_of_letter(letter)) {
      if (letter == 'D') {
        expression(arg);  // a struct module * (the VM turns it into the module's address)
        if (arg.kind == ExprKind::ModuleRef && arg.decl >= 0) {
          const Addr m = out_.layout->modules[static_cast<std::size_t>(arg.decl)].addr;
          target = Target{ObjectKind::Module, static_cast<uint32_t>(m), static_cast<uint32_t>(m)};
        } else {  // any module
          const auto modules = static_cast<uint32_t>(out_.layout->modules.size());
          const Addr first = modules == 0 ? 0 : out_.layout->modules.front().addr;
          const Addr last = modules == 0 ? 0 : out_.layout->modules.back().addr;
          target = Target{ObjectKind::Module, static_cast<uint32_t>(first), static_cast<uint32_t>(last)};
        }
        kind = ObjectKind::Module;
        continue;
      }
      if (await_site_ != nullptr) list_read(arg);
      const Address a = address(arg);
      push(a, line);
      target = a.target;
      kind = *preempt::object_kind_of_letter(letter);
      target.kind = kind;
      if (a.target.through_pointer) text = arg.text;
    } else if (letter == 'z') {
      emit(Opcode::Const, 0, struct_info(static_cast<uint32_t>(arg.decl)), line);
    } else if (letter == 'f' || letter == 'F') {
      expression(arg);  // a function pointer value (the VM takes the function from it)
    } else if (letter == 'Q' || letter == 'P') {
      expression(arg);  // a workqueue's or a task's pointer: its fields, in any such object
      const uint32_t type = letter == 'Q' ? out_.layout->workqueue_type : out_.layout->task_type;
      target = Target{ObjectKind::Int, 0, 0, true, type, 0, 6};
      text = arg.text;
    } else if (letter == 'N') {
      expression(arg);  // an interrupt line's number: any of the kernel's lines
      const Addr first = out_.layout->irq_lines;
      const auto last = first + static_cast<Addr>(kIrqLines - 1) * object_kind_info(ObjectKind::Irq).cells;
      target = Target{ObjectKind::Irq, static_cast<uint32_t>(first), static_cast<uint32_t>(last)};
      kind = ObjectKind::Irq;
    } else if (letter == 's') {
      // a name the kernel keeps for messages: nothing to pass
    } else if (letter == 'p') {
      expression(arg);
      // the object's header, whatever its type: any heap object may be the one freed
      target = Target{ObjectKind::Header, 0, 0, true, kNone, 0, 0};
      kind = ObjectKind::Header;
      text = arg.text;
    } else {
      expression(arg);
    }
  }
  emit_on(Opcode::Primitive, static_cast<uint32_t>(e.builtin), 0, line, target, kind, text);
  code_->back().code = text_id(call_text(program_, e.loc));
}

// wait_event(wq, cond), as include/linux/wait.h expands it:
//     if (!(cond)) {
//       for (;;) {
//         prepare_to_wait_event(&wq, ...);   queues the task (the wait_event step)
//         if (cond) break;
//         schedule();                        until a wake_up takes it off the queue
//       }
//       finish_wait(&wq, ...);
//     }
// The condition is the waiter's own code: its reads are ordinary steps, after it queued itself. A
// wake_up between the queueing and the sleep has taken the task off the queue already, so the sleep
// returns at once: no wakeup is lost. wait_event_interruptible yields 0 (no signals).
void Compiler::wait_event(const Expr& e) {
  const uint32_t line = e.loc.line;
  const Expr& head = *e.args[0];
  const uint32_t text = text_id(e.text);
  expression(*e.cond);
  const std::size_t to_slow = emit(Opcode::JumpIfFalse, 0, 0, line);
  const std::size_t to_done = emit(Opcode::Jump, 0, 0, line);
  patch(to_slow, here());
  const uint32_t top = here();
  wait_step(e.builtin, head, text, line);
  expression(*e.cond);
  const std::size_t to_sleep = emit(Opcode::JumpIfFalse, 0, 0, line);
  const std::size_t to_finish = emit(Opcode::Jump, 0, 0, line);
  patch(to_sleep, here());
  wait_step(OpKind::WaitEventSleep, head, text, line);
  emit(Opcode::Jump, top, 0, line);
  patch(to_finish, here());
  wait_step(OpKind::FinishWait, head, text, line);
  patch(to_done, here());
  if (produces_value(e)) emit(Opcode::Const, 0, 0, line);
}

// One step of wait_event on its head, with the condition's text.
void Compiler::wait_step(OpKind kind, const Expr& head, uint32_t text, uint32_t line) {
  const Address a = address(head);
  push(a, line);
  Target target = a.target;
  target.kind = ObjectKind::WaitQueue;
  emit_on(Opcode::Primitive, static_cast<uint32_t>(kind), 0, line, target, ObjectKind::WaitQueue,
          a.target.through_pointer ? head.text : std::string());
  code_->back().code = text;
  if (op_info(kind).returns_value) emit(Opcode::Pop, 0, 0, line);
}

}  // namespace preempt::interp::detail
