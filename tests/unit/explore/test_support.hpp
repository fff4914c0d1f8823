#pragma once
// What the exploration tests share: loading a scenario, the scenario library's files and a key
// for a final state.
#include <algorithm>
#include "tests/catch.hpp"
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <utility>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/interp/scenario.hpp"
#include "checker/rt/address.hpp"
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

// The values of every shared object of a final state, as one comparable string: the globals'
// cells, then the heap objects in the order of their names (allocating thread, sequence), whatever
// the order the execution allocated them in, a freed object by its name alone (its cells are
// gone: the state fingerprint does not hash them either). `rename` maps a thread id to the one
// heap pointers and names use (for symmetric_state_key).
template <class Rename>
std::string state_key(const Store& s, const Rename& rename) {
  const auto value = [&](std::int64_t v) -> std::int64_t {
    const auto p = static_cast<std::uint64_t>(v);
    if (!is_heap(p)) return v;
    return static_cast<std::int64_t>(heap_addr(rename(heap_thread(p)), heap_seq(p), heap_offset(p)));
  };
  const std::span<const HeapObject> heap = s.heap();
  const std::size_t globals = s.cells.size() - s.heap_cells();
  std::string key;
  for (std::size_t c = 0; c < globals; ++c) key += fmt::format("{},", value(s.cells[c]));
  std::vector<std::size_t> order(heap.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto name = [&](std::size_t i) { return std::pair(rename(heap[i].thread), heap[i].seq); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return name(a) < name(b); });
  for (std::size_t i : order) {
    const HeapObject& object = heap[i];
    key += fmt::format("|{}.{}:", name(i).first, object.seq);
    if (s.cells[object.base] != kHeapLive) {
      key += "freed";
      continue;
    }
    for (std::uint32_t c = 1; c < object.cells; ++c) key += fmt::format("{},", value(s.cells[object.base + c]));
  }
  return key;
}
inline std::string state_key(const Store& s) {
  return state_key(s, [](ThreadId t) { return t; });
}

// A final state's key up to symmetry: the least state_key over the permutations of the copies of
// each thread array (threads named "t[0]", "t[1]"...), which rename the heap objects they allocated.
// Two final states that differ only in which copy allocated what have the same key: the states
// the stateful strategy with symmetry merges.
inline std::string symmetric_state_key(const Store& s, const std::vector<std::string>& threads) {
  const auto group = [&](std::size_t t) { return threads[t].substr(0, threads[t].find('[')); };
  std::vector<ThreadId> perm(threads.size());
  for (std::size_t t = 0; t < perm.size(); ++t) perm[t] = static_cast<ThreadId>(t);
  std::string best;
  bool first = true;
  do {
    bool within_groups = true;
    for (std::size_t t = 0; t < perm.size() && within_groups; ++t) within_groups = group(t) == group(perm[t]);
    if (!within_groups) continue;
    std::string key = state_key(s, [&](ThreadId t) { return t < perm.size() ? perm[t] : t; });
    if (first || key < best) best = std::move(key);
    first = false;
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

}  // namespace preempt::test
