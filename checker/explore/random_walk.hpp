#pragma once
// Sampling strategies for scenarios too large to exhaust. Both are deterministic for a seed: the
// same seed, model and options give the same executions in the same order on every machine (the
// generator and the draws below are fully specified; no std:: distribution is used).
//
// RandomChooser: at every scheduling point, one enabled thread uniformly at random.
// PctChooser: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010). Each execution gives the threads random distinct priorities above d and picks d-1
// priority-change points among the first k steps (k: the longest execution seen so far); the
// enabled thread of highest priority runs, and at the i-th change point the running thread drops
// to priority d-i. A bug of depth d is found in each execution with probability at least
// 1/(n k^(d-1)) for n threads.
//
// Neither covers the space: not_covered() always says so, and a run without a violation is
// incomplete, never safe.
#include <cstdint>
#include <string>
#include <vector>

#include "checker/explore/chooser.hpp"

namespace preempt {

// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator with a fully specified output sequence.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound), bound > 0, without modulo bias (Lemire's rejection).
  std::uint64_t below(std::uint64_t bound);

 private:
  std::uint64_t state_;
};

class RandomChooser final : public Strategy {
 public:
  RandomChooser(std::uint64_t seed, std::uint64_t executions) : rng_(seed), seed_(seed), executions_(executions) {}
  ThreadId choose(const SchedulingPoint& point) override;
  // A nondet value drawn uniformly.
  std::int64_t choose_value(ThreadId thread, std::uint32_t k, std::int64_t n) override {
    (void)thread;
    (void)k;
    return static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(n)));
  }
  [[nodiscard]] const std::string& error() const override { return error_; }
  void finish(const Execution& execution) override;
  [[nodiscard]] bool next() override { return ++done_ < executions_; }
  [[nodiscard]] std::string not_covered() const override;
  [[nodiscard]] bool stops_spin_loops() const override { return false; }

 private:
  SplitMix64 rng_;
  std::uint64_t seed_;
  std::uint64_t ran_ = 0;
  std::uint64_t executions_;
  std::uint64_t done_ = 0;
  std::string error_;
};

class PctChooser final : public Strategy {
 public:
  PctChooser(std::uint64_t seed, std::uint32_t depth, std::uint64_t executions);
  ThreadId choose(const SchedulingPoint& point) override;
  // A nondet value drawn uniformly.
  std::int64_t choose_value(ThreadId thread, std::uint32_t k, std::int64_t n) override {
    (void)thread;
    (void)k;
    return static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(n)));
  }
  [[nodiscard]] const std::string& error() const override { return error_; }
  void finish(const Execution& execution) override;
  [[nodiscard]] bool next() override;
  [[nodiscard]] std::string not_covered() const override;

 private:
  void plan();  // priorities are drawn lazily per thread; change points once per execution
  std::uint64_t priority_of(ThreadId thread);

  SplitMix64 rng_;
  std::uint64_t seed_;
  std::uint32_t depth_;
  std::uint64_t executions_;
  std::uint64_t done_ = 0;
  std::uint64_t ran_ = 0;
  std::uint32_t longest_ = 1;                 // k: the most steps an execution has taken so far
  std::vector<std::uint32_t> change_points_;  // step numbers, sorted
  std::vector<std::uint64_t> priorities_;     // per thread; 0 = not drawn yet
  std::string error_;
};

}  // namespace preempt
