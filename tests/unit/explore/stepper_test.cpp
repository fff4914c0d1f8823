// The Stepper (explore/stepper.hpp), the engine of `preempt play`: the state a position repeats,
// the steps a lone thread runs without being chosen, and the words for a thread that the searches'
// shortcut stopped at a spin loop's pass while another thread can still run.
#include "tests/catch.hpp"

#include <vector>

#include "checker/explore/stepper.hpp"
#include "checker/interp/scenario.hpp"
#include "tests/unit/explore/test_support.hpp"

using preempt::CheckConfig;
using preempt::Position;
using preempt::Stepper;
using preempt::ThreadId;
using preempt::test::load_file;

namespace {

// peterson-spin.scn: both threads set their flag and turn, p[1] last, so p[0] may enter and p[1]
// must wait: p[0], p[0], p[1], p[1] (threads 0 and 1).
const std::vector<ThreadId> kBothWant = {0, 0, 1, 1};

}  // namespace

TEST_CASE("stepper: a spin loop's pass that changes nothing brings the state back, as written", "[stepper]") {
  const auto peterson = load_file("scenarios/classic/peterson-spin.scn");
  CheckConfig config;
  config.loops_as_written = true;
  Stepper stepper(peterson->model(), config);
  std::vector<ThreadId> choices = kBothWant;
  CHECK_FALSE(stepper.at(choices).same_state_as);
  choices.push_back(1);  // p[1] reads flag[0]
  CHECK_FALSE(stepper.at(choices).same_state_as);
  choices.push_back(1);  // p[1] reads turn: the loop goes round
  const Position round = stepper.at(choices);
  REQUIRE(round.same_state_as);
  CHECK(*round.same_state_as == 4);
  CHECK(round.enabled.size() == 2);  // p[0] can still go on and change what p[1] reads
}

TEST_CASE("stepper: a lone thread runs without being chosen, but not round a loop for ever", "[stepper]") {
  const auto alone = load_file("tests/cli/fixtures/spin-alone.scn");
  CheckConfig config;
  config.loops_as_written = true;
  Stepper stepper(alone->model(), config);
  const std::vector<ThreadId> setter_first = {1};
  const Position position = stepper.at(setter_first, 100);
  CHECK_FALSE(position.over);
  CHECK(position.ran_alone == std::vector<ThreadId>{0});  // waiter's first pass, then the same state
  REQUIRE(position.same_state_as);
  CHECK(*position.same_state_as == 1);
  CHECK(position.enabled == std::vector<ThreadId>{0});
}

TEST_CASE("stepper: a thread stopped at a spin pass is not said to spin for ever while another can run",
          "[stepper]") {
  const auto peterson = load_file("scenarios/classic/peterson-spin.scn");
  CheckConfig config;  // the searches' way: a pass that changes nothing stops its thread
  Stepper stepper(peterson->model(), config);
  std::vector<ThreadId> choices = kBothWant;
  choices.push_back(1);
  choices.push_back(1);  // p[1]'s pass finds the condition true and stops there
  const Position stopped = stepper.at(choices);
  REQUIRE_FALSE(stopped.over);
  REQUIRE(stopped.point.threads.size() == 2);
  CHECK(stopped.point.threads[1].why ==
        "stopped at line 22: a pass that found flag[other] == 1 && turn == other true changed nothing; it goes on "
        "only if another thread changes what it read");
}
