// The resolver, expressions: names, places (variables, fields, array elements, what a pointer
// points to), values and their types.
#include <algorithm>

#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"
#include "checker/rt/stop.hpp"

namespace preempt::lang::detail {

std::string BodyResolver::text_of(const syn::Expr& e) const {
  const std::string_view line = program_.source_line(e.loc.line);
  if (e.loc.col == 0 || e.loc.col > line.size() + 1) return "?";
  const std::size_t begin = e.loc.col - 1;
  if (e.end.line == e.loc.line && e.end.col > e.loc.col) return std::string(line.substr(begin, e.end.col - e.loc.col));
  return std::string(line.substr(begin)) + "...";
}

// ---- conversions

bool BodyResolver::convert(ExprPtr& r, TypeId type) {
  const Types& types = program_.types;
  if (r->type == type) return true;
  const Type& want = types[type];
  const Type& have = types[r->type];
  if (r->kind == ExprKind::Null && types.is_pointer(type)) {
    r->type = type;
    return true;
  }
  // void * converts to and from any struct pointer, as in C.
  if (want.kind == TypeKind::Pointer && have.kind == TypeKind::Pointer &&
      (want.target == kVoidStruct || have.target == kVoidStruct)) {
    return true;
  }
  return false;
}

ExprPtr BodyResolver::value(const syn::Expr& e) {
  const std::size_t before = scope_.diags.reported();
  ExprPtr r = expr(e);
  const Types& types = program_.types;
  if (types.is_scalar(r->type) || r->poisoned || scope_.diags.reported() > before) return r;
  const Type& t = types[r->type];
  const std::string shown = e.kind == syn::ExprKind::Name ? fmt::format("'{}'", e.name.text) : text_of(e);
  if (t.kind == TypeKind::Array && r->kind == ExprKind::Global &&
      scope_.describe_type(r->type) == "a shared int array") {
    error(e.loc, fmt::format("{} is a shared int array; use an element: {}[i]", shown, e.name.text));
  } else if (t.kind == TypeKind::Void) {
    error(e.loc, fmt::format("{} has no value to use", shown));
  } else if (r->kind == ExprKind::Global) {
    error(e.loc, fmt::format("expected an int value, but {} is {}", shown, scope_.describe_type(r->type)));
  } else {
    error(e.loc, fmt::format("expected a value, but {} is {}", shown, scope_.describe_type(r->type)));
  }
  return placeholder(e.loc);
}

ExprPtr BodyResolver::int_value(const syn::Expr& e) {
  ExprPtr r = value(e);
  if (r->type == program_.types.int_type() || r->poisoned) return r;
  const std::string shown = e.kind == syn::ExprKind::Name ? fmt::format("'{}'", e.name.text) : text_of(e);
  if (r->kind == ExprKind::Null) {
    error(e.loc, "NULL is a pointer, not an int");
  } else if (r->kind == ExprKind::FunctionRef) {
    error(e.loc, fmt::format("{} is a function, not an int", shown));
  } else if (r->kind == ExprKind::ModuleRef) {
    error(e.loc, fmt::format("{} is a module, not an int", shown));
  } else {
    error(e.loc, fmt::format("{} is a pointer ({}), not an int", shown, scope_.type_name(r->type)));
  }
  return placeholder(e.loc);
}

ExprPtr BodyResolver::value_as(const syn::Expr& e, TypeId type, std::string_view what) {
  if (type == program_.types.int_type()) return int_value(e);
  ExprPtr r = value(e);
  if (r->poisoned || convert(r, type)) return r;
  if (r->kind == ExprKind::IntLit && r->type == program_.types.int_type() && e.kind == syn::ExprKind::IntLit) {
    error(e.loc, fmt::format("{} must be {}, but got the int {} (write NULL for no pointer)", what,
                             scope_.type_name(type), r->value));
  } else {
    error(e.loc, fmt::format("{} must be {}, but {} is {}", what, scope_.type_name(type), text_of(e),
                             scope_.type_name(r->type)));
  }
  return placeholder(e.loc);
}

ExprPtr BodyResolver::condition(const syn::Expr& e) { return value(e); }

// ---- expressions

ExprPtr BodyResolver::expr(const syn::Expr& e) {
  poll_or_throw();
  switch (e.kind) {
    case syn::ExprKind::IntLit: {
      ExprPtr r = new_expr(ExprKind::IntLit, e.loc);
      r->value = e.value;
      return r;
    }
    case syn::ExprKind::String:
      error(e.loc, "a string literal is only allowed where a builtin takes a name (which it ignores)");
      return placeholder(e.loc);
    case syn::ExprKind::Self:
      if (kind_ != BodyKind::ThreadArray) {
        error(e.loc, "'self' is only allowed in the body of a thread array (thread NAME[N])");
      }
      return new_expr(ExprKind::Self, e.loc);
    case syn::ExprKind::Name: return name(e);
    case syn::ExprKind::Unary: return unary(e);
    case syn::ExprKind::Binary: return binary(e);
    case syn::ExprKind::Conditional: return conditional(e);
    case syn::ExprKind::Call: return call(e, true);
    case syn::ExprKind::Index: return index(e);
    case syn::ExprKind::Member: return member(e);
    case syn::ExprKind::Deref: return deref(e);
    case syn::ExprKind::AddressOf: return address_of(e);
    case syn::ExprKind::Cast: return cast(e);
    case syn::ExprKind::SizeofType: case syn::ExprKind::SizeofExpr:
      error(e.loc, "sizeof is only meaningful as the size of kmalloc or kzalloc: kzalloc(sizeof(*p), GFP_KERNEL)");
      return placeholder(e.loc);
  }
  return placeholder(e.loc);
}

ExprPtr BodyResolver::name(const syn::Expr& e) {
  const std::string_view n = e.name.text;
  if (const Binding* local = find_local(n)) {
    scope_.note(e.name, NameUse{.kind = NameKind::Local, .type = slot_type(local->slot), .decl = local->loc});
    ExprPtr r = new_expr(ExprKind::Local, e.loc);
    r->slot = local->slot;
    r->type = slot_type(local->slot);
    r->text = std::string(n);
    return r;
  }
  const Global* g = find_global(n);
  if (g == nullptr) {
    if (n == "NULL") {
      ExprPtr r = new_expr(ExprKind::Null, e.loc);
      r->type = program_.types.pointer_to(kVoidStruct);
      return r;
    }
    if (n == "THIS_MODULE") {
      ExprPtr r = new_expr(module_ < 0 ? ExprKind::Null : ExprKind::ModuleRef, e.loc);
      r->decl = module_;
      r->type = program_.types.module_type();
      return r;
    }
    if (is_system_workqueue(n)) return system_workqueue(e.loc);
    if (const auto v = predefined_constant(n)) {
      ExprPtr r = new_expr(ExprKind::IntLit, e.loc);
      r->value = *v;
      return r;
    }
    error(e.loc, fmt::format("undeclared name '{}'", n));
    return placeholder(e.loc);
  }
  scope_.note(e.name, *g);
  switch (g->kind) {
    case GlobalKind::Variable: {
      ExprPtr r = new_expr(ExprKind::Global, e.loc);
      r->decl = static_cast<int32_t>(g->index);
      r->type = program_.globals[g->index].type;
      r->poisoned = program_.globals[g->index].poisoned;
      r->text = std::string(n);
      return r;
    }
    case GlobalKind::Constant: {
      ExprPtr r = new_expr(ExprKind::IntLit, e.loc);
      r->value = scope_.constant(g->index);
      return r;
    }
    case GlobalKind::Function: {
      if (in_await_) {
        error(e.loc, fmt::format("an await condition cannot use function '{}'", n));
        return placeholder(e.loc);
      }
      return function_ref(e.loc, static_cast<int32_t>(g->index));
    }
    case GlobalKind::Module: {
      ExprPtr r = new_expr(ExprKind::ModuleRef, e.loc);
      r->decl = static_cast<int32_t>(g->index);
      r->type = program_.types.module_type();
      return r;
    }
    case GlobalKind::Thread:
      error(e.loc, fmt::format("expected an int value, but '{}' is a thread", n));
      return placeholder(e.loc);
  }
  return placeholder(e.loc);
}

ExprPtr BodyResolver::member(const syn::Expr& e) {
  Types& types = program_.types;
  ExprPtr base;
  const std::size_t before = scope_.diags.reported();
  if (e.arrow) {
    ExprPtr pointer = expr(*e.operand);  // not value(): a struct gets a message of its own
    if (scope_.diags.reported() > before || pointer->poisoned) return placeholder(e.loc);
    const Type& t = types[pointer->type];
    if (t.kind != TypeKind::Pointer || t.target == kVoidStruct) {
      const std::string shown = text_of(*e.operand);
      error(e.operand->loc,
            fmt::format("'->' needs a pointer to a struct, but {} is {}", shown,
                        t.kind == TypeKind::Pointer  ? std::string("a void *")
                        : t.kind == TypeKind::Struct ? fmt::format("{}, not a pointer: use {}.{}",
                                                                   scope_.describe_type(pointer->type), shown, e.name.text)
                                                     : scope_.type_name(pointer->type)));
      return placeholder(e.loc);
    }
    base = new_expr(ExprKind::Deref, e.loc);
    base->operand = std::move(pointer);
    base->type = types.struct_type(t.target);
    base = finish(std::move(base));
  } else {
    base = expr(*e.operand);
    if (scope_.diags.reported() > before || base->poisoned) return placeholder(e.loc);
    const Type& t = types[base->type];
    if (t.kind == TypeKind::Pointer) {
      error(e.loc, fmt::format("{} is a pointer: use '->' to reach its field '{}'", text_of(*e.operand), e.name.text));
      return placeholder(e.loc);
    }
    if (t.kind != TypeKind::Struct || !is_place(*base)) {
      error(e.loc, fmt::format("'.' needs a struct, but {} is {}", text_of(*e.operand), scope_.describe_type(base->type)));
      return placeholder(e.loc);
    }
  }
  const StructDecl& s = program_.structs[types[base->type].target];
  if (!s.complete) {
    error(e.loc, fmt::format("struct {} has no fields declared", s.name));
    return placeholder(e.loc);
  }
  const auto field = std::find_if(s.fields.begin(), s.fields.end(), [&](const Field& f) { return f.name == e.name.text; });
  if (field == s.fields.end()) {
    error(e.name.loc, fmt::format("struct {} has no field '{}'", s.name, e.name.text));
    return placeholder(e.loc);
  }
  scope_.note(e.name, NameUse{.kind = NameKind::Field, .index = static_cast<int32_t>(types[base->type].target),
                              .field = static_cast<uint32_t>(field - s.fields.begin()), .decl = field->loc});
  ExprPtr r = new_expr(ExprKind::Field, e.loc);
  r->operand = std::move(base);
  r->field = static_cast<uint32_t>(field - s.fields.begin());
  r->type = field->type;
  r->text = text_of(e);
  return finish(std::move(r));
}

ExprPtr BodyResolver::index(const syn::Expr& e) {
  const syn::Expr& operand = *e.operand;
  const std::size_t before = scope_.diags.reported();
  if (operand.kind == syn::ExprKind::Name && find_local(operand.name.text) != nullptr) {
    error(e.loc, fmt::format("'{}' is a local {}, not an array", operand.name.text,
                             program_.types.is_pointer(slot_type(find_local(operand.name.text)->slot)) ? "pointer" : "int"));
    return placeholder(e.loc);
  }
  ExprPtr base = expr(operand);
  if (scope_.diags.reported() > before || base->poisoned) return placeholder(e.loc);
  const Type& t = program_.types[base->type];
  if (t.kind != TypeKind::Array || !is_place(*base)) {
    const std::string shown = operand.kind == syn::ExprKind::Name ? fmt::format("'{}'", operand.name.text) : text_of(operand);
    const std::string what = base->kind == ExprKind::ModuleRef     ? std::string("a module")
                             : base->kind == ExprKind::FunctionRef ? std::string("a function")
                                                                   : scope_.describe_type(base->type);
    error(e.loc, fmt::format("{} is {}, not an array", shown, what));
    return placeholder(e.loc);
  }
  ExprPtr r = new_expr(ExprKind::Index, e.loc);
  r->type = t.target;
  r->operand = std::move(base);
  r->index = int_value(*e.index);
  r->text = text_of(e);
  return finish(std::move(r));
}

ExprPtr BodyResolver::unary(const syn::Expr& e) {
  ExprPtr r = new_expr(ExprKind::Unary, e.loc);
  r->unary_op = e.unary_op;
  r->operand = e.unary_op == UnaryOp::Not ? condition(*e.operand) : int_value(*e.operand);
  return finish(std::move(r));
}

ExprPtr BodyResolver::binary(const syn::Expr& e) {
  ExprPtr r = new_expr(ExprKind::Binary, e.loc);
  r->binary_op = e.binary_op;
  const Types& types = program_.types;
  switch (e.binary_op) {
    case BinaryOp::LogicalAnd: case BinaryOp::LogicalOr:
      r->lhs = condition(*e.lhs);
      r->rhs = condition(*e.rhs);
      break;
    case BinaryOp::Eq: case BinaryOp::Ne: {
      r->lhs = value(*e.lhs);
      r->rhs = value(*e.rhs);
      const bool pointers = types.is_pointer(r->lhs->type) || types.is_pointer(r->rhs->type);
      if (!pointers) break;
      if (convert(r->rhs, r->lhs->type) || convert(r->lhs, r->rhs->type)) break;
      error(e.loc, fmt::format("'{}' compares {} with {}", spelling(e.binary_op), scope_.type_name(r->lhs->type),
                               scope_.type_name(r->rhs->type)));
      break;
    }
    default:
      r->lhs = int_value(*e.lhs);
      r->rhs = int_value(*e.rhs);
      break;
  }
  return finish(std::move(r));
}

ExprPtr BodyResolver::conditional(const syn::Expr& e) {
  ExprPtr r = new_expr(ExprKind::Conditional, e.loc);
  r->cond = condition(*e.cond);
  r->lhs = value(*e.lhs);
  r->rhs = value(*e.rhs);
  if (r->lhs->poisoned || r->rhs->poisoned) {
    r->poisoned = true;
  } else if (convert(r->rhs, r->lhs->type) || convert(r->lhs, r->rhs->type)) {
    r->type = r->lhs->type;
  } else {
    error(e.loc, fmt::format("the two values of '?:' differ: {} and {}", scope_.type_name(r->lhs->type),
                             scope_.type_name(r->rhs->type)));
    r->poisoned = true;  // of no type: what uses it says nothing more
  }
  return finish(std::move(r));
}

ExprPtr BodyResolver::deref(const syn::Expr& e) {
  ExprPtr pointer = value(*e.operand);
  if (pointer->poisoned) return placeholder(e.loc);
  const Type& t = program_.types[pointer->type];
  if (t.kind != TypeKind::Pointer || t.target == kVoidStruct) {
    error(e.loc, fmt::format("'*' needs a pointer to a struct, but {} is {}", text_of(*e.operand),
                             scope_.type_name(pointer->type)));
    return placeholder(e.loc);
  }
  ExprPtr r = new_expr(ExprKind::Deref, e.loc);
  r->type = program_.types.struct_type(t.target);
  r->operand = std::move(pointer);
  r->text = text_of(e);
  return finish(std::move(r));
}

ExprPtr BodyResolver::address_of(const syn::Expr& e) {
  if (e.operand->kind == syn::ExprKind::Name && find_local(e.operand->name.text) == nullptr) {
    const Global* g = find_global(e.operand->name.text);
    if (g != nullptr && g->kind == GlobalKind::Function) return name(*e.operand);  // &f is f
  }
  ExprPtr place = expr(*e.operand);
  const Type& t = program_.types[place->type];
  if (!is_place(*place) || t.kind != TypeKind::Struct) {
    if (t.kind == TypeKind::Object) {
      error(e.loc, fmt::format("&{} is a {}: it is passed to builtins (mutex_lock(&p->lock)), it is not a value",
                               text_of(*e.operand), object_kind_name(t.object)));
    } else {
      error(e.loc, fmt::format("'&' takes the address of a struct, but {} is {}", text_of(*e.operand),
                               scope_.describe_type(place->type)));
    }
    return placeholder(e.loc);
  }
  if (place->kind == ExprKind::Deref) {  // &*p is p
    ExprPtr pointer = std::move(place->operand);
    return pointer;
  }
  ExprPtr r = new_expr(ExprKind::AddressOf, e.loc);
  r->type = program_.types.pointer_to(t.target);
  r->operand = std::move(place);
  return finish(std::move(r));
}

ExprPtr BodyResolver::cast(const syn::Expr& e) {
  const TypeId type = scope_.type_of(*e.type, "a cast");
  if (type == program_.types.void_type()) {
    error(e.loc, "a (void) cast is only allowed before a call whose result is dropped: (void)f();");
    return placeholder(e.loc);
  }
  return value_as(*e.operand, type, fmt::format("a cast to {}", scope_.type_name(type)));
}

ExprPtr BodyResolver::lvalue(const syn::Expr& e) {
  if (e.kind == syn::ExprKind::Name && find_local(e.name.text) == nullptr) {
    const Global* g = find_global(e.name.text);
    if (g != nullptr && g->kind != GlobalKind::Variable) {
      error(e.loc, fmt::format("cannot assign to '{}': it is {}", e.name.text, scope_.describe(*g)));
      return placeholder(e.loc);
    }
  }
  if (e.kind != syn::ExprKind::Name && e.kind != syn::ExprKind::Member && e.kind != syn::ExprKind::Index &&
      e.kind != syn::ExprKind::Deref) {
    error(e.loc, "cannot assign to this expression");
    return placeholder(e.loc);
  }
  const std::size_t before = scope_.diags.reported();
  ExprPtr r = expr(e);
  if (scope_.diags.reported() > before || r->poisoned) return placeholder(e.loc);
  if (!is_place(*r)) {
    error(e.loc, "cannot assign to this expression");
    return placeholder(e.loc);
  }
  if (!program_.types.is_scalar(r->type)) {
    const std::string shown = e.kind == syn::ExprKind::Name ? fmt::format("'{}'", e.name.text) : text_of(e);
    const std::string what = scope_.describe_type(r->type);
    if (what == "a shared int array") {
      error(e.loc, fmt::format("{} is a shared int array; use an element: {}[i]", shown, e.name.text));
    } else {
      error(e.loc, fmt::format("cannot assign to {}: it is {}", shown, what));
    }
    return placeholder(e.loc);
  }
  return r;
}

}  // namespace preempt::lang::detail
