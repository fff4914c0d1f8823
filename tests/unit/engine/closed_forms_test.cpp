// The exhaustive strategy must enumerate exactly the interleavings that combinatorics predicts.
#include "tests/catch.hpp"

#include "checker/api/preempt.hpp"

namespace {

std::uint64_t factorial(std::uint64_t n) { return n <= 1 ? 1 : n * factorial(n - 1); }

// (K*S)! / (S!)^K: the interleavings of K threads of S steps each.
std::uint64_t multinomial(std::uint64_t threads, std::uint64_t steps) {
  std::uint64_t result = factorial(threads * steps);
  for (std::uint64_t k = 0; k < threads; ++k) result /= factorial(steps);
  return result;
}

// K threads, each doing S writes to its own shared int: independent visible steps.
preempt::ExploreResult run_independent(int threads, int steps) {
  preempt::Model model;
  for (int k = 0; k < threads; ++k) {
    const preempt::Int own = model.shared_int("x" + std::to_string(k));
    model.thread("t" + std::to_string(k), [own, steps](preempt::Thread& t) {
      for (int s = 0; s < steps; ++s) t.write(own, s);
    });
  }
  return preempt::explore(model);
}

}  // namespace

TEST_CASE("K threads of S independent steps give (KS)!/(S!)^K executions", "[engine][closed-form]") {
  const auto [threads, steps, expected] = GENERATE(table<int, int, std::uint64_t>({
      {2, 3, 20}, {2, 5, 252}, {3, 3, 1680}, {3, 4, 34650}, {1, 7, 1}, {4, 2, 2520}}));
  CAPTURE(threads, steps);
  REQUIRE(multinomial(threads, steps) == expected);
  const preempt::ExploreResult result = run_independent(threads, steps);
  CHECK(result.verdict == preempt::Verdict::Safe);
  CHECK(result.executions == expected);
  CHECK(result.steps == expected * threads * steps);
  CHECK(result.incomplete_reasons.empty());
}

TEST_CASE("a thread with no visible step is one execution", "[engine][closed-form]") {
  preempt::Model model;
  model.thread("idle", [](preempt::Thread&) {});
  const auto result = preempt::explore(model);
  CHECK(result.verdict == preempt::Verdict::Safe);
  CHECK(result.executions == 1);
  CHECK(result.steps == 0);
}

TEST_CASE("the execution limit makes the verdict incomplete, never safe", "[engine][limits]") {
  preempt::Model model;
  for (int k = 0; k < 2; ++k) {
    const preempt::Int own = model.shared_int("x" + std::to_string(k));
    model.thread("t" + std::to_string(k), [own](preempt::Thread& t) {
      for (int s = 0; s < 3; ++s) t.write(own, s);
    });
  }
  preempt::CheckConfig config;
  config.max_executions = 7;
  const auto result = preempt::explore(model, config);
  CHECK(result.verdict == preempt::Verdict::Incomplete);
  CHECK(result.executions == 7);
  REQUIRE(result.incomplete_reasons.size() == 1);
  CHECK(result.incomplete_reasons[0] == "stopped at the execution limit (7 executions)");
}

TEST_CASE("the step limit cuts an endless thread and says so", "[engine][limits]") {
  preempt::Model model;
  const preempt::Int x = model.shared_int("x");
  model.thread("spinner", [x](preempt::Thread& t) {
    for (;;) t.write(x, 1);
  });
  preempt::CheckConfig config;
  config.max_steps = 50;
  const auto result = preempt::explore(model, config);
  CHECK(result.verdict == preempt::Verdict::Incomplete);
  CHECK(result.step_limited == 1);
  REQUIRE_FALSE(result.incomplete_reasons.empty());
  CHECK_THAT(result.incomplete_reasons[0],
             Catch::Contains("exceeded the step limit (50 steps): thread spinner keeps running"));
}

TEST_CASE("exploration is deterministic: same model, same executions in the same order", "[engine]") {
  auto run = [] {
    preempt::Model model;
    const preempt::Int x = model.shared_int("x");
    for (int k = 0; k < 3; ++k) {
      model.thread("t" + std::to_string(k), [x, k](preempt::Thread& t) {
        t.write(x, t.read(x) + k);
      });
    }
    model.final([x](preempt::Thread& t) { t.assert_that(t.read(x) != 3, "x reached 3"); });
    preempt::CheckConfig config;
    config.stop_at_first_violation = false;
    return preempt::explore(model, config);
  };
  const auto a = run();
  const auto b = run();
  REQUIRE(a.violations.size() == b.violations.size());
  REQUIRE_FALSE(a.violations.empty());
  for (std::size_t i = 0; i < a.violations.size(); ++i) {
    CHECK(a.violations[i].schedule == b.violations[i].schedule);
  }
  CHECK(a.executions == b.executions);
  CHECK(a.executions == 90);  // 3 threads x 2 steps (read, write): 6!/(2!)^3
}
