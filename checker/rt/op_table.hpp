#pragma once
// The table of operations (ops.def) as a constexpr array: its columns parsed at compile time, so
// that op_info() is an inlined load on the scheduler's hot path. Included by op.hpp only.
#include <array>
#include <string_view>

namespace preempt::detail {

enum class Returns : std::uint8_t { Void, Int, Step };

// The footprint column: "r0 w1 callee guard" (see ops.def).
struct Shape {
  std::uint16_t reads = 0;
  std::uint16_t writes = 0;
  bool callee = false;
  bool guard = false;
  std::uint8_t kernel = 0;
  bool modules = false;
  bool frees = false;
};

constexpr bool starts_with(std::string_view s, std::size_t at, std::string_view word) {
  return s.substr(at, word.size()) == word;
}

constexpr Shape parse_shape(std::string_view s) {
  Shape shape;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
    } else if (starts_with(s, i, "callee")) {
      shape.callee = true;
      i += 6;
    } else if (starts_with(s, i, "modules")) {
      shape.modules = true;
      i += 7;
    } else if (starts_with(s, i, "free")) {
      shape.frees = true;
      i += 4;
    } else if (s[i] == 'k' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7') {
      shape.kernel |= static_cast<std::uint8_t>(1u << (s[i + 1] - '0'));
      i += 2;
    } else if (starts_with(s, i, "guard")) {
      shape.guard = true;
      i += 5;
    } else if ((s[i] == 'r' || s[i] == 'w') && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
      const auto bit = static_cast<std::uint16_t>(1u << (s[i + 1] - '0'));
      if (s[i] == 'r') shape.reads |= bit;
      if (s[i] == 'w') shape.writes |= bit;
      i += 2;
    } else {
      throw "bad footprint in ops.def";  // a compile error: the table is constexpr
    }
  }
  return shape;
}

// The observe column: "v0", "nz0", "z1", "const" or "".
constexpr Observe parse_observe(std::string_view s) {
  if (s.empty()) return {};
  if (s == "const") return {Observe::Constant, 0};
  const auto offset = [&](std::size_t at) {
    if (at + 1 != s.size() || s[at] < '0' || s[at] > '7') throw "bad observe column in ops.def";
    return static_cast<std::uint8_t>(s[at] - '0');
  };
  if (starts_with(s, 0, "nz")) return {Observe::NonZero, offset(2)};
  if (s[0] == 'z') return {Observe::Zero, offset(1)};
  if (s[0] == 'v') return {Observe::Value, offset(1)};
  throw "bad observe column in ops.def";
}

constexpr OpInfo make(std::string_view name, OpFamily family, std::string_view args, Returns result,
                      std::string_view footprint, Block block, int sleeps, std::string_view observe, Control control,
                      std::string_view operation, std::string_view note, std::string_view story,
                      std::string_view wait) {
  const Shape shape = parse_shape(footprint);
  return OpInfo{name,         family,      args,        result != Returns::Step, result == Returns::Int,
                shape.reads,  shape.writes, shape.callee, shape.guard,           shape.kernel,
                shape.modules, shape.frees, block,
                static_cast<std::uint8_t>(sleeps), parse_observe(observe), control, operation, note,
                story,        wait};
}

inline constexpr std::array kOps = {
#define PREEMPT_OP(name, spelling, family, args, result, footprint, block, sleeps, observe, control, operation, \
                   note, story, wait)                                                                          \
  make(spelling, OpFamily::family, args, Returns::result, footprint, Block::block, sleeps, observe,            \
       Control::control, operation, note, story, wait),
#include "checker/rt/ops.def"
};


}  // namespace preempt::detail
