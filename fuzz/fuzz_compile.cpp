// libFuzzer target: load_scenario_text, i.e. the front end plus the bytecode compiler and the
// interpreter's set-up, on arbitrary bytes. Whatever the front end accepts must compile.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checker/interp/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string errors;
  const auto scenario = preempt::interp::load_scenario_text("fuzz.scn", text, &errors);
  if (!scenario && errors.empty()) __builtin_trap();  // a failure must say why
  return 0;
}
