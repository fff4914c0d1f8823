#pragma once
// Explains a counterexample: which pairs of racing steps decide the failure.
//
// From the failing execution's happens-before relation (program order, the spawn of a thread, and
// the dependence of conflicting steps: footprint.hpp), a race is a pair of conflicting steps i < j
// of different threads with no chain of dependences i -> k -> j between them: nothing but the
// scheduler's choice put i first. The races that matter are those whose later step is the failing
// step or happens before it. For each, explain() builds the schedule that runs the same steps with
// j before i (the prefix, the steps between them that do not depend on i, then j, then i) and
// replays it: either j cannot run first (the order is forced: not a race after all, dropped), or the
// reversed execution avoids the violation, still fails the same way, or fails differently.
//
// Replays run the program from scratch (init included) and are deterministic. The trace's awaits
// carry no guard, so an await counts as reading every shared int (conservative).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"
#include "checker/rt/layout.hpp"

namespace preempt {

enum class ReversedOutcome : std::uint8_t {
  Avoided,           // the execution with the other order has no violation
  StillFails,        // it ends in a violation of the same kind
  FailsDifferently,  // it ends in a violation of another kind
  Inconclusive,      // it hit the step limit or a model error
};

struct Race {
  std::uint32_t first = 0;    // step number of the step that ran first (i)
  std::uint32_t second = 0;   // step number of the step that ran second (j)
  std::string first_thread;
  std::string second_thread;
  std::string first_op;       // in the trace's words: "delete_module(dm)"
  std::string second_op;
  std::string shared;         // what both touch, in the user's words: "module dm", "dm_kobj"
  std::string reversed_schedule;  // replayable: the same steps with `second` before `first`
  ReversedOutcome outcome = ReversedOutcome::Inconclusive;
  std::string outcome_detail;     // the other violation, or why the replay was inconclusive
};

struct Explanation {
  std::vector<Race> races;        // deciding races first (Avoided), then by closeness to the failure
  std::uint32_t examined = 0;     // races whose reversal was replayed
};

// At most `max_replays` reversals are replayed; at most `max_races` races are kept. An execution
// without a violation, or a violation in init, has no explanation (empty races).
[[nodiscard]] Explanation explain(const Counterexample& execution, const ModelProgram& program,
                                  const CheckConfig& config, std::uint32_t max_replays = 12,
                                  std::uint32_t max_races = 3);

// The section printed after the violation line of the text report ("" when there is nothing).
[[nodiscard]] std::string explanation_text(const Explanation& explanation);
[[nodiscard]] nlohmann::ordered_json explanation_json(const Explanation& explanation);

}  // namespace preempt
