#pragma once
// Report writers for one explored scenario: the human text (verdict, numbered trace, schedule and
// the command that replays it) and the machine-readable JSON object. Both say the same things;
// JSON carries everything the text shows.
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/explore/result.hpp"
#include "checker/rt/layout.hpp"

namespace preempt {

struct ScenarioReport {
  std::string path;                 // the scenario file ("" for C++ models)
  const ModelLayout* layout = nullptr;
  const ExploreResult* result = nullptr;
  std::string strategy = "dpor";
  std::optional<std::uint32_t> preemption_bound;
  bool replay = false;              // the report of `preempt replay` (one given execution)
  std::optional<std::uint64_t> seed;  // sampling strategies: shown so that the run can be repeated
  bool table = false;               // the trace as a table of columns instead of the numbered story
  std::size_t columns = 80;         // the width the numbered story fits (the terminal's)
};

// A shell word: the text itself when it is safe unquoted, else single-quoted.
[[nodiscard]] std::string shell_quote(const std::string& word);
[[nodiscard]] std::string replay_command(const std::string& path, const std::string& schedule);

// The trace of one execution as a table: step, thread, operation, state change, source location.
void write_trace(std::ostream& out, const Counterexample& execution, const ModelLayout& layout);
void write_text(std::ostream& out, const ScenarioReport& report);
[[nodiscard]] nlohmann::ordered_json to_json(const ScenarioReport& report);
// `j` on one line, bytes that are not UTF-8 (a Latin-1 file name) replaced by U+FFFD: never throws.
[[nodiscard]] std::string json_line(const nlohmann::ordered_json& j);

}  // namespace preempt
