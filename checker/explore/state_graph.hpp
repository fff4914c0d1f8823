#pragma once
// The reachable state graph of a small scenario, for the teaching page (`--html`): a breadth-first
// search over its scheduling points, each state reached once, each enabled thread an edge. The
// page lets the student be the scheduler over it: click a thread, undo, ask for the shortest way
// to a failure.
//
// States are the fingerprints of scheduling points (Execution::fingerprint, without symmetry: the
// student tells the threads apart). Every edge is found by replaying the choices that reach its
// state plus one (the engine is deterministic) and stopping at the next scheduling point, or where
// the execution ends: an end (a violation, a complete execution, a deadlock...) is a state with no
// edges, one per way of ending (the end's kind, its message and the store left). The search reports what it finds to a StateGraphSink, which formats it (the
// writers); it stops, incomplete, at the bounds below, at config.max_seconds or an interrupt
// (rt/stop.hpp), on a nondet(n) step (its values are not edges of this graph) and for models whose
// thread states cannot be hashed (C++ models).
#include <cstdint>
#include <string>
#include <vector>

#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"
#include "checker/explore/stepper.hpp"

namespace preempt {

struct StateGraphLimits {
  std::uint32_t max_states = 20000;         // scheduling points and ends together
  std::uint64_t max_steps = 5'000'000;      // steps run by all the replays together
  // Cells of all the states' stores together (states x the store's cells, 16 MB): a scenario over
  // a big array has no graph rather than gigabytes of snapshots and object states.
  std::uint64_t max_cells = std::uint64_t{1} << 21;
};

// What the search tells its sink, in the order it finds it: a state before any edge that leads to
// it, the edges of a state in the order of its enabled threads (ascending ids).
class StateGraphSink {
 public:
  virtual ~StateGraphSink() = default;
  // State `id` (0: the first scheduling point), reached first by at.so_far. For a scheduling point
  // at.over is false and at.enabled lists the threads that can run; for an end at.over is true,
  // at.end says how it ended and at.point holds where the threads stood then.
  virtual void state(std::uint32_t id, const Position& at) = 0;
  // From state `from`, thread `thread` runs steps so_far.trace[first..] and reaches state `to`.
  virtual void edge(std::uint32_t from, ThreadId thread, std::uint32_t to, const Counterexample& so_far,
                    std::size_t first) = 0;
};

struct StateGraphOutcome {
  bool complete = false;     // every reachable state and edge was reported
  std::uint32_t states = 0;  // reported so far
  std::uint64_t edges = 0;
  std::string why_not;       // !complete: why, a clause ("the scenario has more than 20000 states")
};

// Explores the graph of `program` under `config`'s per-execution limits (max_steps), at most
// `limits`. When it returns incomplete, what the sink received is a part of the graph only.
[[nodiscard]] StateGraphOutcome explore_state_graph(const ModelProgram& program, const CheckConfig& config,
                                                    const StateGraphLimits& limits, StateGraphSink& sink);

}  // namespace preempt
