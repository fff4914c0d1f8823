// The interpreter's semantics, builtin by builtin, through the library API: a scenario text is
// loaded, explored, and the verdict, violation and trace are checked.
#include "tests/catch.hpp"

#include "checker/explore/explorer.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/report/step_text.hpp"

namespace {

struct Outcome {
  preempt::ExploreResult result;
  std::string errors;
  std::vector<std::string> trace;  // "thread: op | note" of the first violation
};

Outcome run(const std::string& text, preempt::CheckConfig config = {}, preempt::interp::VmLimits limits = {}) {
  Outcome out;
  auto scenario = preempt::interp::load_scenario_text("test.scn", text, &out.errors, limits);
  if (!scenario) return out;
  out.result = preempt::explore(scenario->model(), config);
  if (!out.result.violations.empty()) {
    const auto& c = out.result.violations[0];
    for (const auto& e : c.trace) {
      const auto s = preempt::describe_step(e, scenario->layout(), c.thread_names);
      out.trace.push_back(c.thread_names[e.thread] + ": " + s.op + " | " + s.note);
    }
  }
  return out;
}

std::string kind_of(const Outcome& o) {
  if (o.result.violations.empty()) return preempt::verdict_name(o.result.verdict);
  return std::string(preempt::violation_spelling(o.result.violations[0].violation->kind));
}

const std::string& message_of(const Outcome& o) { return o.result.violations.at(0).violation->message; }

}  // namespace

TEST_CASE("language closed forms: K threads of S independent writes", "[interp][closed-form]") {
  const auto [threads, steps, expected] =
      GENERATE(table<int, int, std::uint64_t>({{2, 3, 20}, {2, 5, 252}, {3, 3, 1680}, {3, 4, 34650}}));
  std::string text = "int x[" + std::to_string(threads) + "];\n";
  text += "thread t[" + std::to_string(threads) + "] {\n  for (int i = 0; i < " + std::to_string(steps) +
          "; i++) { x[self] = i; }\n}\nexpect safe;\n";
  const auto o = run(text);
  REQUIRE(o.errors.empty());
  CHECK(o.result.verdict == preempt::Verdict::Safe);
  CHECK(o.result.executions == expected);
}

TEST_CASE("shared reads and writes are separate steps: a lost update", "[interp]") {
  const auto o = run(R"(
int counter;
thread a { counter = counter + 1; }
thread b { counter += 1; }
final { assert(counter == 2); }
)");
  REQUIRE(o.errors.empty());
  CHECK(kind_of(o) == "assertion");
  CHECK(message_of(o) == "final: assert(counter == 2) failed at line 5");
  CHECK(o.result.violations[0].trace.back().op.kind == preempt::OpKind::Fail);
  CHECK(o.trace.back() == "final: assert(counter == 2) | assertion");
}

TEST_CASE("atomics: each one step, with kernel return values", "[interp][atomics]") {
  const auto o = run(R"(
int v = 5;
int a[2];
thread t {
  assert(atomic_read(v) == 5);
  atomic_set(v, 1);
  atomic_inc(v);
  atomic_dec(v);
  atomic_add(10, v);
  atomic_sub(3, v);
  assert(v == 8);
  assert(atomic_dec_and_test(v) == 0);
  assert(atomic_inc_return(v) == 8);
  assert(atomic_dec_return(v) == 7);
  assert(cmpxchg(v, 7, 9) == 7);
  assert(cmpxchg(v, 7, 11) == 9);
  assert(xchg(v, 1) == 9);
  assert(atomic_dec_and_test(v) == 1);
  atomic_inc(a[1]);
  assert(a[0] == 0 && a[1] == 1);
}
expect safe;
)");
  REQUIRE(o.errors.empty());
  CHECK(o.result.verdict == preempt::Verdict::Safe);
  CHECK(o.result.executions == 1);
}

TEST_CASE("kobject: get, get_unless_zero, put, release in the putting thread with the array index", "[interp][kobject]") {
  const auto o = run(R"(
int released[2];
kobject obj[2] release obj_release;
void obj_release(int i) { released[i] = released[i] + 1; }
thread t {
  kobject_get(obj[1]);
  assert(kobject_get_unless_zero(obj[1]) == 1);
  kobject_put(obj[1]);
  kobject_put(obj[1]);
  assert(released[1] == 0);
  kobject_put(obj[1]);
  assert(released[1] == 1);
  assert(kobject_get_unless_zero(obj[1]) == 0);
  kobject_put(obj[0]);
  assert(released[0] == 1);
}
expect safe;
)");
  REQUIRE(o.errors.empty());
  CHECK(o.result.verdict == preempt::Verdict::Safe);

  const auto uaf = run(R"(
kobject k release r;
void r() {}
thread t { kobject_put(k); kobject_get(k); }
)");
  CHECK(kind_of(uaf) == "use-after-free");
  const auto underflow = run(R"(
kobject k release r;
void r() {}
thread t { kobject_put(k); kobject_put(k); }
)");
  CHECK(kind_of(underflow) == "refcount-underflow");
}

TEST_CASE("completion: done counter, try_wait, completion_done, complete_all, reinit", "[interp][completion]") {
  const auto o = run(R"(
completion c;
thread t {
  assert(completion_done(c) == 0);
  assert(try_wait_for_completion(c) == 0);
  complete(c);
  complete(c);
  wait_for_completion(c);
  assert(try_wait_for_completion(c) == 1);
  assert(completion_done(c) == 0);
  complete_all(c);
  wait_for_completion(c);
  wait_for_completion(c);
  assert(completion_done(c) == 1);
  reinit_completion(c);
  assert(completion_done(c) == 0);
}
expect safe;
)");
  REQUIRE(o.errors.empty());
  CHECK(o.result.verdict == preempt::Verdict::Safe);
  const auto stuck = run("completion c;\nthread waiter { wait_for_completion(c); }\n");
  CHECK(kind_of(stuck) == "deadlock");
  CHECK(message_of(stuck) == "no thread can run: waiter waits for completion c (done = 0)");
}

TEST_CASE("locks: trylock, owner checks, sleep-in-atomic, held at exit", "[interp][locks]") {
  const auto ok = run(R"(
mutex m;
spinlock s;
thread t {
  assert(mutex_trylock(m) == 1);
  assert(mutex_trylock(m) == 0);
  mutex_unlock(m);
  spin_lock(s);
  assert(spin_trylock(s) == 0);
  spin_unlock(s);
}
expect safe;
)");
  REQUIRE(ok.errors.empty());
  CHECK(ok.result.verdict == preempt::Verdict::Safe);
  CHECK(kind_of(run("mutex m;\nthread t { mutex_unlock(m); }\n")) == "lock-misuse");
  CHECK(kind_of(run("mutex m;\nthread t { mutex_lock(m); }\n")) == "lock-misuse");
  CHECK(kind_of(run("spinlock s;\nthread t { spin_lock(s); schedule(); spin_unlock(s); }\n")) == "sleep-in-atomic");
  const auto self_deadlock = run("mutex m;\nthread t { mutex_lock(m); mutex_lock(m); }\n");
  CHECK(kind_of(self_deadlock) == "deadlock");
  CHECK(message_of(self_deadlock) == "no thread can run: t waits for mutex m, held by t");
}

TEST_CASE("modules: try_module_get fails once unloading, delete_module results, exit function", "[interp][module]") {
  const auto o = run(R"(
module m exit m_exit;
int exited;
void m_exit() in m { exited = 1; }
thread t {
  assert(try_module_get(m) == 1);
  assert(delete_module(m) == -16);
  module_put(m);
  assert(delete_module(m) == 0);
  assert(exited == 1);
  assert(try_module_get(m) == 0);
  assert(delete_module(m) == -2);
}
expect safe;
)");
  REQUIRE(o.errors.empty());
  CHECK(o.result.verdict == preempt::Verdict::Safe);
  CHECK(kind_of(run("module m;\nthread t { module_put(m); }\n")) == "refcount-underflow");
  CHECK(kind_of(run("module m;\nthread t { delete_module(m); __module_get(m); }\n")) == "use-after-free");
}

TEST_CASE("unloaded-code: a call into, a step inside, and the return from module code", "[interp][module]") {
  const auto call = run("module m;\nvoid f() in m { }\nthread t { delete_module(m); f(); }\n");
  CHECK(kind_of(call) == "unloaded-code");
  CHECK(message_of(call) == "t calls f: code of module m, unloaded at step 1");
  const auto inside = run("module m;\nint x;\nthread t in m { delete_module(m); x = 1; }\n");
  CHECK(kind_of(inside) == "unloaded-code");
  // delete_module, a primitive, returns into the code it was called from: gone.
  CHECK(message_of(inside) == "t returns into t: code of module m, unloaded at step 1");
  const auto first = run("module m;\nint x;\nthread r { delete_module(m); }\nthread t in m { x = 1; }\n");
  CHECK(kind_of(first) == "unloaded-code");
  CHECK(message_of(first) == "t executes write in t: code of module m, unloaded at step 1");
  const auto ret = run("module m;\nthread t in m { delete_module(m); }\n");
  CHECK(kind_of(ret) == "unloaded-code");
  CHECK(message_of(ret) == "t returns into t: code of module m, unloaded at step 1");
  const auto callee = run("module m;\nvoid f() in m { }\nthread t { f(); }\nthread r { delete_module(m); }\n");
  CHECK(kind_of(callee) == "unloaded-code");
  const auto exit_in_builtin = run("module m;\nthread t in m { module_put_and_kthread_exit(m); }\ninit { __module_get(m); }\nthread r { delete_module(m); }\nexpect safe;\n");
  CHECK(exit_in_builtin.result.verdict == preempt::Verdict::Safe);
}

TEST_CASE("control: await blocks without busy-waiting, do_exit from depth, assume drops", "[interp][control]") {
  const auto handoff = run(R"(
int data;
int flag;
thread producer { data = 42; flag = 1; }
thread consumer { await(flag == 1); assert(data == 42); }
expect safe;
)");
  REQUIRE(handoff.errors.empty());
  CHECK(handoff.result.verdict == preempt::Verdict::Safe);
  CHECK(handoff.result.executions == 1);  // the consumer can only pass after both writes

  const auto blocked = run("int flag;\nthread t { await(flag == 1); }\n");
  CHECK(kind_of(blocked) == "deadlock");
  CHECK(message_of(blocked) == "no thread can run: t waits until flag == 1");

  const auto exits = run(R"(
int x;
void deep(int n) { if (n == 0) { do_exit(); } deep(n - 1); x = 99; }
thread t { deep(5); x = 1; }
final { assert(x == 0); }
expect safe;
)");
  REQUIRE(exits.errors.empty());
  CHECK(exits.result.verdict == preempt::Verdict::Safe);

  const auto dropped = run("int x;\nthread b { assume(x == 1); assert(0); }\nthread a { x = 1; }\n");
  CHECK(kind_of(dropped) == "assertion");
  CHECK(dropped.result.dropped == 1);
}

TEST_CASE("faults: out-of-bounds and division by zero are violations with their line", "[interp][faults]") {
  const auto oob = run("int a[3];\nthread t {\n  int i = 3;\n  a[i] = 1;\n}\n");
  CHECK(kind_of(oob) == "out-of-bounds");
  CHECK(message_of(oob) == "t: index 3 is out of bounds for a[3] at line 4");
  const auto div = run("int x;\nthread t { int z = 0; x = 1 / z; }\n");
  CHECK(kind_of(div) == "division-by-zero");
  const auto oob_await = run("int a[2];\nthread t { int i = 5; await(a[i] == 0); }\n");
  CHECK(kind_of(oob_await) == "out-of-bounds");
}

TEST_CASE("arithmetic: C semantics on 64-bit values, wrapping, short-circuit", "[interp]") {
  const auto o = run(R"(
int hits;
int touch() { hits = hits + 1; return 1; }
thread t {
  assert(7 / 2 == 3 && -7 / 2 == -3 && -7 % 2 == -1);
  assert((1 << 3) == 8 && (-16 >> 2) == -4 && (6 & 3) == 2 && (6 | 3) == 7 && (6 ^ 3) == 5);
  assert(~0 == -1 && !5 == 0 && -(-3) == 3);
  assert(9223372036854775807 + 1 < 0);
  int r = 0 && touch();
  r = 1 || touch();
  assert(hits == 0);
  r = 1 && touch();
  assert(hits == 1 && r == 1);
}
expect safe;
)");
  REQUIRE(o.errors.empty());
  CHECK(o.result.verdict == preempt::Verdict::Safe);
}

TEST_CASE("limits: endless recursion is a model error naming the function, an endless local loop is incomplete",
          "[interp][limits]") {
  const auto recursion = run("int f(int n) { return f(n + 1); }\nthread t { int x = f(0); }\n");
  CHECK(recursion.result.verdict == preempt::Verdict::Error);
  CHECK_THAT(recursion.result.error, Catch::Contains("call depth limit (1000) exceeded: f (line 1)"));

  preempt::interp::VmLimits limits;
  limits.max_local_instructions = 100000;
  const auto spin = run("thread t {\n  int i = 0;\n  while (1) {\n    i = i + 1;\n  }\n}\n", {}, limits);
  CHECK(spin.result.verdict == preempt::Verdict::Incomplete);
  REQUIRE_FALSE(spin.result.incomplete_reasons.empty());
  CHECK_THAT(spin.result.incomplete_reasons[0], Catch::StartsWith("thread t loops without end at line"));

  preempt::CheckConfig config;
  config.max_steps = 100;
  const auto visible = run("int x;\nthread t {\n  while (1) { x = x + 1; }\n}\n", config);
  CHECK(visible.result.verdict == preempt::Verdict::Incomplete);
  REQUIRE_FALSE(visible.result.incomplete_reasons.empty());
  CHECK_THAT(visible.result.incomplete_reasons[0],
             Catch::Contains("exceeded the step limit (100 steps): thread t keeps running at line 3 (a loop spinning on shared state?"));

  // An iteration that changes nothing (x already 1) would repeat itself for ever: a hang.
  const auto same = run("int x;\nthread t {\n  while (1) { x = 1; }\n}\n", config);
  CHECK(kind_of(same) == "deadlock");
  REQUIRE_FALSE(same.result.violations.empty());
  CHECK_THAT(message_of(same),
             Catch::Contains("t spins for ever at line 3: each iteration of while (1) changes nothing"));
}

TEST_CASE("thread arrays: self is the copy's index, names are name(i) with brackets", "[interp]") {
  const auto o = run("int seen[3];\nthread w[3] { seen[self] = self + 1; }\nfinal { assert(seen[0] + seen[1] + seen[2] == 7); }\n");
  REQUIRE(o.errors.empty());
  CHECK(kind_of(o) == "assertion");
  REQUIRE_FALSE(o.result.violations.empty());
  CHECK(o.result.violations[0].thread_names[2] == "w[2]");
}
