// The resolver, types and constants: what a type as written means, struct layouts' building
// blocks, constant expressions (#define, enum), and the words messages use for them.
#include <limits>

#include <fmt/format.h>

#include "checker/rt/errno.hpp"

#include "checker/lang/resolver_internal.hpp"
#include "checker/rt/op.hpp"

namespace preempt::lang::detail {

std::string at(SourceLoc loc) { return fmt::format("{}:{}", loc.line, loc.col); }

std::string arguments(size_t n) { return n == 1 ? "1 argument" : fmt::format("{} arguments", n); }

ExprPtr finish(ExprPtr e) {
  uint32_t h = 0;
  for (const ExprPtr* child : {&e->index, &e->operand, &e->lhs, &e->rhs, &e->cond}) {
    if (*child) h = std::max(h, (*child)->height);
  }
  for (const ExprPtr& arg : e->args) h = std::max(h, arg->height);
  e->height = h + 1;
  return e;
}

ExprPtr new_expr(ExprKind kind, SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->loc = loc;
  return e;
}

StmtPtr new_stmt(StmtKind kind, SourceLoc loc) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->loc = loc;
  return s;
}

std::optional<ObjectKind> object_struct(std::string_view name) {
  if (name == "kref") return ObjectKind::Kref;
  if (name == "kobject") return ObjectKind::Kobject;
  if (name == "completion") return ObjectKind::Completion;
  if (name == "mutex") return ObjectKind::Mutex;
  if (name == "work_struct" || name == "delayed_work") return ObjectKind::Work;
  if (name == "timer_list") return ObjectKind::Timer;
  if (name == "rcu_head" || name == "callback_head") return ObjectKind::RcuHead;
  if (name == "tasklet_struct") return ObjectKind::Tasklet;
  if (name == "wait_queue_head") return ObjectKind::WaitQueue;
  return std::nullopt;
}

std::optional<int64_t> predefined_constant(std::string_view name) {
  if (name == "GFP_KERNEL") return kGfpKernel;
  if (name == "GFP_ATOMIC") return kGfpAtomic;
  if (name == "GFP_NOWAIT") return kGfpNowait;
  if (name == "GFP_NOIO") return kGfpNoio;
  if (name == "GFP_NOFS") return kGfpNofs;
  if (name == "GFP_USER") return kGfpUser;
  if (name == "__GFP_ZERO") return kGfpZero;
  // workqueue and timer flags, jiffies: accepted, and meaningless in a model without time
  if (name == "WQ_UNBOUND") return 0x2;
  if (name == "WQ_FREEZABLE") return 0x4;
  if (name == "WQ_MEM_RECLAIM") return 0x8;
  if (name == "WQ_HIGHPRI") return 0x10;
  if (name == "WQ_CPU_INTENSIVE") return 0x20;
  if (name == "WQ_SYSFS") return 0x40;
  if (name == "WQ_POWER_EFFICIENT") return 0x80;
  if (name == "TIMER_DEFERRABLE") return 0x80000;
  if (name == "TIMER_PINNED") return 0x100000;
  if (name == "TIMER_IRQSAFE") return 0x200000;
  // interrupts: request_irq's flags are accepted and not modelled; a handler's result is not looked at
  if (name == "IRQ_NONE") return 0;
  if (name == "IRQ_HANDLED") return 1;
  if (name == "IRQ_WAKE_THREAD") return 2;
  if (name == "IRQF_TRIGGER_NONE") return 0;
  if (name == "IRQF_TRIGGER_RISING") return 0x1;
  if (name == "IRQF_TRIGGER_FALLING") return 0x2;
  if (name == "IRQF_TRIGGER_HIGH") return 0x4;
  if (name == "IRQF_TRIGGER_LOW") return 0x8;
  if (name == "IRQF_SHARED") return 0x80;
  if (name == "IRQF_ONESHOT") return 0x2000;
  if (name == "IRQF_NO_SUSPEND") return 0x4000;
  if (name == "IRQF_NO_AUTOEN") return 0x80000;  // modelled: the line starts disabled
  if (name == "HZ") return 100;
  if (name == "jiffies") return 0;
  if (name == "MAX_SCHEDULE_TIMEOUT") return 0x7fffffff;
  // file modes (octal literals do not exist: 0444 is S_IRUGO)
  if (name == "S_IRUSR") return 0400;
  if (name == "S_IWUSR") return 0200;
  if (name == "S_IRGRP") return 040;
  if (name == "S_IWGRP") return 020;
  if (name == "S_IROTH") return 04;
  if (name == "S_IRUGO") return 0444;
  if (name == "S_IWUGO") return 0222;
  if (const auto e = errno_value(name)) return e;  // -ENOMEM, as kernel code writes it
  if (name == "true") return 1;
  if (name == "false") return 0;
  return std::nullopt;
}

int64_t Scope::constant(uint32_t index) {
  Constant& c = constants[index];
  if (c.state == Constant::State::Done) return c.value;
  if (c.state == Constant::State::Evaluating) {
    const SourceLoc loc = find(c.name) != nullptr ? find(c.name)->loc : SourceLoc{};
    error(loc, fmt::format("the value of '{}' depends on itself", c.name));
    c.state = Constant::State::Done;
    c.poisoned = true;
    return 0;
  }
  c.state = Constant::State::Evaluating;
  int64_t value = 0;
  bool poisoned = false;
  if (c.expr != nullptr) {
    const std::optional<int64_t> v = evaluate(*c.expr);
    poisoned = !v;
    value = v.value_or(0);
  } else if (c.base >= 0) {
    value = static_cast<int64_t>(static_cast<uint64_t>(constant(static_cast<uint32_t>(c.base))) + 1);
    poisoned = constants[static_cast<uint32_t>(c.base)].poisoned;
  }
  c.poisoned = c.poisoned || poisoned;
  c.value = value;
  c.state = Constant::State::Done;
  return value;
}

std::optional<int64_t> Scope::evaluate(const syn::Expr& e) {
  const auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
  switch (e.kind) {
    case syn::ExprKind::IntLit: return e.value;
    case syn::ExprKind::Name: {
      const Global* g = find(e.name.text);
      if (g != nullptr) note(e.name, *g);
      if (g != nullptr && g->kind == GlobalKind::Constant) {
        const int64_t v = constant(g->index);
        if (constants[g->index].poisoned) return std::nullopt;  // reported
        return v;
      }
      if (g == nullptr) {
        if (auto v = predefined_constant(e.name.text)) return v;
        error(e.loc, fmt::format("undeclared name '{}'", e.name.text));
      } else {
        error(e.loc, fmt::format("'{}' is {}, not a constant", e.name.text, describe(*g)));
      }
      return std::nullopt;
    }
    case syn::ExprKind::Unary: {
      const auto v = evaluate(*e.operand);
      if (!v) return std::nullopt;
      switch (e.unary_op) {
        case UnaryOp::Neg: return wrap(0 - static_cast<uint64_t>(*v));
        case UnaryOp::Not: return *v == 0 ? 1 : 0;
        case UnaryOp::BitNot: return ~*v;
      }
      return std::nullopt;
    }
    case syn::ExprKind::Binary: {
      const auto a = evaluate(*e.lhs);
      const auto b = evaluate(*e.rhs);
      if (!a || !b) return std::nullopt;
      const auto ua = static_cast<uint64_t>(*a);
      const auto ub = static_cast<uint64_t>(*b);
      switch (e.binary_op) {
        case BinaryOp::Mul: return wrap(ua * ub);
        case BinaryOp::Div: case BinaryOp::Rem:
          if (*b == 0) {
            error(e.loc, "division by zero in a constant");
            return std::nullopt;
          }
          if (*a == std::numeric_limits<int64_t>::min() && *b == -1) return e.binary_op == BinaryOp::Div ? *a : 0;
          return e.binary_op == BinaryOp::Div ? *a / *b : *a % *b;
        case BinaryOp::Add: return wrap(ua + ub);
        case BinaryOp::Sub: return wrap(ua - ub);
        case BinaryOp::Shl: return wrap(ua << (ub & 63));
        case BinaryOp::Shr: return *a >> (ub & 63);
        case BinaryOp::Lt: return *a < *b ? 1 : 0;
        case BinaryOp::Le: return *a <= *b ? 1 : 0;
        case BinaryOp::Gt: return *a > *b ? 1 : 0;
        case BinaryOp::Ge: return *a >= *b ? 1 : 0;
        case BinaryOp::Eq: return *a == *b ? 1 : 0;
        case BinaryOp::Ne: return *a != *b ? 1 : 0;
        case BinaryOp::BitAnd: return *a & *b;
        case BinaryOp::BitXor: return *a ^ *b;
        case BinaryOp::BitOr: return *a | *b;
        case BinaryOp::LogicalAnd: return *a != 0 && *b != 0 ? 1 : 0;
        case BinaryOp::LogicalOr: return *a != 0 || *b != 0 ? 1 : 0;
      }
      return std::nullopt;
    }
    case syn::ExprKind::Conditional: {
      const auto c = evaluate(*e.cond);
      if (!c) return std::nullopt;
      return evaluate(*c != 0 ? *e.lhs : *e.rhs);
    }
    default:
      error(e.loc, "expected a constant (an integer, a #define or enum name, or arithmetic on them)");
      return std::nullopt;
  }
}

TypeId Scope::type_of(const syn::TypeSyntax& t, std::string_view what) {
  Types& types = program.types;
  TypeId base = types.int_type();
  switch (t.base) {
    case syn::TypeSyntax::Base::None: return types.int_type();
    case syn::TypeSyntax::Base::Int:
      if (t.pointers > 0 && !t.function) {
        error(t.loc, fmt::format("{}: pointers to int are not supported (only pointers to structs and functions)", what));
        return types.int_type();
      }
      base = types.int_type();
      break;
    case syn::TypeSyntax::Base::Void:
      base = types.void_type();
      if (t.pointers == 1 && !t.function) return types.pointer_to(kVoidStruct);
      if (t.pointers > 1 && !t.function) {
        error(t.loc, fmt::format("{}: pointers to pointers are not supported", what));
        return types.int_type();
      }
      break;
    case syn::TypeSyntax::Base::Object:
      if (t.pointers > 0 && !t.function) {
        error(t.loc, fmt::format("{}: pointers to a {} are not supported: pass the object itself (&p->field)",
                                 what, object_kind_name(t.object)));
        return types.int_type();
      }
      base = types.object(t.object);
      break;
    case syn::TypeSyntax::Base::Struct: {
      const std::string_view name = t.struct_name.text;
      if (name == "module") {
        if (t.pointers != 1 && !t.function) {
          error(t.loc, fmt::format("{}: a module is used through a pointer: struct module *", what));
          return types.int_type();
        }
        base = types.module_type();
        if (!t.function) return base;
        break;
      }
      if (const auto object = object_struct(name)) {
        if (t.pointers > 0 && !t.function) {
          error(t.loc, fmt::format("{}: pointers to a struct {} are not supported: pass the object itself (&p->{})",
                                   what, name, name));
          return types.int_type();
        }
        base = types.object(*object);
        break;
      }
      if (is_kernel_struct(name)) (void)kernel_struct(name);
      auto it = structs.find(name);
      if (it == structs.end()) {
        error(t.struct_name.loc, fmt::format("unknown struct '{}'", name));
        return types.int_type();
      }
      note(t.struct_name, NameUse{.kind = NameKind::Struct, .index = static_cast<int32_t>(it->second),
                                  .decl = program.structs[it->second].loc});
      if (t.pointers > 1 && !t.function) {
        error(t.loc, fmt::format("{}: pointers to pointers are not supported", what));
        return types.int_type();
      }
      if (t.pointers == 1 && !t.function) return types.pointer_to(it->second);
      base = t.pointers == 1 ? types.pointer_to(it->second) : types.struct_type(it->second);
      break;
    }
  }
  if (!t.function) return base;
  // A function pointer: base is its result (struct pointers already applied above).
  Signature signature;
  signature.result = base;
  if (!types.is_scalar(base) && base != types.void_type()) {
    error(t.loc, fmt::format("{}: a function can return only void, an int or a pointer", what));
    signature.result = types.int_type();
  }
  for (const syn::Param& p : t.params) {
    const TypeId param = type_of(p.type, "a parameter");
    if (!types.is_scalar(param)) {
      error(p.type.loc, "a parameter must be an int or a pointer");
      signature.params.push_back(types.int_type());
    } else {
      signature.params.push_back(param);
    }
  }
  return types.function_pointer(signature);
}

TypeId Scope::array_type(TypeId element, const std::vector<syn::ExprPtr>& sizes) {
  TypeId type = element;
  for (auto it = sizes.rbegin(); it != sizes.rend(); ++it) {
    const syn::Expr& size = **it;
    const std::optional<int64_t> n = evaluate(size);
    if (!n) continue;
    if (*n < 1 || *n > static_cast<int64_t>(kMaxArraySize)) {
      error(size.loc, fmt::format("the {} must be between 1 and {}, not {}", size.text.empty() ? "array size" : size.text,
                                  kMaxArraySize, *n));
      continue;
    }
    const TypeId array = program.types.array_of(type, static_cast<uint32_t>(*n));
    if (program.cells(array) > kMaxTypeCells) {
      error(size.loc, fmt::format("{} is too large: {} cells (the limit is {})", type_name(array),
                                  uint64_t{program.cells(type)} * static_cast<uint64_t>(*n), kMaxTypeCells));
      continue;
    }
    type = array;
  }
  return type;
}

std::string Scope::describe_type(TypeId type) const {
  const Types& types = program.types;
  const Type& t = types[type];
  switch (t.kind) {
    case TypeKind::Int: return "a shared int";
    case TypeKind::Object: return t.object == ObjectKind::Int ? "a shared int" : fmt::format("a {}", object_kind_name(t.object));
    case TypeKind::Struct: return fmt::format("a struct {}", program.structs[t.target].name);
    case TypeKind::Pointer: case TypeKind::Function: case TypeKind::Module:
      return fmt::format("a shared pointer ({})", type_name(type));
    case TypeKind::Array: {
      const Type& e = types[t.target];
      if (e.kind == TypeKind::Int || (e.kind == TypeKind::Object && e.object == ObjectKind::Int)) return "a shared int array";
      if (e.kind == TypeKind::Object) {
        std::string plural(object_kind_name(e.object));
        plural += plural.back() == 'x' ? "es" : "s";
        return "an array of " + plural;
      }
      return fmt::format("an array of {}", type_name(t.target));
    }
    case TypeKind::Void: return "void";
  }
  return "something else";
}

void Scope::note(const syn::Name& name, const Global& g) {
  NameUse use;
  use.decl = g.loc;
  use.index = static_cast<int32_t>(g.index);
  switch (g.kind) {
    case GlobalKind::Module: use.kind = NameKind::Module; break;
    case GlobalKind::Variable: use.kind = NameKind::Global; break;
    case GlobalKind::Function: use.kind = NameKind::Function; break;
    case GlobalKind::Thread: use.kind = NameKind::Thread; break;
    case GlobalKind::Constant:
      use.kind = NameKind::Constant;
      use.index = -1;
      break;
  }
  note(name, use);
}

std::string Scope::describe(const Global& g) const {
  switch (g.kind) {
    case GlobalKind::Module: return "a module";
    case GlobalKind::Variable: return describe_type(program.globals[g.index].type);
    case GlobalKind::Function: return "a function";
    case GlobalKind::Thread: return "a thread";
    case GlobalKind::Constant: return "a constant";
  }
  return "something else";
}

}  // namespace preempt::lang::detail
