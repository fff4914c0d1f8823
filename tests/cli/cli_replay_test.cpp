// `preempt replay` of schedules with nondet values (final's choices, values out of range), and
// `compile`/`replay` given a folder, `compile --ast` of designated initialisers.
#include "tests/catch.hpp"

#include "tests/cli/run_binary.hpp"

using preempt::test::run_preempt;

namespace {
const std::string kFinal = "tests/models/nondet/final-in-schedule.scn";
const std::string kRange = "tests/models/nondet/replay-value-out-of-range.scn";
}  // namespace

TEST_CASE("replay: final's nondet value comes from the schedule", "[cli][replay][nondet]") {
  const auto found = run_preempt("check " + kFinal);
  CHECK(found.exit_code == 1);
  CHECK_THAT(found.out, Catch::Contains("--schedule 't,final?2'"));

  const auto replayed = run_preempt("replay " + kFinal + " --schedule 't,final?2'");
  CHECK(replayed.exit_code == 1);
  CHECK_THAT(replayed.out, Catch::Contains("final takes choice 2 of nondet(3)"));
  CHECK_THAT(replayed.out, Catch::Contains("assertion: final: assert(v != 2) failed"));

  const auto other = run_preempt("replay " + kFinal + " --schedule 't,final?1'");
  CHECK(other.exit_code == 0);
  CHECK_THAT(other.out, Catch::Contains("final takes choice 1 of nondet(3)"));

  // a schedule without final's value: as before, the first value
  const auto bare = run_preempt("replay " + kFinal + " --schedule t");
  CHECK(bare.exit_code == 0);
  CHECK_THAT(bare.out, Catch::Contains("final takes choice 0 of nondet(3)"));

  const auto wrong = run_preempt("replay " + kFinal + " --schedule 't,x?1'");
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("'x?1' names a choice of x, but the next choice is final's"));
}

TEST_CASE("replay: a nondet value out of its range is a schedule error", "[cli][replay][nondet]") {
  const auto out = run_preempt("replay " + kRange + " --schedule 't?5'");
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("the schedule does not fit the model: 't?5' gives nondet(2) the value 5, "
                                      "which is not in 0..1"));
  const auto final_out = run_preempt("replay " + kFinal + " --schedule 't,final?3'");
  CHECK(final_out.exit_code == 2);
  CHECK_THAT(final_out.err, Catch::Contains("'final?3' gives nondet(3) the value 3, which is not in 0..2"));

  const auto fits = run_preempt("replay " + kRange + " --schedule 't?1'");
  CHECK(fits.exit_code == 1);
}

TEST_CASE("compile and replay given a folder: a clear error, not a bogus file size", "[cli][compile]") {
  for (const char* command : {"compile tests/models/nondet", "replay tests/models/nondet --schedule t"}) {
    const auto out = run_preempt(command);
    CHECK(out.exit_code == 2);
    CHECK_THAT(out.err, Catch::Contains("tests/models/nondet: error: is a folder; give scenario files"));
    CHECK_THAT(out.err, !Catch::Contains("bytes"));
  }
}

TEST_CASE("compile --ast names a designated initialiser's fields", "[cli][compile]") {
  const auto out = run_preempt("compile --ast tests/cli/fixtures/ast-designated-initializer.scn");
  CHECK(out.exit_code == 0);
  CHECK_THAT(out.out, Catch::Contains("struct ops fops in m = { .owner = module:m, .open = &m_open }"));
}
