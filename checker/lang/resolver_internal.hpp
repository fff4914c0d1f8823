#pragma once
// The resolver's shared parts: the global namespace (what each top-level name denotes), the
// declaration passes (Resolver: resolver.cpp, its types and constants: resolver_types.cpp) and the
// BodyResolver, which resolves one function, thread, init or final body against them
// (body_resolver.cpp: statements; expr_resolver.cpp: expressions; call_resolver.cpp: calls of
// functions and builtins). Private to the resolver: include resolver.hpp.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checker/lang/resolver.hpp"

namespace preempt::lang::detail {

namespace syn = syntax;
using syn::DeclKind;

// ---------------------------------------------------------------------------------------------
// Global names

enum class GlobalKind : uint8_t { Module, Variable, Function, Thread, Constant };

struct Global {
  GlobalKind kind = GlobalKind::Module;
  uint32_t index = 0;  // in its table of Program (Constant: in Scope::constants)
  SourceLoc loc;
};

// A constant (#define, enumerator): its value once evaluated.
struct Constant {
  std::string_view name;
  const syn::Expr* expr = nullptr;  // null: the previous enumerator + 1 (then `base`)
  int32_t base = -1;                // an enumerator without a value: the one before it, or -1
  enum class State : uint8_t { Unevaluated, Evaluating, Done } state = State::Unevaluated;
  int64_t value = 0;
  bool poisoned = false;            // its value had an error (a cycle, an undeclared name): what uses
                                    // it is not checked again
};

// Everything the passes and the bodies share about the program being resolved.
struct Scope {
  Program& program;
  Diagnostics& diags;
  std::unordered_map<std::string_view, Global> globals;
  std::unordered_map<std::string_view, uint32_t> structs;  // struct tag -> Program::structs
  std::vector<Constant> constants;
  bool record_names = false;  // note() fills Program::names

  void error(SourceLoc loc, std::string message) { diags.error(loc, std::move(message)); }
  // Records what `name` denotes at its position (Program::names, for editors).
  void note(const syn::Name& name, NameUse use) {
    if (!record_names || name.text.empty() || name.loc.line == 0) return;
    use.loc = name.loc;
    use.length = static_cast<uint32_t>(name.text.size());
    program.names.push_back(use);
  }
  // Records a use or the declaration of a global name (when record_names).
  void note(const syn::Name& name, const Global& g);
  [[nodiscard]] const Global* find(std::string_view name) const {
    auto it = globals.find(name);
    return it == globals.end() ? nullptr : &it->second;
  }
  // The value of constant `index`; a cycle or a non-constant is an error (then 0).
  int64_t constant(uint32_t index);
  // A constant expression (literals, #define and enum names, arithmetic); nullopt after an error.
  std::optional<int64_t> evaluate(const syn::Expr& e);
  // The type a TypeSyntax names; `what` says where, for messages. Errors go to diags (then int).
  TypeId type_of(const syn::TypeSyntax& t, std::string_view what);
  // An array type of `element` with the dimensions of `sizes` (checked: 1 .. kMaxArraySize).
  TypeId array_type(TypeId element, const std::vector<syn::ExprPtr>& sizes);
  // The struct the language provides for `name` (workqueue_struct, task_struct), declared on first
  // use; kNone for another name (deferred_resolver.cpp).
  uint32_t kernel_struct(std::string_view name);
  // "a shared int", "an array of mutexes", "a struct nbd_config", "a function", ...
  [[nodiscard]] std::string describe(const Global& g) const;
  [[nodiscard]] std::string describe_type(TypeId type) const;
  [[nodiscard]] std::string type_name(TypeId type) const { return program.type_name(type); }
};

// "12:5": a source position in a message.
std::string at(SourceLoc loc);
// "1 argument", "3 arguments".
std::string arguments(size_t n);
// Sets e's height from its children (the parser bounded the heights already).
ExprPtr finish(ExprPtr e);
ExprPtr new_expr(ExprKind kind, SourceLoc loc);
StmtPtr new_stmt(StmtKind kind, SourceLoc loc);
// The kernel object a `struct NAME` names (kref, kobject, completion, mutex), if any.
std::optional<ObjectKind> object_struct(std::string_view name);
// The structs the language provides, and the names of the system workqueues.
bool is_kernel_struct(std::string_view name);
bool is_system_workqueue(std::string_view name);
// The predefined constants: GFP flags, true and false.
std::optional<int64_t> predefined_constant(std::string_view name);

// ---------------------------------------------------------------------------------------------
// Declarations: the passes over the whole tree (resolver.cpp; the links between declarations and
// the initialisers of globals: resolver_links.cpp)

class Resolver {
 public:
  Resolver(const syn::Tree& tree, std::shared_ptr<const SourceFile> source, Diagnostics& diags,
           uint32_t prelude_line = 0, bool record_names = false)
      : tree_(tree), scope_{program_, diags, {}, {}, {}, record_names} {
    program_.source = std::move(source);
    program_.prelude_line = prelude_line;
  }

  Program run();

 private:
  void error(SourceLoc loc, std::string message) { scope_.error(loc, std::move(message)); }
  void declare(const syn::Decl& d);
  void declare_global(const syn::Name& name, Global g);
  void declare_struct(const syn::Decl& d);
  void declare_once(const syn::Decl& d, std::optional<SourceLoc>& first, std::string_view what);
  void declare_violation(const syn::Decl& d);
  void declare_executions(const syn::Decl& d);
  void declare_option(const syn::Decl& d);  // scenario_options.cpp
  void type_declaration(const syn::Decl& d);
  void layout_struct(uint32_t index);
  void link(const syn::Decl& d);
  void link_module_hook(const syn::Decl& d);
  void set_module_function(ModuleDecl& m, const syn::Name& name, bool exit);
  int32_t find_module(const syn::Name& name);
  int32_t find_function(const syn::Name& name, std::string_view role);
  void check_legacy_release(const syn::Decl& d, GlobalDecl& global);
  void check_field_release(const syn::Decl& field, Field& out, uint32_t struct_index);
  void initializer(const syn::InitSyntax& init, TypeId type, int32_t module, Initializer& out);
  void resolve_body(const syn::Decl& d);
  // A prototype must match its definition: result, parameters and module (after pass 4).
  void check_prototype(const syn::Decl& d);

  const syn::Tree& tree_;
  Program program_;
  Scope scope_;
  std::vector<uint32_t> table_index_;  // per declaration: its index in its table of Program
  std::vector<const syn::Decl*> struct_bodies_;  // per struct: its declaration with fields (or null)
  std::vector<uint8_t> layout_state_;            // per struct: 0 not laid out, 1 in progress, 2 done
  std::vector<uint32_t> nesting_;                // per struct laid out: 1 + the deepest struct it embeds
  std::optional<SourceLoc> title_, init_, final_, expectation_;
  uint64_t global_cells_ = 0;  // the cells of the globals typed so far
  uint64_t thread_total_ = 0;  // the threads declared so far
};


// ---------------------------------------------------------------------------------------------
// Bodies: locals, statements, expressions

enum class BodyKind : uint8_t { Function, Thread, ThreadArray, Init, Final };

// Resolves one body (function, thread, init or final) against the global names.
class BodyResolver {
 public:
  BodyResolver(Scope& scope, BodyKind kind, std::string owner, TypeId result, int32_t module)
      : scope_(scope), program_(scope.program), kind_(kind), owner_(std::move(owner)), result_(result),
        module_(module) {}

  Body resolve(const std::vector<syn::Param>& params, const std::vector<TypeId>& param_types, const syn::Stmt& block,
               SourceLoc end_loc);

 private:
  struct Binding {
    uint32_t slot;
    size_t scope;  // depth of the scope that declared it
    SourceLoc loc;
  };

  void error(SourceLoc loc, std::string message) { scope_.error(loc, std::move(message)); }
  void begin_scope() { scopes_.emplace_back(); }
  void end_scope();
  uint32_t declare_local(const syn::Name& name, TypeId type, std::string_view what);
  [[nodiscard]] const Binding* find_local(std::string_view name) const;
  [[nodiscard]] const Global* find_global(std::string_view name) const { return scope_.find(name); }
  [[nodiscard]] TypeId slot_type(uint32_t slot) const { return slot_types_[slot]; }

  // Statements (body_resolver.cpp)
  StmtPtr stmt(const syn::Stmt& s);
  StmtPtr block(const syn::Stmt& s);
  StmtPtr block_items(const syn::Stmt& s);
  StmtPtr local_decl(const syn::Stmt& s);
  StmtPtr assign(const syn::Stmt& s);
  StmtPtr if_stmt(const syn::Stmt& s);
  StmtPtr loop(const syn::Stmt& s);
  StmtPtr jump(const syn::Stmt& s);
  StmtPtr return_stmt(const syn::Stmt& s);
  StmtPtr condition_stmt(const syn::Stmt& s);

  // Expressions (expr_resolver.cpp)
  // Any expression: a place or a value, with its type.
  ExprPtr expr(const syn::Expr& e);
  // A value of a scalar type (a place of one is read); `context` names what wants it in messages.
  ExprPtr value(const syn::Expr& e);
  ExprPtr int_value(const syn::Expr& e);
  // A value converted to `type` (NULL to any pointer, a function to its pointer); errors say `what`.
  ExprPtr value_as(const syn::Expr& e, TypeId type, std::string_view what);
  // A condition: an int or a pointer (true when not NULL).
  ExprPtr condition(const syn::Expr& e);
  ExprPtr name(const syn::Expr& e);
  ExprPtr member(const syn::Expr& e);
  ExprPtr index(const syn::Expr& e);
  ExprPtr unary(const syn::Expr& e);
  ExprPtr binary(const syn::Expr& e);
  ExprPtr conditional(const syn::Expr& e);
  ExprPtr address_of(const syn::Expr& e);
  ExprPtr deref(const syn::Expr& e);
  ExprPtr cast(const syn::Expr& e);
  // The place `e` denotes, for an assignment or a builtin's object argument.
  ExprPtr lvalue(const syn::Expr& e);
  // Whether `r` (resolved) may be used where a value of `type` is wanted, converting NULL.
  bool convert(ExprPtr& r, TypeId type);
  // The source text of a place ("c->ref"), for traces.
  std::string text_of(const syn::Expr& e) const;

  // Calls (call_resolver.cpp)
  ExprPtr call(const syn::Expr& e, bool as_value);
  ExprPtr user_call(const syn::Expr& e, const Global& g, bool as_value);
  ExprPtr pointer_call(const syn::Expr& e, ExprPtr callee, bool as_value);
  ExprPtr builtin_call(const syn::Expr& e, Builtin builtin, bool as_value);
  ExprPtr object_argument(const syn::Expr& arg, ObjectKind kind, std::string_view builtin);
  ExprPtr module_argument(const syn::Expr& arg, std::string_view builtin);
  ExprPtr function_argument(const syn::Expr& arg, std::string_view builtin, const ExprPtr& object);
  int32_t named_function(const syn::Expr& arg, std::string_view builtin, std::string_view what);
  ExprPtr function_ref(SourceLoc loc, int32_t index);
  // Deferred execution (deferred_resolver.cpp): a workqueue or task pointer (q Q P), a thread
  // function (F), kfree_rcu(p, field), the kernel's macros that are their argument
  // (rcu_dereference, msecs_to_jiffies, ...) and rcu_assign_pointer(p, v) as `p = v`.
  ExprPtr kernel_pointer_argument(const syn::Expr& arg, char letter, std::string_view builtin);
  ExprPtr thread_function_argument(const syn::Expr& arg, std::string_view builtin);
  ExprPtr irq_handler_argument(const syn::Expr& arg, std::string_view builtin);
  ExprPtr kfree_rcu_call(const syn::Expr& e);
  // wait_event(wq, cond) and wait_event_interruptible(wq, cond): the head and a condition
  // (Expr::cond, its text in Expr::text), which the compiler makes the kernel's wait loop.
  ExprPtr wait_event_call(const syn::Expr& e, Builtin builtin, bool as_value);
  [[nodiscard]] std::string second_argument_text(const syn::Expr& call) const;
  [[nodiscard]] const syn::Expr* transparent_macro(const syn::Expr& call) const;
  StmtPtr assign_macro(const syn::Stmt& s);
  ExprPtr system_workqueue(SourceLoc loc);  // &system_wq (a hidden global, declared on first use)
  int32_t system_wq_global_ = -1;
  ExprPtr sizeof_argument(const syn::Expr& arg, std::string_view builtin);
  bool check_arity(const syn::Expr& e, std::string_view name, size_t expected);
  void check_release(const syn::Expr& arg, int32_t function, const ExprPtr& object, std::string_view builtin);
  // The int 0 that stands for an expression an error was reported about; checks of what uses it
  // stay silent (one error per cause).
  ExprPtr placeholder(SourceLoc loc) {
    ExprPtr r = new_expr(ExprKind::IntLit, loc);
    r->poisoned = true;
    return r;
  }

  Scope& scope_;
  Program& program_;
  BodyKind kind_;
  std::string owner_;  // "function 'f'", "thread 't'", "init", "final"
  TypeId result_;      // a function's result type (void for the others)
  int32_t module_;     // the module of its code (THIS_MODULE), or -1
  std::vector<std::string> slot_names_;
  std::vector<TypeId> slot_types_;
  std::unordered_map<std::string_view, std::vector<Binding>> locals_;  // innermost last
  std::vector<std::vector<std::string_view>> scopes_;                  // names each scope declared
  uint32_t loops_ = 0;     // enclosing while/for statements
  bool in_await_ = false;  // resolving the condition of an await
  // The local whose initialiser is being resolved: `struct foo *p = kzalloc(sizeof(*p), ...)`
  // names p in its own sizeof, as C allows.
  std::string_view declaring_name_;
  TypeId declaring_type_ = 0;
};

}  // namespace preempt::lang::detail
