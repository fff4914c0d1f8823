#include "checker/lang/ast.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace preempt::lang {

namespace {

#define PREEMPT_SPELLING(Enumerator, spelling) std::string_view(spelling),
constexpr std::array kExprKindSpellings = {PREEMPT_EXPR_KINDS(PREEMPT_SPELLING)};
constexpr std::array kUnaryOpSpellings = {PREEMPT_UNARY_OPS(PREEMPT_SPELLING)};
constexpr std::array kBinaryOpSpellings = {PREEMPT_BINARY_OPS(PREEMPT_SPELLING)};
constexpr std::array kStmtKindSpellings = {PREEMPT_STMT_KINDS(PREEMPT_SPELLING)};
constexpr std::array kAssignOpSpellings = {PREEMPT_ASSIGN_OPS(PREEMPT_SPELLING)};
#undef PREEMPT_SPELLING

template <typename Enum, size_t N>
std::string_view lookup(const std::array<std::string_view, N>& table, Enum e) {
  return table[static_cast<size_t>(e)];
}

}  // namespace

std::optional<Builtin> find_builtin(std::string_view name) {
  Builtin op{};
  if (!preempt::find_builtin_op(name, &op)) return std::nullopt;
  return op;
}

std::string_view spelling(ObjectKind kind) { return object_kind_info(kind).name; }
std::string_view spelling(ExprKind kind) { return lookup(kExprKindSpellings, kind); }
std::string_view spelling(UnaryOp op) { return lookup(kUnaryOpSpellings, op); }
std::string_view spelling(BinaryOp op) { return lookup(kBinaryOpSpellings, op); }
std::string_view spelling(StmtKind kind) { return lookup(kStmtKindSpellings, kind); }
std::string_view spelling(AssignOp op) { return lookup(kAssignOpSpellings, op); }

std::optional<ObjectKind> object_kind_of_letter(char letter) {
  const std::optional<ObjectKind> kind = preempt::object_kind_of_letter(letter);
  if (!kind || *kind == ObjectKind::Int) return std::nullopt;  // I: a shared int, not an object
  return kind;
}

bool is_place(const Expr& e) {
  return e.kind == ExprKind::Local || e.kind == ExprKind::Global || e.kind == ExprKind::Field ||
         e.kind == ExprKind::Index || e.kind == ExprKind::Deref;
}

std::string_view Program::source_line(uint32_t line) const {
  return source ? source->line(line) : std::string_view();
}

std::string_view Program::scenario_text() const {
  if (!source) return {};
  const std::string_view text = source->text();
  if (prelude_line == 0) return text;
  // The scenario's lines end at the newline that ends line prelude_line - 1, appended before the
  // prelude: its (prelude_line - 1)-th newline.
  std::size_t end = std::string_view::npos;
  for (uint32_t line = 1; line < prelude_line; ++line) {
    end = text.find('\n', end == std::string_view::npos ? 0 : end + 1);
    if (end == std::string_view::npos) return text;
  }
  return text.substr(0, end);
}

std::string_view Program::path() const {
  return source ? std::string_view(source->path()) : std::string_view();
}

// ---------------------------------------------------------------------------------------------
// dump(): the format, by example
//   expressions:  5   x#0 (local x in slot 0)   g   a[i#1]   self   (- e)   (+ l r)   (? c a b)
//                 (call f args...)   (call* p->done args...)   (kobject_put k)   (complete c[0])
//                 p#0->flags (a field through a pointer)   cfg.lock   (* p#0)   (& cfg)   &f (a
//                 function)   module:dm   NULL   sizeof(struct s)   "name" (a string)
//   statements, one per line, children indented by two spaces:
//     block / local x#0 = e / assign g += e / if c, its branch, "else", its branch /
//     while c / for (init; cond; step) / break / continue / return e / e (a call) /
//     assert c / assume c / await c / schedule / do_exit
//   declarations, one per line, bodies below them.

namespace {

class Dumper {
 public:
  explicit Dumper(const Program& program) : p_(program) {}

  std::string expr(const Expr& e, const std::vector<std::string>* slots) {
    switch (e.kind) {
      case ExprKind::IntLit: return fmt::format("{}", e.value);
      case ExprKind::Local:
        return fmt::format("{}#{}", slots && e.slot < slots->size() ? (*slots)[e.slot] : "",
                           e.slot);
      case ExprKind::Global: return p_.globals.at(static_cast<size_t>(e.decl)).name;
      case ExprKind::Self: return "self";
      case ExprKind::Conditional:
        return fmt::format("(? {} {} {})", expr(*e.cond, slots), expr(*e.lhs, slots), expr(*e.rhs, slots));
      case ExprKind::CallPointer: return call(fmt::format("call* {}", expr(*e.operand, slots)), e, slots);
      case ExprKind::Field: {
        const StructDecl& s = p_.structs.at(p_.types[e.operand->type].target);
        const std::string& field = s.fields.at(e.field).name;
        if (e.operand->kind == ExprKind::Deref) return fmt::format("{}->{}", expr(*e.operand->operand, slots), field);
        return fmt::format("{}.{}", expr(*e.operand, slots), field);
      }
      case ExprKind::Index: return fmt::format("{}[{}]", expr(*e.operand, slots), expr(*e.index, slots));
      case ExprKind::Deref: return fmt::format("(* {})", expr(*e.operand, slots));
      case ExprKind::AddressOf: return fmt::format("(& {})", expr(*e.operand, slots));
      case ExprKind::FunctionRef: return "&" + p_.functions.at(static_cast<size_t>(e.decl)).name;
      case ExprKind::ModuleRef: return e.decl < 0 ? "NULL" : "module:" + p_.modules.at(static_cast<size_t>(e.decl)).name;
      case ExprKind::Null: return "NULL";
      case ExprKind::SizeOf: return fmt::format("sizeof(struct {})", p_.structs.at(static_cast<size_t>(e.decl)).name);
      case ExprKind::String: return fmt::format("\"{}\"", e.text);
      case ExprKind::Unary:
        return fmt::format("({} {})", spelling(e.unary_op), expr(*e.operand, slots));
      case ExprKind::Binary:
        return fmt::format("({} {} {})", spelling(e.binary_op), expr(*e.lhs, slots),
                           expr(*e.rhs, slots));
      case ExprKind::CallUser:
        return call(fmt::format("call {}", p_.functions.at(static_cast<size_t>(e.decl)).name), e, slots);
      case ExprKind::CallBuiltin: return call(std::string(op_info(e.builtin).name), e, slots);
    }
    return "?";
  }

  void stmt(const Stmt& s, int indent, const std::vector<std::string>* slots) {
    out_ += std::string(static_cast<size_t>(indent), ' ');
    out_ += line(s, slots);
    out_ += '\n';
    switch (s.kind) {
      case StmtKind::Block:
        for (const StmtPtr& child : s.children) stmt(*child, indent + 2, slots);
        break;
      case StmtKind::If:
        stmt(*s.then_branch, indent + 2, slots);
        if (s.else_branch) {
          out_.append(static_cast<size_t>(indent), ' ');
          out_ += "else\n";
          stmt(*s.else_branch, indent + 2, slots);
        }
        break;
      case StmtKind::While:
      case StmtKind::For: stmt(*s.body, indent + 2, slots); break;
      case StmtKind::LocalDecl:
      case StmtKind::Assign:
      case StmtKind::Break:
      case StmtKind::Continue:
      case StmtKind::Return:
      case StmtKind::ExprStmt:
      case StmtKind::Assert:
      case StmtKind::Assume:
      case StmtKind::Await:
      case StmtKind::Schedule:
      case StmtKind::DoExit: break;
    }
  }

  std::string program() {
    if (!p_.title.empty()) out_ += fmt::format("scenario \"{}\"\n", p_.title);
    for (const ModuleDecl& m : p_.modules) {
      out_ += fmt::format("module {}{}{}{}\n", m.name, suffix(" init ", m.init_function), suffix(" exit ", m.exit_function),
                         m.loaded_by_call ? " (loaded by load_module)" : "");
    }
    for (const StructDecl& s : p_.structs) {
      if (s.builtin) continue;  // the language's own
      out_ += fmt::format("struct {}{}\n", s.name, s.complete ? fmt::format(" cells={}", s.cells) : " (incomplete)");
      for (const Field& f : s.fields) {
        out_ += fmt::format("  {} {} @{}{}\n", p_.type_name(f.type), f.name, f.offset, suffix(" release ", f.release));
      }
    }
    for (const GlobalDecl& g : p_.globals) {
      out_ += fmt::format("{} {}{}{}{}\n", p_.type_name(g.type), g.name, in_module(g.module),
                          suffix(" release ", g.release_function), initial(g.init, g.type));
    }
    for (const FunctionDecl& f : p_.functions) {
      std::string params;
      for (TypeId t : f.params) params += (params.empty() ? "" : ", ") + p_.type_name(t);
      body(fmt::format("{} {}({}){}", p_.type_name(f.result), f.name, params, in_module(f.module)), f.body);
    }
    if (p_.init) body("init", *p_.init);
    if (p_.final) body("final", *p_.final);
    for (const ThreadDecl& t : p_.threads) {
      body(fmt::format("thread {}{}{}", t.name, t.count ? fmt::format("[{}]", t.count) : "", in_module(t.module)),
           t.body);
    }
    expectations();
    return std::move(out_);
  }

 private:
  // " exit f", " release f" for function `index`; empty for -1.
  std::string suffix(std::string_view word, int32_t index) const {
    if (index < 0) return {};
    return fmt::format("{}{}", word, p_.functions.at(static_cast<size_t>(index)).name);
  }
  std::string in_module(int32_t index) const {
    if (index < 0) return {};
    return fmt::format(" in {}", p_.modules.at(static_cast<size_t>(index)).name);
  }

  // " = 5", " = { .owner = module:nbd, .open = &nbd_open }": a global's initial value.
  // `type`: the initialised object's (a struct's fields are named from it).
  std::string initial(const Initializer& init, TypeId type) const {
    switch (init.kind) {
      case Initializer::Kind::None: return {};
      case Initializer::Kind::Int: return fmt::format(" = {}", init.value);
      case Initializer::Kind::Null: return " = NULL";
      case Initializer::Kind::Function: return " = &" + p_.functions.at(static_cast<size_t>(init.value)).name;
      case Initializer::Kind::Module: return " = module:" + p_.modules.at(static_cast<size_t>(init.value)).name;
      case Initializer::Kind::AddressOf: return " = &" + p_.globals.at(static_cast<size_t>(init.value)).name;
      case Initializer::Kind::Fields: {
        const Type& t = p_.types[type];
        const StructDecl* s = t.kind == TypeKind::Struct ? &p_.structs.at(t.target) : nullptr;
        std::string out = " = {";
        for (const auto& [field, value] : init.fields) {
          const bool named = s != nullptr && field < s->fields.size();
          out += fmt::format("{} .{}{}", out.size() > 4 ? "," : "", named ? s->fields[field].name : std::to_string(field),
                             initial(value, named ? s->fields[field].type : type));
        }
        return out + " }";
      }
    }
    return {};
  }

  std::string call(std::string head, const Expr& e, const std::vector<std::string>* slots) {
    for (const ExprPtr& a : e.args) {
      head += ' ';
      head += expr(*a, slots);
    }
    if (e.cond) head += ' ' + expr(*e.cond, slots);  // wait_event's condition
    return fmt::format("({})", head);
  }

  // The first line of a statement (its children follow on their own lines).
  std::string line(const Stmt& s, const std::vector<std::string>* slots) {
    auto opt = [&](const ExprPtr& e) {
      return e ? fmt::format(" {}", expr(*e, slots)) : std::string();
    };
    switch (s.kind) {
      case StmtKind::LocalDecl:
        return fmt::format("local {}#{}{}", slots && s.slot < slots->size() ? (*slots)[s.slot] : "",
                           s.slot, s.value ? fmt::format(" = {}", expr(*s.value, slots)) : "");
      case StmtKind::Assign:
        return fmt::format("assign {} {} {}", expr(*s.target, slots), spelling(s.assign_op),
                           expr(*s.value, slots));
      case StmtKind::For:
        return fmt::format("for ({}; {}; {})", s.init ? line(*s.init, slots) : "",
                           s.cond ? expr(*s.cond, slots) : "", s.step ? line(*s.step, slots) : "");
      case StmtKind::ExprStmt: return expr(*s.value, slots);
      case StmtKind::Return: return fmt::format("return{}", opt(s.value));
      case StmtKind::If:
      case StmtKind::While:
      case StmtKind::Assert:
      case StmtKind::Assume:
      case StmtKind::Await: return std::string(spelling(s.kind)) + opt(s.cond);
      case StmtKind::Block:
      case StmtKind::Break:
      case StmtKind::Continue:
      case StmtKind::Schedule:
      case StmtKind::DoExit: return std::string(spelling(s.kind));
    }
    return "?";
  }

  void body(const std::string& head, const Body& b) {
    out_ += fmt::format("{} slots={}\n", head, b.slot_count);
    stmt(*b.block, 2, &b.slot_names);
  }

  void expectations() {
    switch (p_.expectation.kind) {
      case Expectation::Kind::None: break;
      case Expectation::Kind::Safe: out_ += "expect safe\n"; break;
      case Expectation::Kind::Violation:
        out_ += fmt::format("expect violation {}\n", p_.expectation.violation);
        break;
    }
    for (const ExpectedExecutions& e : p_.expected_executions) {
      out_ += fmt::format("expect executions {} {}\n", e.strategy, e.count);
    }
  }

  const Program& p_;
  std::string out_;
};

}  // namespace

std::string dump(const Program& program) { return Dumper(program).program(); }

std::string dump(const Program& program, const Expr& expr,
                 const std::vector<std::string>* slot_names) {
  return Dumper(program).expr(expr, slot_names);
}

}  // namespace preempt::lang
