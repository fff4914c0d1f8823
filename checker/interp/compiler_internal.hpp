#pragma once
// The bytecode compiler's class, shared by its source files: compiler.cpp (the driver, bodies,
// statements, loops), compile_layout.cpp (the ModelLayout: structs, globals, initial values) and
// compile_expr.cpp (expressions, places, calls). Private to the compiler: include bytecode.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "checker/interp/bytecode.hpp"

namespace preempt::interp::detail {

using namespace preempt::lang;  // the checked program's tree: Expr, Stmt, Body, ...

// Where a place is, at compile time: a constant address, or one the code has pushed.
struct Address {
  bool on_stack = false;
  Addr constant = 0;      // !on_stack: the address
  Target target;          // what it may name (access_summary.hpp)
};

class Compiler {
 public:
  explicit Compiler(const Program& program) : program_(program) {}
  CompiledScenario run();

 private:
  // Layout (compile_layout.cpp)
  void build_layout();
  uint32_t struct_info(uint32_t decl);
  void flatten(StructInfo& info, TypeId type, uint32_t container, uint32_t container_type, const std::string& path,
               FunctionId release);
  void add_global(const GlobalDecl& g);
  void initialize(Addr addr, TypeId type, const Initializer& init, int32_t module);
  [[nodiscard]] ObjectKind cell_kind(TypeId type) const;

  // Bodies and statements (compiler.cpp)
  CodeBody compile_body(const std::string& name, const Body& body, FunctionId f, TypeId result, uint32_t params);
  uint32_t add_solo(const char* name, const Body& body);
  // The init body: the modules' init functions, then `init { ... }` (none when there is neither).
  std::optional<uint32_t> add_init();
  void emit_module_inits();
  void statement(const Stmt& s);
  void assign(const Stmt& s);
  void spin_loop(const Stmt& s, uint32_t line);
  void loop(const Stmt* init, const Expr* cond, const Stmt* step, const Stmt& body, uint32_t line, std::string header);
  void await(const Stmt& s);

  // Expressions (compile_expr.cpp)
  void expression(const Expr& e);
  void logical(const Expr& e);
  void conditional(const Expr& e);
  void call_builtin(const Expr& e);
  // wait_event(wq, cond): the kernel's ___wait_event loop around the condition.
  void wait_event(const Expr& e);
  void wait_step(OpKind kind, const Expr& head, uint32_t text, uint32_t line);
  // Computes the address of a place: a constant, or code that pushes it.
  Address address(const Expr& e);
  void push(const Address& a, uint32_t line);
  // In an await condition: records code that pushes the address of `place` (AwaitSite::reads).
  void list_read(const Expr& place);
  void load(const Expr& place);
  [[nodiscard]] bool produces_value(const Expr& call) const;

  // Emitting
  std::size_t emit(Opcode op, uint32_t a, int64_t b, uint32_t line);
  // A visible memory step on `place`'s cell: its kind, source text and what it may name.
  void emit_on(Opcode op, uint32_t a, int64_t b, uint32_t line, const Target& target, ObjectKind kind,
               const std::string& text);
  [[nodiscard]] uint32_t here() const { return static_cast<uint32_t>(code_->size()); }
  void patch(std::size_t at, uint32_t target) { (*code_)[at].a = target; }
  uint32_t text_id(std::string text);
  uint32_t array_id(uint32_t size, uint32_t stride, std::string name);

  const Program& program_;
  CompiledScenario out_;
  std::vector<Instr>* code_ = nullptr;
  std::vector<Target>* targets_ = nullptr;
  bool module_inits_first_ = false;  // the next body compiled (init's) starts with the modules' inits
  AwaitSite* await_site_ = nullptr;  // compiling this await's condition: its loads' addresses are listed
  struct Loop {
    std::vector<std::size_t> breaks;
    std::vector<std::size_t> continues;
  };
  std::vector<Loop> loops_;
  std::vector<Addr> global_addr_;         // per GlobalDecl: its first cell
  std::vector<uint32_t> struct_info_;     // per StructDecl: its StructInfo in the layout (kNone: not yet)
  std::unordered_map<std::string, uint32_t> text_ids_;  // CompiledScenario::texts, by text
};

}  // namespace preempt::interp::detail
