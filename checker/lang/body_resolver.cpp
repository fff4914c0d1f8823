// The resolver, bodies: locals and their scopes, and statements.
#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"
#include "checker/rt/stop.hpp"

namespace preempt::lang::detail {

Body BodyResolver::resolve(const std::vector<syn::Param>& params, const std::vector<TypeId>& param_types,
                           const syn::Stmt& block, SourceLoc end_loc) {
  begin_scope();  // parameters share the scope of the body's outermost block, as in C
  for (std::size_t i = 0; i < params.size(); ++i) {
    declare_local(params[i].name, i < param_types.size() ? param_types[i] : program_.types.int_type(), "parameter");
  }
  Body body;
  body.block = block_items(block);
  end_scope();
  body.slot_count = static_cast<uint32_t>(slot_names_.size());
  body.slot_names = std::move(slot_names_);
  body.slot_types = std::move(slot_types_);
  body.end_loc = end_loc;
  return body;
}

void BodyResolver::end_scope() {
  for (std::string_view name : scopes_.back()) {
    auto it = locals_.find(name);
    if (it == locals_.end()) continue;  // cannot happen: the scope bound the name
    it->second.pop_back();
    if (it->second.empty()) locals_.erase(it);
  }
  scopes_.pop_back();
}

// A new slot for `name` in the innermost scope; redeclaring a name of the same scope is an error.
uint32_t BodyResolver::declare_local(const syn::Name& name, TypeId type, std::string_view what) {
  auto slot = static_cast<uint32_t>(slot_names_.size());
  slot_names_.emplace_back(name.text);
  slot_types_.push_back(type);
  if (name.text.empty()) return slot;  // an unnamed parameter
  scope_.note(name, NameUse{.kind = NameKind::Local, .type = type, .decl = name.loc});
  std::vector<Binding>& bindings = locals_[name.text];
  if (!bindings.empty() && bindings.back().scope == scopes_.size()) {
    error(name.loc, fmt::format("{} '{}' is already declared in this scope (at {})", what, name.text,
                                at(bindings.back().loc)));
    return slot;
  }
  bindings.push_back(Binding{slot, scopes_.size(), name.loc});
  scopes_.back().push_back(name.text);
  return slot;
}

const BodyResolver::Binding* BodyResolver::find_local(std::string_view name) const {
  auto it = locals_.find(name);
  return it == locals_.end() ? nullptr : &it->second.back();
}

// ---- statements

StmtPtr BodyResolver::stmt(const syn::Stmt& s) {
  poll_or_throw();
  switch (s.kind) {
    case StmtKind::Block: return block(s);
    case StmtKind::LocalDecl: return local_decl(s);
    case StmtKind::Assign: return assign(s);
    case StmtKind::If: return if_stmt(s);
    case StmtKind::While:
    case StmtKind::For: return loop(s);
    case StmtKind::Break:
    case StmtKind::Continue: return jump(s);
    case StmtKind::Return: return return_stmt(s);
    case StmtKind::ExprStmt: {
      if (StmtPtr assign = assign_macro(s)) return assign;
      StmtPtr r = new_stmt(StmtKind::ExprStmt, s.loc);
      r->value = call(*s.value, false);
      return r;
    }
    case StmtKind::Assert:
    case StmtKind::Assume:
    case StmtKind::Await: return condition_stmt(s);
    case StmtKind::Schedule:
    case StmtKind::DoExit: return new_stmt(s.kind, s.loc);
  }
  return new_stmt(StmtKind::Block, s.loc);
}

StmtPtr BodyResolver::block(const syn::Stmt& s) {
  begin_scope();
  StmtPtr r = block_items(s);
  end_scope();
  return r;
}

// The statements of a block, in the current scope.
StmtPtr BodyResolver::block_items(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::Block, s.loc);
  r->children.reserve(s.children.size());
  for (const syn::StmtPtr& child : s.children) {
    if (scope_.diags.full()) break;
    r->children.push_back(stmt(*child));
  }
  return r;
}

StmtPtr BodyResolver::local_decl(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::LocalDecl, s.loc);
  TypeId type = scope_.type_of(s.type, fmt::format("local '{}'", s.name.text));
  if (!program_.types.is_scalar(type)) {
    const Type& t = program_.types[type];
    if (t.kind == TypeKind::Void) {
      error(s.type.loc, fmt::format("local '{}' cannot be void", s.name.text));
    } else {
      error(s.type.loc, fmt::format("local '{}' cannot be {}: a local is an int or a pointer (declare objects and "
                                    "structs as globals, or allocate them with kzalloc)",
                                    s.name.text, scope_.describe_type(type)));
    }
    type = program_.types.int_type();
  }
  // The initialiser is resolved before the name is in scope: `int x = x;` reads an outer x.
  declaring_name_ = s.name.text;
  declaring_type_ = type;
  if (s.value) r->value = value_as(*s.value, type, fmt::format("the initial value of '{}'", s.name.text));
  declaring_name_ = {};
  r->slot = declare_local(s.name, type, "local");
  return r;
}

StmtPtr BodyResolver::assign(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::Assign, s.loc);
  r->assign_op = s.assign_op;
  r->target = lvalue(*s.target);
  if (r->target->poisoned) {  // reported: the value is resolved for its own errors only
    r->value = expr(*s.value);
    return r;
  }
  const TypeId type = r->target->type;
  if (s.assign_op != AssignOp::Set && type != program_.types.int_type()) {
    const bool step = s.value->text == "++" || s.value->text == "--";  // p++, --p
    error(s.loc, fmt::format("{} works on ints, but {} is {}{}", step ? s.value->text : spelling(s.assign_op),
                             text_of(*s.target), scope_.type_name(type),
                             program_.types.is_pointer(type) ? " (pointer arithmetic is not modelled)" : ""));
    r->value = placeholder(s.loc);
    return r;
  }
  r->value = value_as(*s.value, type, fmt::format("the value assigned to {}", text_of(*s.target)));
  return r;
}

StmtPtr BodyResolver::if_stmt(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::If, s.loc);
  r->cond = condition(*s.cond);
  r->then_branch = stmt(*s.then_branch);
  if (s.else_branch) r->else_branch = stmt(*s.else_branch);
  return r;
}

// While and For; a For's init declares its local in a scope around the whole loop.
StmtPtr BodyResolver::loop(const syn::Stmt& s) {
  StmtPtr r = new_stmt(s.kind, s.loc);
  begin_scope();
  if (s.init) r->init = stmt(*s.init);
  if (s.cond) r->cond = condition(*s.cond);
  if (s.step) r->step = stmt(*s.step);
  ++loops_;
  r->body = stmt(*s.body);
  --loops_;
  end_scope();
  return r;
}

StmtPtr BodyResolver::jump(const syn::Stmt& s) {
  if (loops_ == 0) error(s.loc, fmt::format("'{}' outside a loop", spelling(s.kind)));
  return new_stmt(s.kind, s.loc);
}

StmtPtr BodyResolver::return_stmt(const syn::Stmt& s) {
  StmtPtr r = new_stmt(StmtKind::Return, s.loc);
  const bool function = kind_ == BodyKind::Function;
  const bool returns_value = function && result_ != program_.types.void_type();
  if (returns_value && !s.value) {
    error(s.loc, fmt::format("'return' without a value in {} {}",
                             result_ == program_.types.int_type() ? "int" : scope_.type_name(result_), owner_));
  } else if (!returns_value && s.value) {
    error(s.loc, fmt::format("'return' with a value in {}{}", function ? "void " : "", owner_));
  }
  if (s.value) {
    r->value = returns_value ? value_as(*s.value, result_, fmt::format("the value {} returns", owner_)) : value(*s.value);
  }
  return r;
}

// assert(e); assume(e); await(e);
StmtPtr BodyResolver::condition_stmt(const syn::Stmt& s) {
  StmtPtr r = new_stmt(s.kind, s.loc);
  in_await_ = s.kind == StmtKind::Await;
  r->cond = condition(*s.cond);
  in_await_ = false;
  return r;
}

}  // namespace preempt::lang::detail
