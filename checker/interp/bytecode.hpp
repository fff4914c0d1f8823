#pragma once
// The compiled form of a scenario: flat bytecode per body, run by the VM (vm.hpp) one visible
// step at a time. A body is a function, a thread body, init or final. All names are resolved to
// indices into the ModelLayout's tables, so the VM never looks anything up by name.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/lang/ast.hpp"
#include "checker/rt/footprint_sink.hpp"
#include "checker/rt/layout.hpp"

namespace preempt::interp {

// The names of the checked program (lang/ast.hpp) that the back end compiles from.
using lang::BinaryOp;
using lang::Builtin;
using lang::kMaxNesting;
using lang::Program;
using lang::UnaryOp;

enum class Opcode : std::uint8_t {
#define PREEMPT_OPCODE(name, spelling, doc) name,
#include "checker/interp/opcodes.def"
};

[[nodiscard]] const char* opcode_name(Opcode op);

struct Instr {
  Opcode op = Opcode::Const;
  preempt::ObjectKind kind = preempt::ObjectKind::Int;  // a memory step's object kind
  std::uint32_t a = 0;
  std::int64_t b = 0;
  std::uint32_t line = 0;      // source line, for traces and errors
  std::uint32_t text = kNone;  // CompiledScenario::texts: what the step touches, as written ("c->ref")
  std::uint32_t code = kNone;  // CompiledScenario::texts: a builtin call or an assignment, as written
};

// The objects the object operand of a visible instruction (LoadShared, StoreShared, Primitive) may
// name, for the dependence analysis of the stateful strategy (access_summary.hpp); the VM itself
// takes the object from the stack. A global's cells are known: a scalar exactly, an element of an
// array as the whole array. Through a pointer, it is a field of some instance of a struct: any
// heap object, and every static instance of the struct.
struct Target {
  preempt::ObjectKind kind = preempt::ObjectKind::Int;
  std::uint32_t first = 0;  // a global's: the first cells of the first and the last object it may name
  std::uint32_t last = 0;
  bool through_pointer = false;  // else: a field of an instance of `type`, cells offset .. offset + span - 1
  std::uint32_t type = kNone;
  std::uint32_t offset = 0;
  std::uint32_t span = 1;
};

struct CodeBody {
  std::string name;                   // function or thread name
  std::vector<Instr> code;
  std::vector<Target> targets;        // one per instruction; meaningful for LoadShared, StoreShared, Primitive
  std::uint32_t slot_count = 0;
  std::vector<bool> pointer_slots;    // per slot: it holds a pointer (state hashing renames those)
  std::uint32_t param_count = 0;
  bool returns_value = false;
  FunctionId function = kNone;        // its FunctionInfo in the layout (name, module)
  std::uint32_t end_line = 0;         // the closing brace: where the implicit return is
  bool prelude = false;               // kernel code of the language's prelude: its steps are
                                      // reported at the line of the scenario's call into it
};

// An `await` condition, compiled to pure code that reads the Store without taking steps.
// Whether the thread may go on depends on every cell the condition may read, whatever a
// short-circuit skips in one state: `reads` holds, per load of the condition, pure code that pushes
// the address it loads (a global's is a constant; through a pointer it follows the pointer), so
// the VM can list them all in the current state.
struct AwaitSite {
  std::vector<Instr> code;
  std::vector<Target> targets;        // per instruction, as CodeBody::targets (for the static analysis)
  std::vector<std::vector<Instr>> reads;
  std::vector<std::string> read_texts;  // per read: the place as written ("p->ready", "flag")
  std::string text;                   // "flag == 1", for traces and deadlock reports
};

// An array as the VM indexes it: the count and the cells of one element (the address comes from
// the stack), and its name for messages.
struct ArrayInfo {
  std::uint32_t size = 0;
  std::uint32_t stride = 1;
  std::string name;
};

struct CompiledScenario {
  std::unique_ptr<ModelLayout> layout;
  std::vector<CodeBody> bodies;       // scenario functions first (same index), then the others
  std::vector<AwaitSite> awaits;
  std::vector<std::string> texts;     // assert texts ("assert(counter == 2)"), the places steps touch ("c->ref")
  std::vector<ArrayInfo> arrays;      // the operand `a` of ElemIndex
  std::vector<FunctionId> pointer_targets;  // the functions whose address is taken: what a call
                                            // through a pointer, or a kref_put, may run
  struct ThreadBody {
    std::string name;                 // "rmmod", or "r[2]" for a copy of a thread array
    std::uint32_t body = 0;           // index into bodies
    std::int64_t self = 0;
    bool service = false;             // `service thread`
  };
  std::vector<ThreadBody> threads;
  std::optional<std::uint32_t> init;  // index into bodies
  std::optional<std::uint32_t> final;
};

// Compiles a checked program. Never fails: the front end has checked every rule already.
[[nodiscard]] CompiledScenario compile(const Program& program);
// A readable listing of the bytecode, for tests and debugging.
[[nodiscard]] std::string disassemble(const CompiledScenario& compiled);

}  // namespace preempt::interp
