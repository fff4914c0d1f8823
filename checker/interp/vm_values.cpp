#include <array>
#include <limits>

#include <fmt/format.h>

#include "checker/interp/vm_thread.hpp"
#include "checker/rt/address.hpp"
#include "models/step.hpp"

namespace preempt::interp::detail {

Value wrap_add(Value a, Value b) { return static_cast<Value>(static_cast<UValue>(a) + static_cast<UValue>(b)); }
Value wrap_sub(Value a, Value b) { return static_cast<Value>(static_cast<UValue>(a) - static_cast<UValue>(b)); }
namespace {
Value wrap_mul(Value a, Value b) { return static_cast<Value>(static_cast<UValue>(a) * static_cast<UValue>(b)); }

}  // namespace

Value unary(UnaryOp op, Value v) {
  switch (op) {
    case UnaryOp::Neg: return wrap_sub(0, v);
    case UnaryOp::Not: return v == 0 ? 1 : 0;
    case UnaryOp::BitNot: return ~v;
  }
  return 0;
}

// Binary operators with C semantics on 64-bit two's complement values; division truncates and a
// zero divisor is a fault. Shift counts are taken modulo 64.
bool binary(BinaryOp op, Value a, Value b, Value* out) {
  constexpr Value kMin = std::numeric_limits<Value>::min();
  switch (op) {
    case BinaryOp::Mul: *out = wrap_mul(a, b); return true;
    case BinaryOp::Div:
      if (b == 0) return false;
      *out = (a == kMin && b == -1) ? kMin : a / b;
      return true;
    case BinaryOp::Rem:
      if (b == 0) return false;
      *out = (a == kMin && b == -1) ? 0 : a % b;
      return true;
    case BinaryOp::Add: *out = wrap_add(a, b); return true;
    case BinaryOp::Sub: *out = wrap_sub(a, b); return true;
    case BinaryOp::Shl: *out = static_cast<Value>(static_cast<UValue>(a) << (static_cast<UValue>(b) & 63)); return true;
    case BinaryOp::Shr: *out = a >> (static_cast<UValue>(b) & 63); return true;
    case BinaryOp::Lt: *out = a < b; return true;
    case BinaryOp::Le: *out = a <= b; return true;
    case BinaryOp::Gt: *out = a > b; return true;
    case BinaryOp::Ge: *out = a >= b; return true;
    case BinaryOp::Eq: *out = a == b; return true;
    case BinaryOp::Ne: *out = a != b; return true;
    case BinaryOp::BitAnd: *out = a & b; return true;
    case BinaryOp::BitXor: *out = a ^ b; return true;
    case BinaryOp::BitOr: *out = a | b; return true;
    case BinaryOp::LogicalAnd: *out = (a != 0 && b != 0); return true;
    case BinaryOp::LogicalOr: *out = (a != 0 || b != 0); return true;
  }
  return false;
}

std::string division_message(BinaryOp op, std::uint32_t line) {
  return fmt::format("{} by zero at line {}", op == BinaryOp::Div ? "division" : "remainder", line);
}

std::string bounds_message(const ArrayInfo& array, Value index, std::uint32_t line) {
  return fmt::format("index {} is out of bounds for {}[{}] at line {}", index, array.name, array.size, line);
}


bool uses_self(const CompiledScenario& compiled) {
  for (const CodeBody& body : compiled.bodies) {
    for (const Instr& in : body.code) {
      if (in.op == Opcode::LoadSelf) return true;
    }
  }
  for (const AwaitSite& site : compiled.awaits) {
    for (const Instr& in : site.code) {
      if (in.op == Opcode::LoadSelf) return true;
    }
  }
  return false;
}

bool VmThread::evaluate_await(const Store& store, Value* out, Fault* fault) const {
  return run_pure(compiled_.awaits[await_site_].code, store, out, fault);
}

bool VmThread::run_pure(const std::vector<Instr>& code, const Store& store, Value* out, Fault* fault) const {
  std::array<Value, 2 * kMaxNesting + 8> stack{};
  std::size_t top = 0;
  const auto read = [&](Addr addr, const Instr& in, Value* value) {
    if (models::is_gone(store, *compiled_.layout, addr)) {  // the step reports it (models::check_step)
      *fault = {ViolationKind::UseAfterFree, fmt::format("a use-after-free at line {}", in.line)};
      return false;
    }
    if (!store.holds(addr)) {
      *fault = {ViolationKind::OutOfBounds,
                fmt::format("{} at line {} lies outside the object its pointer points to",
                            in.text == kNone ? std::string("the condition") : compiled_.texts[in.text], in.line)};
      return false;
    }
    *value = store.get(addr);
    return true;
  };
  for (std::size_t pc = 0; pc < code.size(); ++pc) {
    const Instr& in = code[pc];
    switch (in.op) {
      case Opcode::Const: stack[top++] = in.b; break;
      case Opcode::LoadLocal: stack[top++] = slots_[await_base_ + in.a]; break;
      case Opcode::LoadSelf: stack[top++] = self_; break;
      case Opcode::ElemIndex: {
        const Value index = stack[--top];
        const ArrayInfo& array = compiled_.arrays[in.a];
        if (index < 0 || index >= static_cast<Value>(array.size)) {
          *fault = {ViolationKind::OutOfBounds, bounds_message(array, index, in.line)};
          return false;
        }
        stack[top - 1] = wrap_add(stack[top - 1], index * static_cast<Value>(array.stride));
        break;
      }
      case Opcode::ToAddr: {
        Addr addr = 0;
        if (!deref(store, stack[top - 1], in, &addr, fault)) return false;
        stack[top - 1] = static_cast<Value>(addr);
        break;
      }
      case Opcode::AddOffset: stack[top - 1] = wrap_add(stack[top - 1], in.b); break;
      case Opcode::ToPointer: stack[top - 1] = pointer_to(static_cast<Addr>(stack[top - 1])); break;
      case Opcode::LoadShared:
        if (in.b == 1) {
          if (!read(static_cast<Addr>(stack[top - 1]), in, &stack[top - 1])) return false;
        } else {
          if (!read(in.a, in, &stack[top])) return false;
          ++top;
        }
        break;
      case Opcode::Unary: stack[top - 1] = unary(static_cast<UnaryOp>(in.a), stack[top - 1]); break;
      case Opcode::Binary: {
        const auto op = static_cast<BinaryOp>(in.a);
        Value result = 0;
        if (!binary(op, stack[top - 2], stack[top - 1], &result)) {
          *fault = {ViolationKind::DivisionByZero, division_message(op, in.line)};
          return false;
        }
        stack[top - 2] = result;
        --top;
        break;
      }
      case Opcode::Jump: pc = in.a - 1; break;
      case Opcode::JumpIfFalse:
        if (stack[--top] == 0) pc = in.a - 1;
        break;
      case Opcode::Primitive: {
        Value cell = 0;
        if (!read(static_cast<Addr>(stack[top - 1]), in, &cell)) return false;
        const auto which = static_cast<Builtin>(in.a);
        // the front end allows only pure reads of one cell in await: atomic_read, completion_done,
        // kref_read, refcount_read
        stack[top - 1] = which == Builtin::CompletionDone ? (cell != 0 ? 1 : 0) : cell;
        break;
      }
      default:
        break;  // not produced for await conditions
    }
  }
  *out = top > 0 ? stack[top - 1] : 0;
  return true;
}

void VmThread::reads(FootprintSink& sink) const {
  const Store& store = context_->store_view();
  for (const std::vector<Instr>& address : compiled_.awaits[await_site_].reads) {
    Fault fault;
    Value value = 0;
    // A NULL pointer on the way: nothing there to read (the pointer's own cell is listed).
    if (!run_pure(address, store, &value, &fault)) continue;
    const auto addr = static_cast<Addr>(value);
    sink.read(Space::Cell, addr, addr);
    // whether a heap object or module data is still there is part of what the condition reads
    if (is_heap(addr)) {
      sink.read(Space::Cell, heap_header(addr), heap_header(addr));
    } else if (const ModuleId owner = compiled_.layout->data_owner(addr); owner != kNone) {
      const Addr status = compiled_.layout->modules[owner].addr + 1;
      sink.read(Space::Cell, status, status);
    }
  }
}

bool VmThread::reads_gone(const Store& store, Addr* addr, const char** expr) const {
  const AwaitSite& site = compiled_.awaits[await_site_];
  for (std::size_t i = 0; i < site.reads.size(); ++i) {
    Fault fault;
    Value value = 0;
    if (!run_pure(site.reads[i], store, &value, &fault)) continue;
    if (!models::is_gone(store, *compiled_.layout, static_cast<Addr>(value))) continue;
    *addr = static_cast<Addr>(value);
    *expr = site.read_texts[i].empty() ? nullptr : site.read_texts[i].c_str();
    return true;
  }
  return false;
}

}  // namespace preempt::interp::detail
