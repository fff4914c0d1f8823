// libFuzzer target: the scenario front end (lexer, parser, resolver) on arbitrary bytes.
// Any input must end in a Program or in rendered diagnostics -- never a crash, a hang or a
// sanitizer report. The diagnostics are rendered too, since rendering reads the source line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checker/lang/diagnostics.hpp"
#include "checker/lang/frontend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  preempt::lang::Diagnostics diagnostics;
  const auto program = preempt::lang::compile_frontend("fuzz.scn", text, diagnostics);
  if (!program && diagnostics.render().empty()) __builtin_trap();  // a failure must say why
  return 0;
}
