#pragma once
// What the exploration tests share: loading a scenario, the scenario library's files and a key
// for a final state.
#include <algorithm>
#include "tests/catch.hpp"
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/interp/scenario.hpp"
#include "checker/rt/store.hpp"

namespace preempt::test {

// How many random programs the differential tests generate: PREEMPT_RANDOM_PROGRAMS, else
// `fallback` (the sanitizer build runs fewer).
inline std::uint32_t random_programs(std::uint32_t fallback) {
  const char* text = std::getenv("PREEMPT_RANDOM_PROGRAMS");
  return text != nullptr ? static_cast<std::uint32_t>(std::stoul(text)) : fallback;
}

// A scenario from its text; a compile error fails the test, with the diagnostics.
inline std::unique_ptr<interp::LoadedScenario> load_text(const std::string& text) {
  std::string errors;
  auto scenario = interp::load_scenario_text("generated.scn", text, &errors);
  INFO(text << errors);
  REQUIRE(scenario);
  return scenario;
}

// A scenario file, by its path in the source tree.
inline std::unique_ptr<interp::LoadedScenario> load_file(const std::string& relative) {
  std::string errors;
  auto scenario = interp::load_scenario(std::string(PREEMPT_SOURCE_DIR) + "/" + relative, &errors);
  INFO(errors);
  REQUIRE(scenario);
  return scenario;
}

// Every .scn file under scenarios/, sorted (so that the tests run in the same order everywhere).
inline std::vector<std::string> library_scenarios() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(PREEMPT_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".scn") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The values of every shared object of a final state, as one comparable string.
inline std::string state_key(const Store& s) {
  std::string key;
  for (auto v : s.cells) key += fmt::format("{},", v);
  return key;
}

}  // namespace preempt::test
