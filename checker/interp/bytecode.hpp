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
  std::uint32_t a = 0;
  std::int64_t b = 0;
  std::uint32_t line = 0;  // source line, for traces and errors
};

// The objects the object operand of a visible instruction (LoadShared, StoreShared, Primitive) may
// name: a scalar exactly, an element of an array as the whole array. For the dependence analysis
// of the stateful strategy (access_summary.hpp); the VM itself takes the object from the stack.
struct Target {
  preempt::ObjectKind kind = preempt::ObjectKind::Int;
  std::uint32_t first = 0;  // the first cells of the first and the last object it may name
  std::uint32_t last = 0;
};

struct CodeBody {
  std::string name;                   // function or thread name
  std::vector<Instr> code;
  std::vector<Target> targets;        // one per instruction; meaningful for LoadShared, StoreShared, Primitive
  std::uint32_t slot_count = 0;
  std::uint32_t param_count = 0;
  bool returns_int = false;
  FunctionId function = kNone;        // its FunctionInfo in the layout (name, module)
  std::uint32_t end_line = 0;         // the closing brace: where the implicit return is
};

// An `await` condition, compiled to pure code that reads the Store without taking steps.
struct AwaitSite {
  struct Read {
    Space space = Space::Cell;
    std::uint32_t first = 0;
    std::uint32_t last = 0;
  };
  std::vector<Instr> code;
  std::string text;                   // "flag == 1", for traces and deadlock reports
  std::vector<Read> reads;            // every object the condition may read (arrays: all of them)
};

// An array of objects (or shared ints) as the VM indexes it: the first element's address, the
// count, and the cells of one element.
struct ArrayInfo {
  std::uint32_t base = 0;
  std::uint32_t size = 0;
  std::uint32_t stride = 1;
  std::string name;
};

struct CompiledScenario {
  std::unique_ptr<ModelLayout> layout;
  std::vector<CodeBody> bodies;       // scenario functions first (same index), then the others
  std::vector<AwaitSite> awaits;
  std::vector<std::string> texts;     // assert texts ("assert(counter == 2)")
  std::vector<ArrayInfo> arrays;      // the operand `a` of ElemIndex
  struct ThreadBody {
    std::string name;                 // "rmmod", or "r[2]" for a copy of a thread array
    std::uint32_t body = 0;           // index into bodies
    std::int64_t self = 0;
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
