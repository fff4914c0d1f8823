#pragma once
// StatefulChooser: depth-first search of the state graph with state caching. At every new
// scheduling point it fingerprints the whole model state (Execution::fingerprint: shared objects,
// every thread's frames, pc, locals and pending step); a state seen before ends the execution there
// (its future has been or is being explored), so each state is expanded once instead of once per
// path leading to it. Executions still re-run from the initial state, replaying their prefix, so
// every counterexample is a full schedule that `replay` reproduces.
//
// With symmetry, copies of a thread array that run the same code are anonymous: states equal up to
// a permutation of them (lock owners permuted alike) are one state. A thread's `self` is part of its
// state whenever the scenario reads `self`, so the reduction then only merges truly equal states.
//
// Guarantee: every reachable state is expanded, unless two different states share a 128-bit
// fingerprint (probability about n^2 / 2^129 for n states: below 10^-25 for a billion states).
// Scheduling points only: a violation is found at the step that causes it. The visited set is
// bounded by max_memory; past it the search stops and says so.
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "checker/explore/chooser.hpp"
#include "checker/rt/state_hash.hpp"

namespace preempt {

class StatefulChooser final : public Strategy {
 public:
  StatefulChooser(bool symmetry, std::uint64_t max_memory_bytes);

  ThreadId choose(const SchedulingPoint& point) override;
  [[nodiscard]] const std::string& error() const override { return error_; }
  [[nodiscard]] bool next() override;
  // The execution just run reached a state explored before (or the memory limit): not a result.
  [[nodiscard]] bool abandoned() const override { return cut_; }
  [[nodiscard]] std::string not_covered() const override;
  [[nodiscard]] std::uint64_t states() const override { return visited_.size(); }

 private:
  struct Choice {
    std::vector<ThreadId> alternatives;  // previous thread first (no preemption), then by id
    std::uint32_t taken = 0;
  };
  struct FingerprintHash {
    std::size_t operator()(const Fingerprint& f) const { return static_cast<std::size_t>(f.lo); }
  };
  [[nodiscard]] std::uint64_t memory_used() const;

  bool symmetry_;
  std::uint64_t max_memory_;
  std::vector<Choice> path_;
  std::size_t position_ = 0;
  std::unordered_set<Fingerprint, FingerprintHash> visited_;
  bool cut_ = false;
  bool out_of_memory_ = false;
  std::string error_;
};

}  // namespace preempt
