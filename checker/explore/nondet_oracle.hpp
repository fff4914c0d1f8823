#pragma once
// NondetOracle: makes any exhaustive strategy explore every value of every nondet(N) step.
//
// A thread's k-th nondet step in an execution is named (thread, k). An oracle assigns a value to
// each name; under a fixed oracle the model is a program without choices, which the inner strategy
// (dfs, dpor, stateful) explores completely. The wrapper runs the inner strategy once per oracle,
// enumerating the oracles as a depth-first search over the names the runs reach: every name
// reached under the current assignment is fixed, to 0 first (the run that reached it took 0, so
// nothing is run again for it); when every name reached is fixed, the deepest one with values left
// takes its next value, the names fixed after it are forgotten, and the inner strategy runs again.
// A name that is reached only under some values of an earlier one is thereby varied only under
// those: no two runs share an assignment of the names they reach, and every execution of the model
// -- a sequence of steps and values -- is an execution of the run whose oracle agrees with its
// values (induction on its nondet steps: each one's name is reached under the assignment fixed for
// the ones before it).
//
// An execution that does not reach a name fixed to a value other than 0 is the execution of an
// earlier run (the first assignment that produces an execution is 0 on every name it does not
// reach: the run with that name at 0 came first and explored the same subtree): it is a rerun(),
// neither counted nor reported again. So every execution -- steps and values -- is counted once,
// and a nondet step, which touches no object and so is independent of every other step, adds no
// traces but its values': dpor explores the traces under each assignment, together exactly the
// model's. Without nondet steps the wrapper runs the inner strategy once.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checker/explore/chooser.hpp"

namespace preempt {

class NondetOracle final : public Strategy {
 public:
  using Factory = std::function<std::unique_ptr<Strategy>()>;
  explicit NondetOracle(Factory factory) : factory_(std::move(factory)), inner_(factory_()) {}

  ThreadId choose(const SchedulingPoint& point) override { return inner_->choose(point); }
  [[nodiscard]] const std::string& error() const override { return inner_->error(); }
  [[nodiscard]] bool wants_maximal_executions() const override { return inner_->wants_maximal_executions(); }
  [[nodiscard]] bool stops_spin_loops() const override { return inner_->stops_spin_loops(); }
  std::int64_t choose_value(ThreadId thread, std::uint32_t k, std::int64_t n) override;

  void finish(const Execution& execution) override;
  [[nodiscard]] bool next() override;
  [[nodiscard]] bool abandoned() const override { return inner_->abandoned(); }
  [[nodiscard]] bool rerun() const override { return duplicate_ || inner_->rerun(); }
  [[nodiscard]] std::vector<std::vector<ThreadId>> take_witnesses() override { return inner_->take_witnesses(); }
  [[nodiscard]] std::uint64_t states() const override { return states_ + inner_->states(); }
  [[nodiscard]] std::string not_covered() const override;
  // Oracles run so far (1 for a model without nondet).
  [[nodiscard]] std::uint64_t oracles() const { return oracles_; }

 private:
  struct Name {
    ThreadId thread;
    std::uint32_t k;
    friend bool operator==(const Name&, const Name&) = default;
  };
  struct Fixed {
    Name name;
    std::int64_t value;
    std::int64_t n;
  };
  // Advances to the next assignment; false when every one has been run.
  bool advance();
  static Fixed* find(std::vector<Fixed>& list, const Name& name);

  Factory factory_;
  std::unique_ptr<Strategy> inner_;
  std::vector<Fixed> fixed_;    // the assignment, in the order the names were fixed (a DFS path)
  std::vector<Fixed> reached_;  // names the current run reached that are not fixed, first reach first
  std::uint64_t states_ = 0;    // of the finished runs
  std::uint64_t oracles_ = 1;
  bool duplicate_ = false;      // the execution just run is one of an earlier run (see above)
  std::string not_covered_;
};

}  // namespace preempt
