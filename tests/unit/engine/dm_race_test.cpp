// The founding example: the dm_kobject_release race (Linux 3.13), written against the C++ API.
#include "tests/catch.hpp"

#include "checker/api/preempt.hpp"
#include "checker/report/step_text.hpp"

namespace {

// Builds the ten-step race; release_in_module decides where dm_kobject_release's code lives.
void build_dm(preempt::Model& m, bool release_in_module) {
  const preempt::Module dm = m.module("dm");
  const preempt::Completion holder = m.completion("kobj_holder");
  const auto release_body = [holder](preempt::Thread& t) { t.complete(holder); };
  const preempt::Function release = release_in_module
                                        ? m.function("dm_kobject_release", dm, release_body)
                                        : m.function("dm_kobject_release", release_body);
  const preempt::Kobject kobj = m.kobject("dm_kobj", release);
  const preempt::Function sysfs_exit = m.function("dm_sysfs_exit", dm, [kobj, holder](preempt::Thread& t) {
    t.kobject_put(kobj);
    t.wait_for_completion(holder);
  });
  m.init([dm](preempt::Thread& t) { t.module_get(dm); });
  m.thread("sysfs_reader", [kobj](preempt::Thread& t) {
    if (t.kobject_get_unless_zero(kobj)) t.kobject_put(kobj);
  });
  m.thread("rmmod", [dm, sysfs_exit](preempt::Thread& t) {
    t.call(sysfs_exit);
    t.module_put(dm);
    t.delete_module(dm);
  });
}

std::vector<std::string> story(const preempt::Model& m, const preempt::Counterexample& c) {
  std::vector<std::string> lines;
  for (const preempt::TraceEntry& e : c.trace) {
    const preempt::StepText text = preempt::describe_step(e, m.layout(), c.thread_names);
    lines.push_back((e.preempted ? "* " : "") + c.thread_names[e.thread] + ": " + text.op +
                    (text.note.empty() ? "" : " [" + text.note + "]"));
  }
  return lines;
}

}  // namespace

TEST_CASE("dm race: a release method in the module executes unloaded code", "[engine][dm]") {
  preempt::Model m("dm");
  build_dm(m, true);
  const preempt::ExploreResult result = preempt::explore(m);
  REQUIRE(result.verdict == preempt::Verdict::Violation);
  REQUIRE(result.violations.size() == 1);
  const preempt::Counterexample& c = result.violations[0];
  REQUIRE(c.violation);
  CHECK(c.violation->kind == preempt::ViolationKind::UnloadedCode);
  CHECK(c.thread_names[c.violation->thread] == "sysfs_reader");
  CHECK(c.violation->message ==
        "sysfs_reader returns into dm_kobject_release: code of module dm, unloaded at step 9");
  // The dm story: reader gets a ref; rmmod puts and waits; reader puts, the release method
  // completes; reader is preempted inside it; rmmod puts the module and unloads it; reader returns.
  const std::vector<std::string> expected = {
      "sysfs_reader: kobject_get_unless_zero(dm_kobj) [refcount 1 -> 2, returns 1]",
      "* rmmod: calls dm_sysfs_exit() [enters dm_sysfs_exit [module dm]]",
      "rmmod: kobject_put(dm_kobj) [refcount 2 -> 1]",
      "sysfs_reader: kobject_put(dm_kobj) [refcount 1 -> 0, calls dm_kobject_release [module dm]]",
      "sysfs_reader: complete(kobj_holder) [done 0 -> 1, wakes rmmod]",
      "* rmmod: wait_for_completion(kobj_holder) [done 1 -> 0]",
      "rmmod: returns from dm_sysfs_exit() [back in rmmod [built-in]]",
      "rmmod: module_put(dm) [module refcount 1 -> 0]",
      "rmmod: delete_module(dm) [module dm unloaded]",
      "sysfs_reader: returns from dm_kobject_release() [back in sysfs_reader [built-in]]",
  };
  CHECK(story(m, c) == expected);
  CHECK(c.preemptions == 2);
  CHECK(c.schedule == "sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader");
}

TEST_CASE("dm race: the fix (release method in built-in code) is safe over the whole space", "[engine][dm]") {
  preempt::Model m("dm fixed");
  build_dm(m, false);
  const preempt::ExploreResult result = preempt::explore(m);
  CHECK(result.verdict == preempt::Verdict::Safe);
  CHECK(result.incomplete_reasons.empty());
  CHECK(result.executions > 1);
}

TEST_CASE("dm race: the violation's schedule replays to the identical trace", "[engine][dm][replay]") {
  preempt::Model m("dm");
  build_dm(m, true);
  const preempt::ExploreResult found = preempt::explore(m);
  REQUIRE(found.violations.size() == 1);
  const preempt::ExploreResult again = preempt::replay(m, found.violations[0].schedule);
  REQUIRE(again.verdict == preempt::Verdict::Violation);
  REQUIRE(again.violations.size() == 1);
  CHECK(story(m, again.violations[0]) == story(m, found.violations[0]));
  CHECK(again.violations[0].violation->message == found.violations[0].violation->message);
  CHECK(again.note.empty());
}

TEST_CASE("replay rejects a schedule that does not fit the model", "[engine][replay]") {
  preempt::Model m("dm");
  build_dm(m, true);
  SECTION("unknown thread") {
    const auto r = preempt::replay(m, "sysfs_reader,kworker");
    CHECK(r.verdict == preempt::Verdict::Error);
    CHECK(r.error ==
          "the schedule does not fit the model: step 2 names thread 'kworker', but the threads are: "
          "sysfs_reader, rmmod");
  }
  SECTION("blocked thread") {
    const auto r = preempt::replay(m, "sysfs_reader,rmmod:3");
    CHECK(r.verdict == preempt::Verdict::Error);
    CHECK(r.error == "the schedule does not fit the model: step 4 names thread rmmod, which waits "
                     "for completion kobj_holder (done = 0)");
  }
  SECTION("malformed") {
    const auto r = preempt::replay(m, "rmmod:x");
    CHECK(r.verdict == preempt::Verdict::Error);
    CHECK(r.error == "bad schedule: bad repeat count 'x' in schedule step 'rmmod:x'");
  }
}
