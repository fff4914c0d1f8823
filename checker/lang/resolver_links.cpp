// The resolver, links: the names declarations refer to (exit, init and release functions,
// `in MODULE`), the initial values of globals, and the bodies.
#include <algorithm>

#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"

namespace preempt::lang::detail {

// A module's exit (exit: true) or init function, named in its declaration or by module_exit(F) /
// module_init(F).
void Resolver::set_module_function(ModuleDecl& m, const syn::Name& name, bool exit) {
  const Types& types = program_.types;
  const int32_t f = find_function(name, exit ? "exit function" : "init function");
  const FunctionDecl* fn = f < 0 ? nullptr : &program_.functions[static_cast<size_t>(f)];
  if (exit && fn != nullptr && (fn->returns_value() || !fn->params.empty())) {
    error(name.loc, fmt::format("exit function '{}' of module '{}' must be void and take no parameters", fn->name,
                                m.name));
  }
  if (!exit && fn != nullptr && (!fn->params.empty() || (fn->result != types.int_type() && fn->returns_value()))) {
    error(name.loc, fmt::format("init function '{}' of module '{}' must take no parameters and return int "
                                "(0 or a negative errno) or void",
                                fn->name, m.name));
  }
  int32_t& slot = exit ? m.exit_function : m.init_function;
  if (slot >= 0 && f >= 0 && slot != f) {
    error(name.loc, fmt::format("module '{}' already has an {} function, '{}'", m.name, exit ? "exit" : "init",
                                program_.functions[static_cast<size_t>(slot)].name));
    return;
  }
  slot = f;
}

// `module_init(F);` / `module_exit(F);`: F's module gets it, as `module NAME init F exit G;` does.
void Resolver::link_module_hook(const syn::Decl& d) {
  const bool exit = !d.function.text.empty();
  const syn::Name& name = exit ? d.function : d.init;
  if (name.text.empty()) return;  // a parse error
  const int32_t f = find_function(name, exit ? "exit function" : "init function");
  if (f < 0) return;
  const FunctionDecl& fn = program_.functions[static_cast<size_t>(f)];
  if (fn.module < 0) {
    error(name.loc, fmt::format("{}({}): function '{}' is not in a module; declare it `in NAME` after `module NAME;`",
                                exit ? "module_exit" : "module_init", fn.name, fn.name));
    return;
  }
  set_module_function(program_.modules[static_cast<size_t>(fn.module)], name, exit);
}

// Pass 4: the names a declaration refers to: exit, init and release functions, `in MODULE`,
// initial values; a prototype's definition.
void Resolver::link(const syn::Decl& d) {
  const uint32_t index = table_index_[static_cast<size_t>(&d - tree_.decls.data())];
  const Types& types = program_.types;
  switch (d.kind) {
    case DeclKind::Module: {
      ModuleDecl& m = program_.modules[index];
      if (!d.function.text.empty()) set_module_function(m, d.function, true);
      if (!d.init.text.empty()) set_module_function(m, d.init, false);
      break;
    }
    case DeclKind::Variable: {
      GlobalDecl& g = program_.globals[index];
      g.module = find_module(d.module);
      const Type* element = &types[g.type];
      if (element->kind == TypeKind::Array) element = &types[element->target];
      const bool kobject = element->kind == TypeKind::Object && element->object == ObjectKind::Kobject;
      if (!d.function.text.empty()) {
        if (kobject) {
          check_legacy_release(d, g);
        } else {
          error(d.function.loc, fmt::format("only a kobject has a release function, not {}", scope_.describe_type(g.type)));
        }
      }
      initializer(d.initializer, g.type, g.module, g.init);
      break;
    }
    case DeclKind::Struct: {
      if (!d.complete || index >= struct_bodies_.size() || struct_bodies_[index] != &d) break;
      StructDecl& s = program_.structs[index];
      for (std::size_t f = 0; f < d.fields.size() && f < s.fields.size(); ++f) {
        if (!d.fields[f].function.text.empty()) {
          check_field_release(d.fields[f], s.fields[f], index);
          continue;
        }
        const Type* t = &program_.types[s.fields[f].type];
        if (t->kind == TypeKind::Array) t = &program_.types[t->target];
        // A warning, not an error: a kobject without release is a real kernel bug that scenarios
        // model (scenarios/module-mkobj-release/buggy.scn: module_ktype had no .release).
        if (t->kind == TypeKind::Object && t->object == ObjectKind::Kobject) {
          scope_.diags.warning(d.fields[f].name.loc,
                               fmt::format("field '{}' of struct {} is a kobject without a release method: its last "
                                           "kobject_put calls nothing (the kernel says such a kobject \"is broken\"); "
                                           "write `struct kobject {} release FUNC;`",
                                           d.fields[f].name.text, s.name, d.fields[f].name.text));
        }
      }
      break;
    }
    case DeclKind::Function: {
      if (d.body) {
        program_.functions[index].module = find_module(d.module);
        break;
      }
      const Global* g = scope_.find(d.name.text);
      if (g == nullptr || g->kind != GlobalKind::Function) {
        error(d.name.loc, fmt::format("function '{}' is declared but never defined", d.name.text));
      }
      break;
    }
    case DeclKind::Thread: program_.threads[index].module = find_module(d.module); break;
    default: break;
  }
}

// The module named by `in NAME`, or -1 when there is no `in`.
int32_t Resolver::find_module(const syn::Name& name) {
  if (name.text.empty()) return -1;
  const Global* g = scope_.find(name.text);
  if (g == nullptr) {
    error(name.loc, fmt::format("undeclared module '{}'", name.text));
  } else if (scope_.note(name, *g); g->kind != GlobalKind::Module) {
    error(name.loc, fmt::format("'{}' is {}, not a module", name.text, scope_.describe(*g)));
  } else {
    return static_cast<int32_t>(g->index);
  }
  return -1;
}

// The function named as a module's exit function or a kobject's release function, or -1.
int32_t Resolver::find_function(const syn::Name& name, std::string_view role) {
  const Global* g = scope_.find(name.text);
  if (g == nullptr) {
    error(name.loc, fmt::format("undeclared {} '{}'", role, name.text));
  } else if (scope_.note(name, *g); g->kind != GlobalKind::Function) {
    error(name.loc, fmt::format("{} '{}' is {}, not a function", role, name.text, scope_.describe(*g)));
  } else {
    return static_cast<int32_t>(g->index);
  }
  return -1;
}

// A global kobject's release method: void, no parameter -- or, for an array, the element's index.
void Resolver::check_legacy_release(const syn::Decl& d, GlobalDecl& global) {
  const int32_t f = find_function(d.function, "release function");
  global.release_function = f;
  if (f < 0) return;
  const FunctionDecl& fn = program_.functions[static_cast<size_t>(f)];
  const bool array = program_.types[global.type].kind == TypeKind::Array;
  if (fn.returns_value()) {
    error(d.function.loc, fmt::format("release function '{}' must be void", fn.name));
  } else if (!array && !fn.params.empty()) {
    error(d.function.loc,
          fmt::format("release function '{}' of kobject '{}' must take no parameters", fn.name, d.name.text));
  } else if (fn.params.size() > 1 || (fn.params.size() == 1 && fn.params[0] != program_.types.int_type())) {
    error(d.function.loc, fmt::format("release function '{}' of kobject array '{}' must take no parameter or one (the "
                                      "element index)",
                                      fn.name, d.name.text));
  }
}

// A kobject field's release method gets the struct that holds the kobject.
void Resolver::check_field_release(const syn::Decl& field, Field& out, uint32_t struct_index) {
  const Type& t = program_.types[out.type];
  const StructDecl& s = program_.structs[struct_index];
  if (t.kind != TypeKind::Object || t.object != ObjectKind::Kobject) {
    error(field.function.loc, fmt::format("only a kobject has a release function, not field '{}' of struct {}",
                                          field.name.text, s.name));
    return;
  }
  const int32_t f = find_function(field.function, "release function");
  out.release = f;
  if (f < 0) return;
  const FunctionDecl& fn = program_.functions[static_cast<size_t>(f)];
  const TypeId wanted = program_.types.pointer_to(struct_index);
  if (fn.returns_value() || fn.params.size() != 1 ||
      (fn.params[0] != wanted && fn.params[0] != program_.types.pointer_to(kVoidStruct))) {
    error(field.function.loc, fmt::format("release function '{}' of field '{}' must be void and take the struct that "
                                          "holds it: void {}(struct {} *)",
                                          fn.name, field.name.text, fn.name, s.name));
  }
}

// The initial value of a global (or of a field of one) of `type`; `module` is the module whose data
// it is (THIS_MODULE there), or -1.
void Resolver::initializer(const syn::InitSyntax& init, TypeId type, int32_t module, Initializer& out) {
  out.loc = init.loc;
  if (!init.value && init.fields.empty()) return;
  Types& types = program_.types;
  const Type& t = types[type];
  if (t.kind == TypeKind::Struct) {
    if (init.value) {
      error(init.loc, fmt::format("a struct {} is initialised field by field: {{ .name = value, ... }}",
                                  program_.structs[t.target].name));
      return;
    }
    out.kind = Initializer::Kind::Fields;
    const StructDecl& s = program_.structs[t.target];
    for (const syn::FieldInitSyntax& designated : init.fields) {
      const syn::Name& name = designated.first;
      const syn::InitSyntax& value = designated.second;
      const auto field = std::find_if(s.fields.begin(), s.fields.end(), [&](const Field& f) { return f.name == name.text; });
      if (field == s.fields.end()) {
        error(name.loc, fmt::format("struct {} has no field '{}'", s.name, name.text));
        continue;
      }
      const auto index = static_cast<uint32_t>(field - s.fields.begin());
      scope_.note(name, NameUse{.kind = NameKind::Field, .index = static_cast<int32_t>(t.target), .field = index,
                                .decl = field->loc});
      for (const auto& [earlier, unused] : out.fields) {
        if (earlier == index) error(name.loc, fmt::format("field '{}' is initialised twice", name.text));
      }
      Initializer part;
      initializer(value, field->type, module, part);
      out.fields.emplace_back(index, std::move(part));
    }
    return;
  }
  if (!init.value) {
    error(init.loc, fmt::format("{} cannot be initialised with {{ ... }}", scope_.describe_type(type)));
    return;
  }
  const syn::Expr& e = *init.value;
  const bool is_name = e.kind == syn::ExprKind::Name;
  const Global* g = is_name ? scope_.find(e.name.text) : nullptr;
  if (g != nullptr && g->kind != GlobalKind::Constant) scope_.note(e.name, *g);  // constants: evaluate() notes them
  switch (t.kind) {
    case TypeKind::Int:
      if (const auto v = scope_.evaluate(e)) {
        out.kind = Initializer::Kind::Int;
        out.value = *v;
      }
      return;
    case TypeKind::Object:
      if (t.object == ObjectKind::Int) {  // atomic_t
        if (const auto v = scope_.evaluate(e)) {
          out.kind = Initializer::Kind::Int;
          out.value = *v;
        }
        return;
      }
      error(init.loc, fmt::format("a {} cannot have an initial value: it starts as the kernel's does", object_kind_name(t.object)));
      return;
    case TypeKind::Pointer: case TypeKind::Function: case TypeKind::Module:
      break;
    default:
      error(init.loc, fmt::format("{} cannot have an initial value", scope_.describe_type(type)));
      return;
  }
  if (is_name && g == nullptr && e.name.text == "NULL") {
    out.kind = Initializer::Kind::Null;
    return;
  }
  if (t.kind == TypeKind::Module && is_name && g == nullptr && e.name.text == "THIS_MODULE") {
    out.kind = module < 0 ? Initializer::Kind::Null : Initializer::Kind::Module;
    out.value = module;
    return;
  }
  if (t.kind == TypeKind::Module && g != nullptr && g->kind == GlobalKind::Module) {
    out.kind = Initializer::Kind::Module;
    out.value = g->index;
    return;
  }
  if (t.kind == TypeKind::Function && g != nullptr && g->kind == GlobalKind::Function) {
    FunctionDecl& f = program_.functions[g->index];
    Signature signature{f.result, f.params};
    if (types.function_pointer(signature) != type) {
      error(e.loc, fmt::format("'{}' is a function of type {}, not {}", f.name, scope_.type_name(types.function_pointer(signature)),
                               scope_.type_name(type)));
      return;
    }
    f.address_taken = true;
    out.kind = Initializer::Kind::Function;
    out.value = g->index;
    return;
  }
  if (t.kind == TypeKind::Pointer && e.kind == syn::ExprKind::AddressOf && e.operand->kind == syn::ExprKind::Name) {
    const Global* target = scope_.find(e.operand->name.text);
    if (target != nullptr) scope_.note(e.operand->name, *target);
    if (target != nullptr && target->kind == GlobalKind::Variable) {
      const Type& tt = types[program_.globals[target->index].type];
      if (tt.kind == TypeKind::Struct && (tt.target == t.target || t.target == kVoidStruct)) {
        out.kind = Initializer::Kind::AddressOf;
        out.value = target->index;
        return;
      }
    }
  }
  error(e.loc, fmt::format("the initial value of {} must be NULL{}", scope_.type_name(type),
                           t.kind == TypeKind::Function ? ", or a function of that type"
                           : t.kind == TypeKind::Module ? ", THIS_MODULE or a module's name"
                                                        : ", or the address of a global struct of that type"));
}

// Pass 5: the bodies of functions, threads, init and final.
void Resolver::resolve_body(const syn::Decl& d) {
  const uint32_t index = table_index_[static_cast<size_t>(&d - tree_.decls.data())];
  const Types& types = program_.types;
  switch (d.kind) {
    case DeclKind::Function: {
      if (!d.body) {
        check_prototype(d);
        break;
      }
      FunctionDecl& f = program_.functions[index];
      BodyResolver body(scope_, BodyKind::Function, fmt::format("function '{}'", f.name), f.result, f.module);
      f.body = body.resolve(d.params, f.params, *d.body, d.end_loc);
      break;
    }
    case DeclKind::Thread: {
      ThreadDecl& t = program_.threads[index];
      BodyResolver body(scope_, t.count ? BodyKind::ThreadArray : BodyKind::Thread, fmt::format("thread '{}'", t.name),
                        types.void_type(), t.module);
      t.body = body.resolve({}, {}, *d.body, d.end_loc);
      break;
    }
    case DeclKind::Init:
      if (!program_.init) {
        BodyResolver body(scope_, BodyKind::Init, "init", types.void_type(), -1);
        program_.init = body.resolve({}, {}, *d.body, d.end_loc);
      }
      break;
    case DeclKind::Final:
      if (!program_.final) {
        BodyResolver body(scope_, BodyKind::Final, "final", types.void_type(), -1);
        program_.final = body.resolve({}, {}, *d.body, d.end_loc);
      }
      break;
    default: break;
  }
}

void Resolver::check_prototype(const syn::Decl& d) {
  const Global* g = scope_.find(d.name.text);
  if (g == nullptr || g->kind != GlobalKind::Function) return;  // reported by link()
  const FunctionDecl& f = program_.functions[g->index];
  const std::size_t before = scope_.diags.reported();
  const TypeId result = scope_.type_of(d.type, fmt::format("the result of '{}'", d.name.text));
  std::vector<TypeId> params;
  for (const syn::Param& p : d.params) params.push_back(scope_.type_of(p.type, fmt::format("parameter '{}'", p.name.text)));
  // a prototype without `in MODULE` does not say where the code is (as a C prototype)
  const int32_t module = d.module.text.empty() ? f.module : find_module(d.module);
  if (scope_.diags.reported() > before) return;
  if (result == f.result && params == f.params && module == f.module) return;
  const auto signature = [&](TypeId r, const std::vector<TypeId>& ps, int32_t m) {
    std::string list;
    for (const TypeId p : ps) list += (list.empty() ? "" : ", ") + scope_.type_name(p);
    return fmt::format("{} {}({}){}", scope_.type_name(r), d.name.text, list.empty() ? "void" : list,
                       m < 0 ? std::string(" (built-in code)") : " in " + program_.modules[static_cast<size_t>(m)].name);
  };
  error(f.loc, fmt::format("the definition of '{}' does not match its prototype at {}: {}, but the prototype says {}",
                           d.name.text, at(d.name.loc), signature(f.result, f.params, f.module),
                           signature(result, params, module)));
}

}  // namespace preempt::lang::detail
