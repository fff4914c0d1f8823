// Each violation kind, triggered by the smallest model that shows it, and each found schedule
// replayed to the identical trace.
#include "tests/catch.hpp"

#include "checker/api/preempt.hpp"
#include "checker/report/step_text.hpp"

using preempt::Thread;
using preempt::Verdict;
using preempt::ViolationKind;

namespace {

std::vector<std::string> render(const preempt::Model& m, const preempt::Counterexample& c) {
  std::vector<std::string> lines;
  for (const auto& e : c.trace) {
    const auto text = preempt::describe_step(e, m.layout(), c.thread_names);
    lines.push_back(std::to_string(e.step) + (e.preempted ? "*" : " ") + c.thread_names[e.thread] +
                    " " + text.op + " | " + text.note + " @" + std::to_string(e.op.line));
  }
  return lines;
}

// Explores, expects exactly `kind`, and checks that the schedule replays to the same trace.
preempt::Counterexample expect_violation(const preempt::Model& m, ViolationKind kind) {
  const auto result = preempt::explore(m);
  REQUIRE(result.verdict == Verdict::Violation);
  REQUIRE(result.violations.size() == 1);
  const preempt::Counterexample& c = result.violations[0];
  REQUIRE(c.violation);
  CHECK(c.violation->kind == kind);
  const auto again = preempt::replay(m, c.schedule);
  REQUIRE(again.verdict == Verdict::Violation);
  CHECK(render(m, again.violations[0]) == render(m, c));
  CHECK(again.violations[0].violation->message == c.violation->message);
  return c;
}

}  // namespace

TEST_CASE("ABBA on two mutexes deadlocks, and the report says who waits on what", "[engine][violations]") {
  preempt::Model m;
  const auto a = m.mutex("A");
  const auto b = m.mutex("B");
  m.thread("t1", [a, b](Thread& t) {
    t.mutex_lock(a);
    t.mutex_lock(b);
    t.mutex_unlock(b);
    t.mutex_unlock(a);
  });
  m.thread("t2", [a, b](Thread& t) {
    t.mutex_lock(b);
    t.mutex_lock(a);
    t.mutex_unlock(a);
    t.mutex_unlock(b);
  });
  const auto c = expect_violation(m, ViolationKind::Deadlock);
  CHECK(c.violation->message ==
        "no thread can run: t1 waits for mutex B, held by t2; t2 waits for mutex A, held by t1");
}

TEST_CASE("ABBA with one lock order is safe", "[engine][violations]") {
  preempt::Model m;
  const auto a = m.mutex("A");
  const auto b = m.mutex("B");
  for (const char* name : {"t1", "t2"}) {
    m.thread(name, [a, b](Thread& t) {
      t.mutex_lock(a);
      t.mutex_lock(b);
      t.mutex_unlock(b);
      t.mutex_unlock(a);
    });
  }
  const auto result = preempt::explore(m);
  CHECK(result.verdict == Verdict::Safe);
}

TEST_CASE("a non-atomic increment by two threads loses an update", "[engine][violations]") {
  preempt::Model m;
  const auto counter = m.shared_int("counter");
  for (const char* name : {"a", "b"}) {
    m.thread(name, [counter](Thread& t) { t.write(counter, t.read(counter) + 1); });
  }
  m.final([counter](Thread& t) { t.assert_that(t.read(counter) == 2, "counter == 2"); });
  const auto c = expect_violation(m, ViolationKind::Assertion);
  CHECK_THAT(c.violation->message, Catch::StartsWith("final: counter == 2 (line "));
}

TEST_CASE("atomic_inc by two threads is safe over all 2 interleavings", "[engine][violations]") {
  preempt::Model m;
  const auto counter = m.shared_int("counter");
  for (const char* name : {"a", "b"}) {
    m.thread(name, [counter](Thread& t) { t.atomic_inc(counter); });
  }
  m.final([counter](Thread& t) { t.assert_that(t.read(counter) == 2, "counter == 2"); });
  const auto result = preempt::explore(m);
  CHECK(result.verdict == Verdict::Safe);
  CHECK(result.executions == 2);
}

TEST_CASE("lock misuse: unlock by a non-owner, unlock of an unlocked mutex, exit holding a lock",
          "[engine][violations]") {
  SECTION("non-owner") {
    preempt::Model m;
    const auto mx = m.mutex("m");
    const auto go = m.shared_int("go");
    m.thread("owner", [mx, go](Thread& t) {
      t.mutex_lock(mx);
      t.write(go, 1);
      t.await_equal(go, 2);
      t.mutex_unlock(mx);
    });
    m.thread("thief", [mx, go](Thread& t) {
      t.await_equal(go, 1);
      t.mutex_unlock(mx);
      t.write(go, 2);
    });
    const auto c = expect_violation(m, ViolationKind::LockMisuse);
    CHECK(c.violation->message == "thief: mutex_unlock(m) by thief, but it is held by owner");
  }
  SECTION("unlocked") {
    preempt::Model m;
    const auto mx = m.mutex("m");
    m.thread("t", [mx](Thread& t) { t.mutex_unlock(mx); });
    const auto c = expect_violation(m, ViolationKind::LockMisuse);
    CHECK(c.violation->message == "t: mutex_unlock(m) by t, but it is not locked");
  }
  SECTION("exit holding") {
    preempt::Model m;
    const auto s = m.spinlock("lock");
    m.thread("t", [s](Thread& t) { t.spin_lock(s); });
    const auto c = expect_violation(m, ViolationKind::LockMisuse);
    CHECK(c.violation->message == "t exits holding spinlock lock");
  }
}

TEST_CASE("sleep-in-atomic: mutex_lock, wait_for_completion and schedule under a spinlock",
          "[engine][violations]") {
  const int which = GENERATE(0, 1, 2);
  preempt::Model m;
  const auto s = m.spinlock("lock");
  const auto mx = m.mutex("m");
  const auto done = m.completion("done");
  m.thread("t", [=](Thread& t) {
    t.spin_lock(s);
    if (which == 0) t.mutex_lock(mx);
    if (which == 1) t.wait_for_completion(done);
    if (which == 2) t.schedule();
    t.spin_unlock(s);
  });
  const auto c = expect_violation(m, ViolationKind::SleepInAtomic);
  const char* op = which == 0 ? "mutex_lock" : which == 1 ? "wait_for_completion" : "schedule";
  CHECK(c.violation->message == std::string("t calls ") + op + " while holding a spinlock");
}

TEST_CASE("use-after-free: kobject_get after the last put", "[engine][violations]") {
  preempt::Model m;
  const auto release = m.function("release", [](Thread&) {});
  const auto k = m.kobject("obj", release);
  m.thread("owner", [k](Thread& t) { t.kobject_put(k); });
  m.thread("user", [k](Thread& t) {
    t.kobject_get(k);
    t.kobject_put(k);
  });
  const auto c = expect_violation(m, ViolationKind::UseAfterFree);
  CHECK(c.violation->message ==
        "user: kobject_get(obj) at line 162 on a count of 0: addition on 0, use-after-free (its last reference was "
        "dropped at step 1)");
}

TEST_CASE("refcount-underflow: a double kobject_put and a module_put below zero", "[engine][violations]") {
  SECTION("kobject") {
    preempt::Model m;
    const auto release = m.function("release", [](Thread&) {});
    const auto k = m.kobject("obj", release);
    m.thread("t", [k](Thread& t) {
      t.kobject_put(k);
      t.kobject_put(k);
    });
    const auto c = expect_violation(m, ViolationKind::RefcountUnderflow);
    CHECK(c.violation->message ==
          "t: kobject_put(obj) at line 178 drops a reference that does not exist: the count is already 0 "
          "(its last reference was dropped at step 1)");
  }
  SECTION("module") {
    preempt::Model m;
    const auto mod = m.module("mod");
    m.thread("t", [mod](Thread& t) { t.module_put(mod); });
    const auto c = expect_violation(m, ViolationKind::RefcountUnderflow);
    CHECK(c.violation->message ==
          "t: module_put(mod) drops a module reference that does not exist: the refcount is already 0");
  }
}

TEST_CASE("unloaded-code: a kthread that drops its module reference and returns into module text",
          "[engine][violations]") {
  for (bool fixed : {false, true}) {
    CAPTURE(fixed);
    preempt::Model m;
    const auto mod = m.module("mod");
    m.init([mod](Thread& t) { t.module_get(mod); });
    m.thread("kthread", mod, [mod, fixed](Thread& t) {
      if (fixed) t.module_put_and_kthread_exit(mod);
      t.module_put(mod);
    });
    m.thread("rmmod", [mod](Thread& t) { t.delete_module(mod); });
    if (fixed) {
      CHECK(preempt::explore(m).verdict == Verdict::Safe);
    } else {
      const auto c = expect_violation(m, ViolationKind::UnloadedCode);
      CHECK(c.violation->message == "kthread returns into kthread: code of module mod, unloaded at step 2");
    }
  }
}

TEST_CASE("delete_module runs the exit function, try_module_get fails once unloading", "[engine][models]") {
  preempt::Model m;
  const auto mod = m.module("mod");
  const auto seen = m.shared_int("seen", -1);
  const auto exit_fn = m.function("mod_exit", mod, [](Thread& t) { t.schedule(); });
  m.set_exit(mod, exit_fn);
  m.thread("rmmod", [mod](Thread& t) { t.assert_that(t.delete_module(mod) == 0, "unloads"); });
  m.thread("opener", [mod, seen](Thread& t) {
    if (t.try_module_get(mod)) {
      t.write(seen, 1);
      t.module_put(mod);
    } else {
      t.write(seen, 0);
    }
  });
  preempt::CheckConfig config;
  config.stop_at_first_violation = false;
  const auto result = preempt::explore(m, config);
  // Whenever the opener got its reference first, delete_module returns -EBUSY: a violation.
  REQUIRE(result.verdict == Verdict::Violation);
  for (const auto& c : result.violations) CHECK(c.violation->kind == ViolationKind::Assertion);
}

TEST_CASE("completion counter semantics: complete_all lets every waiter pass until reinit", "[engine][models]") {
  preempt::Model m;
  const auto c = m.completion("c");
  const auto n = m.shared_int("n");
  m.thread("waker", [c](Thread& t) { t.complete_all(c); });
  for (const char* name : {"w1", "w2", "w3"}) {
    m.thread(name, [c, n](Thread& t) {
      t.wait_for_completion(c);
      t.atomic_inc(n);
    });
  }
  m.final([c, n](Thread& t) {
    t.assert_that(t.read(n) == 3, "all waiters passed");
    t.assert_that(t.completion_done(c), "still done");
    t.reinit_completion(c);
    t.assert_that(!t.try_wait_for_completion(c), "reinit clears it");
  });
  const auto result = preempt::explore(m);
  CHECK(result.verdict == Verdict::Safe);
}

TEST_CASE("threads created during an execution are scheduled like the others", "[engine]") {
  preempt::Model m;
  const auto x = m.shared_int("x");
  m.thread("parent", [x](Thread& t) {
    t.spawn("child", [x](Thread& c) { c.atomic_inc(x); });
    t.atomic_inc(x);
  });
  m.final([x](Thread& t) { t.assert_that(t.read(x) == 2, "both ran"); });
  const auto result = preempt::explore(m);
  CHECK(result.verdict == Verdict::Safe);
  CHECK(result.executions == 2);  // after the spawn, child's inc and parent's inc in either order
}
