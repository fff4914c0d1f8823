#pragma once
// Explains a counterexample: which pairs of racing steps decide the failure, as data the writers
// format (report/explanation_text.hpp).
//
// From the failing execution's happens-before relation (program order, the spawn of a thread, and
// the dependence of conflicting steps: footprint.hpp), a race is a pair of conflicting steps i < j
// of different threads with no chain of dependences i -> k -> j between them: nothing but the
// scheduler's choice put i first. The races that matter are those whose later step is the failing
// step or happens before it. For each, the schedule that runs the same steps with j before i (the
// prefix, the steps between them that do not depend on i, then j, then i) is replayed: either j
// cannot run first (the order is forced: not a race after all, dropped), or the reversed execution
// avoids the violation, still fails the same way, or fails differently.
//
// Replays run on the explorer's Execution, from the state after init, under the check's limits.
// The trace's awaits carry no guard, so an await counts as reading every cell (conservative).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/rt/ids.hpp"
#include "checker/rt/trace.hpp"

namespace preempt {

enum class ReversedOutcome : std::uint8_t {
  Avoided,           // the execution with the other order has no violation
  StillFails,        // it ends in a violation of the same kind
  FailsDifferently,  // it ends in a violation of another kind
  Inconclusive,      // it hit a limit or a model error
};

struct Race {
  std::uint32_t first = 0;        // trace index of the step that ran first (i)
  std::uint32_t second = 0;       // trace index of the step that ran second (j)
  Addr shared = kNoAddr;          // a cell both touch (kNoAddr: cells an await reads)
  std::string reversed_schedule;  // replayable: the same steps with `second` before `first`
  ReversedOutcome outcome = ReversedOutcome::Inconclusive;
  std::optional<Violation> reversed_violation;  // StillFails, FailsDifferently: what it ends with
  std::string inconclusive;       // Inconclusive: why
};

struct Explanation {
  std::vector<Race> races;        // deciding races first (Avoided), then by closeness to the failure
  std::uint32_t examined = 0;     // races whose reversal was replayed
};

// Traces longer than this are not explained: the happens-before relation is quadratic in the steps.
inline constexpr std::size_t kMaxExplainedSteps = 4000;

class Execution;
struct CheckConfig;
struct Counterexample;
class ModelLayout;

// Two racing steps of a counterexample, as explain() finds them before replaying any reversal:
// trace indexes, first < second.
struct RacingPair {
  std::uint32_t first = 0;
  std::uint32_t second = 0;
  friend bool operator==(const RacingPair&, const RacingPair&) = default;
};
// The races whose later step is the failing step or happens before it, closest to the failure
// first; none for a trace explain() would not explain. Cheap enough to call on every violating
// execution of a search (no replay): it groups them before the few that are explained.
[[nodiscard]] std::vector<RacingPair> racing_pairs(const Counterexample& c, const ModelLayout& layout);

// The races of counterexample `c`, checked by replaying at most `max_replays` reversals on
// `execution` (its initial state the one after init); at most `max_races` are kept. An execution
// without a violation, or a violation in init, has no explanation (no races).
[[nodiscard]] Explanation explain(Execution& execution, const Counterexample& c, const CheckConfig& config,
                                  std::uint32_t max_replays = 12, std::uint32_t max_races = 3);

}  // namespace preempt
