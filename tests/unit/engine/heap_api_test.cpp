// The C++ API's structs, heap objects, pointers, kref, refcount_t and nondet: the nbd_config race
// of issue 14 in C++, each heap oracle, and nondet's values counted.
#include "tests/catch.hpp"

#include "checker/api/preempt.hpp"

using preempt::Ptr;
using preempt::Thread;
using preempt::Verdict;
using preempt::ViolationKind;

namespace {

struct Nbd {
  preempt::StructType cfg;
  preempt::Field<preempt::Int> flags;
  preempt::Field<preempt::Kref> ref;
  preempt::PtrVar shared;
  preempt::Function release;
};

// opener allocates a config and publishes it; closer drops the reference and, in the buggy
// version, writes a field after its put.
Nbd build_nbd(preempt::Model& m, bool use_after_put) {
  Nbd n;
  const auto nbd = m.module("nbd");
  n.cfg = m.struct_type("nbd_config");
  n.flags = m.int_field(n.cfg, "flags");
  n.ref = m.kref_field(n.cfg, "ref");
  n.shared = m.shared_pointer("nbd_cfg");
  n.release = m.function_with_result("nbd_config_release", nbd, [](Thread& t, std::int64_t c) -> std::int64_t {
    t.kfree(Ptr{c});
    return 0;
  });
  m.thread("opener", [n](Thread& t) {
    const Ptr c = t.kzalloc(n.cfg);
    t.kref_init(t.at(c, n.ref));
    t.write(c, n.flags, 1);
    t.write(n.shared, c);
  });
  m.thread("closer", [n, use_after_put](Thread& t) {
    const Ptr c = t.read(n.shared);
    if (!c) return;
    const bool released = t.kref_put(t.at(c, n.ref), n.release);
    if (use_after_put) {
      t.write(c, n.flags, 0);
    } else if (released) {
      t.write(n.shared, Ptr{});
    }
  });
  return n;
}

preempt::Counterexample violation_of(const preempt::Model& m, ViolationKind kind) {
  const auto result = preempt::explore(m);
  REQUIRE(result.verdict == Verdict::Violation);
  const preempt::Counterexample& c = result.violations.at(0);
  REQUIRE(c.violation);
  CHECK(c.violation->kind == kind);
  const auto again = preempt::replay(m, c.schedule);
  REQUIRE(again.verdict == Verdict::Violation);
  CHECK(again.violations.at(0).violation->message == c.violation->message);
  return c;
}

}  // namespace

TEST_CASE("api: a field written after the last kref_put is a use-after-free, as KASAN reports it", "[api][heap]") {
  preempt::Model m("nbd_config");
  build_nbd(m, true);
  const auto c = violation_of(m, ViolationKind::UseAfterFree);
  CHECK_THAT(c.violation->message, Catch::Contains("closer writes") &&
                                       Catch::Contains("use-after-free of the struct nbd_config allocated by opener") &&
                                       Catch::Contains("freed by closer"));
}

TEST_CASE("api: the put without a later use is safe, and the freed object is no leak", "[api][heap]") {
  preempt::Model m("nbd_config fixed");
  build_nbd(m, false);
  // (stateful needs threads whose state it can hash: scenario models only)
  for (const auto strategy : {preempt::StrategyKind::Dfs, preempt::StrategyKind::Dpor}) {
    preempt::CheckConfig config;
    config.strategy = strategy;
    const auto result = preempt::explore(m, config);
    INFO(result.error);
    CHECK(result.verdict == Verdict::Safe);
  }
}

TEST_CASE("api: double-free, invalid-free, null-dereference and memory-leak", "[api][heap]") {
  SECTION("double-free") {
    preempt::Model m;
    const auto s = m.struct_type("obj");
    (void)m.int_field(s, "x");
    m.thread("t", [s](Thread& t) {
      const Ptr p = t.kzalloc(s);
      t.kfree(p);
      t.kfree(p);
    });
    const auto c = violation_of(m, ViolationKind::DoubleFree);
    CHECK_THAT(c.violation->message, Catch::Contains("frees the struct obj allocated by t") && Catch::Contains("again"));
  }
  SECTION("invalid-free of a static struct") {
    preempt::Model m;
    const auto s = m.struct_type("obj");
    (void)m.int_field(s, "x");
    const Ptr st = m.static_struct("static_obj", s);
    m.thread("t", [st](Thread& t) { t.kfree(st); });
    const auto c = violation_of(m, ViolationKind::InvalidFree);
    CHECK_THAT(c.violation->message, Catch::Contains("kfree(static_obj)") && Catch::Contains("the static struct obj static_obj"));
  }
  SECTION("null-dereference") {
    preempt::Model m;
    const auto s = m.struct_type("obj");
    const auto x = m.int_field(s, "x");
    const auto shared = m.shared_pointer("p");
    m.thread("t", [x, shared](Thread& t) { t.write(t.read(shared), x, 1); });
    const auto c = violation_of(m, ViolationKind::NullDereference);
    CHECK_THAT(c.violation->message, Catch::Contains("NULL pointer dereference"));
  }
  SECTION("memory-leak: allocated, unreachable at the end") {
    preempt::Model m;
    const auto s = m.struct_type("obj");
    (void)m.int_field(s, "x");
    m.thread("t", [s](Thread& t) { (void)t.kzalloc(s); });
    const auto c = violation_of(m, ViolationKind::MemoryLeak);
    CHECK_THAT(c.violation->message, Catch::Contains("the struct obj allocated by t"));
  }
  SECTION("no leak when a static struct's pointer field holds it") {
    preempt::Model m;
    const auto s = m.struct_type("obj");
    const auto next = m.pointer_field(s, "next");
    const Ptr head = m.static_struct("head", s);
    m.thread("t", [s, next, head](Thread& t) { t.write(head, next, t.kzalloc(s)); });
    CHECK(preempt::explore(m).verdict == Verdict::Safe);
  }
}

TEST_CASE("api: refcount_t warns as lib/refcount.c does", "[api][heap]") {
  SECTION("refcount_inc on 0 is a use-after-free (addition on 0)") {
    preempt::Model m;
    const auto s = m.struct_type("obj");
    const auto users = m.refcount_field(s, "users");
    const auto shared = m.shared_pointer("p");
    m.thread("t", [s, users, shared](Thread& t) {
      const Ptr p = t.kzalloc(s);
      t.write(shared, p);
      t.refcount_inc(t.at(p, users));
    });
    const auto c = violation_of(m, ViolationKind::UseAfterFree);
    CHECK_THAT(c.violation->message, Catch::Contains("addition on 0"));
  }
  SECTION("refcount_dec to 0 leaks; dec_and_test returns true at 0") {
    preempt::Model m;
    const auto s = m.struct_type("obj");
    const auto users = m.refcount_field(s, "users");
    const auto shared = m.shared_pointer("p");
    const auto seen = m.shared_int("seen");
    m.thread("t", [=](Thread& t) {
      const Ptr p = t.kzalloc(s);
      t.write(shared, p);
      t.refcount_set(t.at(p, users), 2);
      t.write(seen, t.refcount_dec_and_test(t.at(p, users)) ? 1 : 0);
      CHECK(t.refcount_read(t.at(p, users)) == 1);
      t.refcount_dec(t.at(p, users));
    });
    const auto c = violation_of(m, ViolationKind::MemoryLeak);
    CHECK_THAT(c.violation->message, Catch::Contains("decrement hit 0, leaking memory"));
  }
}

TEST_CASE("api: a kobject field's release gets the struct that holds it", "[api][heap]") {
  preempt::Model m;
  const auto s = m.struct_type("cdev");
  const auto released = m.shared_int("released");
  const auto release = m.function_with_result("cdev_release", preempt::Module{}, [released](Thread& t, std::int64_t c) {
    t.write(released, 1);
    t.kfree(Ptr{c});
    return std::int64_t{0};
  });
  const auto kobj = m.kobject_field(s, "kobj", release);
  m.thread("t", [=](Thread& t) {
    const Ptr p = t.kzalloc(s);
    t.kobject_get(t.at(p, kobj));  // the field starts at 1
    t.kobject_put(t.at(p, kobj));
    t.kobject_put(t.at(p, kobj));  // the last: the release frees it
  });
  m.final([released](Thread& t) { t.assert_that(t.read(released) == 1, "the release ran"); });
  CHECK(preempt::explore(m).verdict == Verdict::Safe);
}

TEST_CASE("api: nondet explores every value, and a replay names them", "[api][heap][nondet]") {
  preempt::Model m;
  const auto sum = m.shared_int("sum");
  m.thread("a", [sum](Thread& t) { t.write(sum, t.nondet(3)); });
  m.thread("b", [sum](Thread& t) { (void)t.nondet(2); (void)t.read(sum); });
  // dfs: the values 3 x 2, and the 4 steps of a (nondet, write) and b (nondet, read) interleaved
  // 4!/(2!2!) = 6 ways: 36 executions. dpor: only the write and the read race: 6 x 2 = 12.
  preempt::CheckConfig config;
  config.strategy = preempt::StrategyKind::Dfs;
  CHECK(preempt::explore(m, config).executions == 36);
  config.strategy = preempt::StrategyKind::Dpor;
  CHECK(preempt::explore(m, config).executions == 12);
  m.final([sum](Thread& t) { t.assert_that(t.read(sum) != 2, "a chose 2"); });
  const auto result = preempt::explore(m);
  REQUIRE(result.verdict == Verdict::Violation);
  CHECK_THAT(result.violations.at(0).schedule, Catch::Contains("a?2"));
}
