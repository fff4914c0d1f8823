// Resolver: the resolved shape (slots, indices, builtin arguments) and every checking error with
// its exact text.
#include <string>

#include "tests/catch.hpp"

#include "lang_test_support.hpp"

using preempt::lang::AssignOp;
using preempt::lang::Builtin;
using preempt::lang::Expr;
using preempt::lang::ExprKind;
using preempt::lang::ObjectKind;
using preempt::lang::Program;
using preempt::lang::SourceLoc;
using preempt::lang::Stmt;
using preempt::lang::StmtKind;
using preempt::lang::test::compile_ok;
using preempt::lang::test::dump_of;
using preempt::lang::test::error_lines;
using preempt::lang::test::errors_of;
using preempt::lang::test::first_error;

TEST_CASE("resolver: locals get slots and parameters come first", "[resolver]") {
  Program p = compile_ok(
      "int f(int a, int b) { int c = a; { int d = b; } { int e = c; } return c; }\n"
      "thread t { int x = f(1, 2); }\n");
  const auto& f = p.functions.at(0);
  CHECK(f.params.size() == 2);
  CHECK(f.returns_value());
  CHECK(f.body.slot_count == 5);
  CHECK(f.body.slot_names == std::vector<std::string>{"a", "b", "c", "d", "e"});
  CHECK(f.body.end_loc == SourceLoc{1, 74});
  CHECK(dump_of("int f(int a, int b) { int c = a; { int d = b; } { int e = c; } return c; }\n"
                "thread t { int x = f(1, 2); }\n") ==
        "int f(int, int) slots=5\n"
        "  block\n"
        "    local c#2 = a#0\n"
        "    block\n"
        "      local d#3 = b#1\n"
        "    block\n"
        "      local e#4 = c#2\n"
        "    return c#2\n"
        "thread t slots=1\n"
        "  block\n"
        "    local x#0 = (call f 1 2)\n");
}

TEST_CASE("resolver: shadowing of outer locals and of globals", "[resolver]") {
  CHECK(dump_of("int x = 7;\n"
                "thread t { x = 1; int x = x + 1; { int x = x * 2; x++; } x--; }\n") ==
        "int x = 7\n"
        "thread t slots=2\n"
        "  block\n"
        "    assign x = 1\n"
        "    local x#0 = (+ x 1)\n"
        "    block\n"
        "      local x#1 = (* x#0 2)\n"
        "      assign x#1 += 1\n"
        "    assign x#0 -= 1\n");
}

TEST_CASE("resolver: for loops scope their variable, and loops accept break and continue",
          "[resolver]") {
  CHECK(dump_of("thread t { for (int i = 0; i < 3; i++) { if (i == 1) continue; break; } "
                "int i = 5; while (1) { for (;;) break; break; } }") ==
        "thread t slots=2\n"
        "  block\n"
        "    for (local i#0 = 0; (< i#0 3); assign i#0 += 1)\n"
        "      block\n"
        "        if (== i#0 1)\n"
        "          continue\n"
        "        break\n"
        "    local i#1 = 5\n"
        "    while 1\n"
        "      block\n"
        "        for (; ; )\n"
        "          break\n"
        "        break\n");
}

TEST_CASE("resolver: builtin arguments are places: globals and their elements", "[resolver]") {
  Program p = compile_ok(
      "module m; int v; int arr[3]; kobject k release r; kobject ks[2] release ri;\n"
      "completion c; mutex mx[4]; spinlock s;\n"
      "void r() {} void ri(int i) {}\n"
      "thread t[2] { kobject_put(ks[self]); mutex_lock(mx[1]); spin_lock(s); spin_unlock(s);\n"
      "  mutex_unlock(mx[1]); int old = cmpxchg(arr[self], 0, self + 1); atomic_add(5, v);\n"
      "  try_module_get(m); complete(c); kobject_get(k); }\n");
  const Stmt& body = *p.threads.at(0).body.block;
  const Expr& put = *body.children.at(0)->value;
  CHECK(put.kind == ExprKind::CallBuiltin);
  CHECK(put.builtin == Builtin::KobjectPut);
  REQUIRE(put.args.size() == 1);
  CHECK(put.args[0]->kind == ExprKind::Index);
  CHECK(put.args[0]->operand->kind == ExprKind::Global);
  CHECK(p.globals.at(static_cast<std::size_t>(put.args[0]->operand->decl)).name == "ks");
  CHECK(put.args[0]->index->kind == ExprKind::Self);
  CHECK(p.types[put.args[0]->type].object == ObjectKind::Kobject);
  CHECK(put.height == 3);
  const Expr& cmpxchg = *body.children.at(5)->value;
  CHECK(cmpxchg.builtin == Builtin::Cmpxchg);
  CHECK(cmpxchg.args[0]->kind == ExprKind::Index);
  CHECK(p.globals.at(static_cast<std::size_t>(cmpxchg.args[0]->operand->decl)).name == "arr");
  CHECK(cmpxchg.args[1]->kind == ExprKind::IntLit);
  CHECK(cmpxchg.args[2]->kind == ExprKind::Binary);
  const Expr& add = *body.children.at(6)->value;
  CHECK(add.args[0]->kind == ExprKind::IntLit);
  CHECK(add.args[1]->kind == ExprKind::Global);
  const Expr& module_get = *body.children.at(7)->value;
  CHECK(module_get.args[0]->kind == ExprKind::ModuleRef);
  CHECK(p.modules.at(static_cast<std::size_t>(module_get.args[0]->decl)).name == "m");
  const auto global = [&](const char* name) -> const preempt::lang::GlobalDecl& {
    for (const auto& g : p.globals) {
      if (g.name == name) return g;
    }
    FAIL(name);
    return p.globals.front();
  };
  CHECK(global("k").release_function == 0);
  CHECK(global("ks").release_function == 1);
  CHECK(p.types[global("ks").type].length == 2);
  CHECK(p.types[global("mx").type].length == 4);
  CHECK(p.threads.at(0).count == 2);
}

TEST_CASE("resolver: functions may be used before their declaration", "[resolver]") {
  Program p = compile_ok(
      "module m exit bye; kobject k release rel;\n"
      "thread t in m { int x = twice(3); helper(); }\n"
      "int twice(int a) { return a * 2; } void helper() in m { } void rel() {} void bye() {}\n");
  CHECK(p.functions.size() == 4);
  CHECK(p.modules.at(0).exit_function == 3);
  CHECK(p.globals.at(0).release_function == 2);
  CHECK(p.threads.at(0).module == 0);
  CHECK(p.functions.at(1).module == 0);
  CHECK(p.functions.at(0).module == -1);
  const Stmt& body = *p.threads.at(0).body.block;
  CHECK(body.children.at(0)->value->kind == ExprKind::CallUser);
  CHECK(body.children.at(0)->value->decl == 0);
  CHECK(body.children.at(1)->value->decl == 1);
}

TEST_CASE("resolver: assignments, statements and expectations", "[resolver]") {
  Program p = compile_ok(
      "scenario \"all\"; int g = -4; int a[2];\n"
      "init { g = 1; } final { assert(g == 1); }\n"
      "thread t { a[0] += 2; assume(g > 0); await(atomic_read(g) == 1); schedule(); do_exit(); }\n"
      "expect safe; expect executions dfs 3; expect executions dpor 2;\n");
  CHECK(p.title == "all");
  CHECK(p.globals.at(0).init.value == -4);
  CHECK(p.types[p.globals.at(1).type].length == 2);
  REQUIRE(p.init);
  REQUIRE(p.final);
  CHECK(p.final->block->children.at(0)->kind == StmtKind::Assert);
  const Stmt& assign = *p.threads.at(0).body.block->children.at(0);
  CHECK(assign.kind == StmtKind::Assign);
  CHECK(assign.assign_op == AssignOp::Add);
  CHECK(assign.target->kind == ExprKind::Index);
  CHECK(assign.target->index->value == 0);
  CHECK(p.expectation.kind == preempt::lang::Expectation::Kind::Safe);
  CHECK(p.expectation.loc == SourceLoc{4, 1});
  REQUIRE(p.expected_executions.size() == 2);
  CHECK(p.expected_executions[0].strategy == "dfs");
  CHECK(p.expected_executions[0].count == 3);
  CHECK(p.expected_executions[1].strategy == "dpor");
  CHECK(p.expected_executions[1].loc == SourceLoc{4, 39});
}

TEST_CASE("resolver: each violation kind is accepted", "[resolver]") {
  for (const char* kind :
       {"unloaded-code", "use-after-free", "refcount-underflow", "deadlock", "assertion",
        "lock-misuse", "sleep-in-atomic", "out-of-bounds", "division-by-zero", "double-free", "invalid-free",
        "null-dereference", "memory-leak"}) {
    Program p = compile_ok(std::string("thread t {} expect violation ") + kind + ";");
    CHECK(p.expectation.violation == kind);
  }
}

TEST_CASE("resolver: undeclared and duplicate names", "[resolver]") {
  CHECK(errors_of("thread t { x = 1; }") ==
        "t.scn:1:12: error: undeclared name 'x'\n"
        "thread t { x = 1; }\n"
        "           ^\n");
  CHECK(first_error("thread t { f(); }") == "t.scn:1:12: error: undeclared function 'f'");
  CHECK(first_error("int x;\nmutex x;\nthread t {}") ==
        "t.scn:2:7: error: duplicate declaration of 'x' (first declared at 1:5)");
  CHECK(first_error("thread t {} thread t {}") ==
        "t.scn:1:20: error: duplicate declaration of 't' (first declared at 1:8)");
  CHECK(first_error("void f() {} int f() { return 1; } thread t {}") ==
        "t.scn:1:17: error: duplicate declaration of 'f' (first declared at 1:6)");
  // A scenario's own name wins over a builtin's, with a warning (scenarios written before a
  // builtin existed keep their meaning).
  CHECK(first_error("completion complete; thread t {}").empty());
  CHECK(preempt::lang::test::first_warning("completion complete; thread t {}") ==
        "t.scn:1:12: warning: 'complete' is the name of a builtin; this scenario's own 'complete' is used instead of "
        "the builtin");
  CHECK(first_error("thread t { int x; int x; }") ==
        "t.scn:1:23: error: local 'x' is already declared in this scope (at 1:16)");
  CHECK(first_error("void f(int a, int a) {} thread t {}") ==
        "t.scn:1:19: error: parameter 'a' is already declared in this scope (at 1:12)");
  CHECK(first_error("void f(int a) { int a; } thread t {}") ==
        "t.scn:1:21: error: local 'a' is already declared in this scope (at 1:12)");
}

TEST_CASE("resolver: duplicates of once-only declarations", "[resolver]") {
  CHECK(error_lines("scenario \"a\"; scenario \"b\"; init {} init {} final {} final {}\n"
                    "thread t {} expect safe; expect violation deadlock;\n"
                    "expect executions dfs 1; expect executions dfs 2;\n") ==
        "t.scn:1:15: error: more than one 'scenario' title (the first is at 1:1)\n"
        "t.scn:1:37: error: more than one 'init' block (the first is at 1:29)\n"
        "t.scn:1:54: error: more than one 'final' block (the first is at 1:45)\n"
        "t.scn:2:26: error: more than one 'expect safe' or 'expect violation' (the first is at "
        "2:13)\n"
        "t.scn:3:44: error: more than one 'expect executions' for strategy 'dfs' (the first is "
        "at 3:1)\n");
}

TEST_CASE("resolver: expect executions names a strategy", "[resolver]") {
  CHECK(first_error("thread t {} expect executions dpr 3;") ==
        "t.scn:1:31: error: unknown strategy 'dpr' in 'expect executions'; the strategies are: dfs, dpor, random, "
        "pct, stateful");
  for (const char* strategy : {"dfs", "dpor", "random", "pct", "stateful"}) {
    CHECK(first_error(std::string("thread t {} expect executions ") + strategy + " 3;").empty());
  }
}

TEST_CASE("resolver: wrong arity", "[resolver]") {
  CHECK(first_error("void f(int a) {} thread t { f(); }") ==
        "t.scn:1:29: error: f takes 1 argument, but 0 were given");
  CHECK(first_error("int f() { return 0; } thread t { int x = f(1, 2); }") ==
        "t.scn:1:42: error: f takes 0 arguments, but 2 were given");
  CHECK(first_error("completion c; thread t { complete(c, c); }") ==
        "t.scn:1:26: error: complete takes 1 argument, but 2 were given");
  CHECK(first_error("int v; thread t { int x = cmpxchg(v, 1); }") ==
        "t.scn:1:27: error: cmpxchg takes 3 arguments, but 2 were given");
  CHECK(first_error("thread t { schedule(1); }") == "t.scn:1:21: error: expected ')', found '1'");
}

TEST_CASE("resolver: builtin argument of the wrong object kind", "[resolver]") {
  CHECK(first_error("completion kobj_holder; thread t { delete_module(kobj_holder); }") ==
        "t.scn:1:50: error: delete_module expects a module, but 'kobj_holder' is a completion");
  CHECK(first_error("mutex m; thread t { spin_lock(m); }") ==
        "t.scn:1:31: error: spin_lock expects a spinlock, but 'm' is a mutex");
  CHECK(first_error("module m; thread t { kobject_get(m); }") ==
        "t.scn:1:34: error: kobject_get expects a kobject, but 'm' is a module");
  CHECK(first_error("int v; thread t { mutex_lock(v); }") ==
        "t.scn:1:30: error: mutex_lock expects a mutex, but 'v' is a shared int");
  CHECK(first_error("thread t { int l; complete(l); }") ==
        "t.scn:1:28: error: complete expects a completion, but 'l' is a local int");
  CHECK(first_error("thread t { complete(1 + 2); }") ==
        "t.scn:1:23: error: complete expects a completion, but got an expression");
  CHECK(first_error("thread t { complete(nothing); }") ==
        "t.scn:1:21: error: undeclared name 'nothing'");
  CHECK(first_error("mutex m[2]; thread t { mutex_lock(m); }") ==
        "t.scn:1:35: error: mutex_lock expects a mutex, but 'm' is an array of mutexes; use an "
        "element: m[i]");
  CHECK(first_error("mutex m; thread t { mutex_lock(m[0]); }") ==
        "t.scn:1:32: error: 'm' is a mutex, not an array");
  CHECK(first_error("module m; thread t { module_put(m[0]); }") ==
        "t.scn:1:33: error: 'm' is a module, not an array");
}

TEST_CASE("resolver: shared int (I) arguments", "[resolver]") {
  CHECK(first_error("thread t { int l; atomic_inc(l); }") ==
        "t.scn:1:30: error: atomic_inc expects a shared int, but 'l' is a local int");
  CHECK(first_error("int a[2]; thread t { atomic_inc(a); }") ==
        "t.scn:1:33: error: atomic_inc expects a shared int, but 'a' is a shared int array; use an element: a[i]");
  CHECK(first_error("int s; thread t { atomic_inc(s[1]); }") ==
        "t.scn:1:30: error: 's' is a shared int, not an array");
  CHECK(first_error("int s; thread t { atomic_set(s + 1, 2); }") ==
        "t.scn:1:32: error: atomic_set expects a shared int, but got an expression");
  CHECK(first_error("completion c; thread t { atomic_dec(c); }") ==
        "t.scn:1:37: error: atomic_dec expects a shared int, but 'c' is a completion");
}

TEST_CASE("resolver: objects and other non-values where an int is expected", "[resolver]") {
  CHECK(first_error("completion c; thread t { int x = c; }") ==
        "t.scn:1:34: error: expected an int value, but 'c' is a completion");
  CHECK(first_error("kobject k[2] release r; void r() {} thread t { int x = k[0] + 1; }") ==
        "t.scn:1:56: error: expected a value, but k[0] is a kobject");
  CHECK(first_error("void f() {} thread t { int x = f; }") ==
        "t.scn:1:32: error: 'f' is a function, not an int");
  CHECK(first_error("thread t { int x = t; }") ==
        "t.scn:1:20: error: expected an int value, but 't' is a thread");
  CHECK(first_error("int a[3]; thread t { int x = a; }") ==
        "t.scn:1:30: error: 'a' is a shared int array; use an element: a[i]");
  CHECK(first_error("thread t { int l; int x = l[0]; }") ==
        "t.scn:1:27: error: 'l' is a local int, not an array");
}

TEST_CASE("resolver: void calls used as values", "[resolver]") {
  CHECK(first_error("void f() {} thread t { int x = f() + 1; }") ==
        "t.scn:1:32: error: 'f' is a void function; it has no value to use");
  CHECK(first_error("completion c; thread t { if (complete(c)) {} }") ==
        "t.scn:1:30: error: complete returns no value; it cannot be used in an expression");
  // Int results may be discarded.
  CHECK(
      errors_of("int f() { return 1; } completion c; thread t { f(); try_wait_for_completion(c); }")
          .empty());
}

TEST_CASE("resolver: calls of non-functions", "[resolver]") {
  CHECK(first_error("mutex m; thread t { m(); }") ==
        "t.scn:1:21: error: 'm' is a mutex, not a function");
  CHECK(first_error("thread t { int f; f(); }") ==
        "t.scn:1:19: error: 'f' is a local int, not a function");
}

TEST_CASE("resolver: assignment targets", "[resolver]") {
  CHECK(first_error("completion c; thread t { c = 1; }") ==
        "t.scn:1:26: error: cannot assign to 'c': it is a completion");
  CHECK(first_error("void f() {} thread t { f += 1; }") ==
        "t.scn:1:24: error: cannot assign to 'f': it is a function");
  CHECK(first_error("int a[2]; thread t { a = 1; }") ==
        "t.scn:1:22: error: 'a' is a shared int array; use an element: a[i]");
  CHECK(first_error("int s; thread t { s[0]++; }") ==
        "t.scn:1:19: error: 's' is a shared int, not an array");
  CHECK(first_error("thread t { y--; }") == "t.scn:1:12: error: undeclared name 'y'");
}

TEST_CASE("resolver: self only in thread arrays", "[resolver]") {
  CHECK(errors_of("int a[4]; thread t[4] { a[self] = self; }").empty());
  CHECK(first_error("thread t { int x = self; }") ==
        "t.scn:1:20: error: 'self' is only allowed in the body of a thread array (thread NAME[N])");
  CHECK(first_error("int f() { return self; } thread t[2] { f(); }") ==
        "t.scn:1:18: error: 'self' is only allowed in the body of a thread array (thread NAME[N])");
  CHECK(first_error("init { int x = self; } thread t {}") ==
        "t.scn:1:16: error: 'self' is only allowed in the body of a thread array (thread NAME[N])");
}

TEST_CASE("resolver: break and continue outside loops", "[resolver]") {
  CHECK(first_error("thread t { break; }") == "t.scn:1:12: error: 'break' outside a loop");
  CHECK(first_error("thread t { if (1) { continue; } }") ==
        "t.scn:1:21: error: 'continue' outside a loop");
  CHECK(first_error("void f() { break; } thread t { while (1) f(); }") ==
        "t.scn:1:12: error: 'break' outside a loop");
}

TEST_CASE("resolver: return with and without a value", "[resolver]") {
  CHECK(first_error("int g() { return; } thread t {}") ==
        "t.scn:1:11: error: 'return' without a value in int function 'g'");
  CHECK(first_error("void h() { return 1; } thread t {}") ==
        "t.scn:1:12: error: 'return' with a value in void function 'h'");
  CHECK(first_error("thread t { return 1; }") ==
        "t.scn:1:12: error: 'return' with a value in thread 't'");
  CHECK(first_error("init { return 0; } thread t {}") ==
        "t.scn:1:8: error: 'return' with a value in init");
  CHECK(first_error("final { return 0; } thread t {}") ==
        "t.scn:1:9: error: 'return' with a value in final");
  CHECK(
      errors_of("int f() { if (1) return 2; } void g() { return; } thread t { return; }").empty());
}

TEST_CASE("resolver: await conditions are pure", "[resolver]") {
  CHECK(first_error("int f() { return 1; } thread t { await(f() == 1); }") ==
        "t.scn:1:40: error: an await condition cannot call function 'f': only atomic_read, "
        "completion_done, kref_read and refcount_read may be called in it");
  CHECK(first_error("completion c; thread t { await(try_wait_for_completion(c)); }") ==
        "t.scn:1:32: error: an await condition cannot call try_wait_for_completion: only "
        "atomic_read, completion_done, kref_read and refcount_read may be called in it");
  CHECK(errors_of("int v; completion c; thread t { await(atomic_read(v) == 1 || completion_done(c) "
                  "|| v > 2); }")
            .empty());
  // assert and assume may call anything that returns int.
  CHECK(errors_of("int f() { return 1; } thread t { assert(f() == 1); assume(f()); }").empty());
}

TEST_CASE("resolver: release and exit functions", "[resolver]") {
  CHECK(first_error("kobject k release nope; thread t {}") ==
        "t.scn:1:19: error: undeclared release function 'nope'");
  CHECK(first_error("completion c; kobject k release c; thread t {}") ==
        "t.scn:1:33: error: release function 'c' is a completion, not a function");
  CHECK(first_error("int r() { return 0; } kobject k release r; thread t {}") ==
        "t.scn:1:41: error: release function 'r' must be void");
  CHECK(first_error("void r(int i) {} kobject k release r; thread t {}") ==
        "t.scn:1:36: error: release function 'r' of kobject 'k' must take no parameters");
  CHECK(first_error("void r(int i, int j) {} kobject k[2] release r; thread t {}") ==
        "t.scn:1:46: error: release function 'r' of kobject array 'k' must take no parameter or "
        "one (the element index)");
  CHECK(errors_of("void r(int i) {} void q() {} kobject k[2] release r; kobject j[2] release q; "
                  "thread t {}")
            .empty());
  CHECK(first_error("module m exit e; int e() { return 0; } thread t {}") ==
        "t.scn:1:15: error: exit function 'e' of module 'm' must be void and take no parameters");
  CHECK(first_error("module m exit e; thread t {}") ==
        "t.scn:1:15: error: undeclared exit function 'e'");
}

TEST_CASE("resolver: 'in X' must name a module", "[resolver]") {
  CHECK(first_error("completion c; thread t in c { }") ==
        "t.scn:1:27: error: 'c' is a completion, not a module");
  CHECK(first_error("void q() in zz {} thread t {}") ==
        "t.scn:1:13: error: undeclared module 'zz'");
}

TEST_CASE("resolver: unknown violation kind lists the valid ones", "[resolver]") {
  CHECK(first_error("thread t {}\nexpect violation use-after-freed;") ==
        "t.scn:2:18: error: unknown violation kind 'use-after-freed'; the kinds are: "
        "unloaded-code, use-after-free, refcount-underflow, deadlock, assertion, lock-misuse, "
        "sleep-in-atomic, out-of-bounds, division-by-zero, double-free, invalid-free, null-dereference, "
        "memory-leak");
  CHECK(first_error("thread t {} expect violation race;") ==
        "t.scn:1:30: error: unknown violation kind 'race'; the kinds are: unloaded-code, "
        "use-after-free, refcount-underflow, deadlock, assertion, lock-misuse, sleep-in-atomic, "
        "out-of-bounds, division-by-zero, double-free, invalid-free, null-dereference, memory-leak");
}

TEST_CASE("resolver: a scenario needs a thread", "[resolver]") {
  CHECK(errors_of("") ==
        "t.scn:1:1: error: scenario has no thread\n"
        "\n"
        "^\n");
  CHECK(first_error("int x;\nvoid f() {}\n") == "t.scn:3:1: error: scenario has no thread");
  CHECK(first_error("// only a comment") == "t.scn:1:18: error: scenario has no thread");
}

TEST_CASE("resolver: errors in several bodies are all reported", "[resolver]") {
  CHECK(error_lines("thread a { x = 1; }\nthread b { y = 2; }\nvoid f() { break; }\n") ==
        "t.scn:1:12: error: undeclared name 'x'\n"
        "t.scn:2:12: error: undeclared name 'y'\n"
        "t.scn:3:12: error: 'break' outside a loop\n");
}

TEST_CASE("resolver: at most 20 errors, then 'too many errors'", "[resolver]") {
  std::string text = "thread t {\n";
  for (int i = 0; i < 50; ++i) text += "  x = 1;\n";
  text += "}\n";
  std::string lines = error_lines(text);
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 21);
  CHECK(lines.find("t.scn:21:3: error: undeclared name 'x'\n") != std::string::npos);
  CHECK(lines.substr(lines.rfind("t.scn:")) ==
        "t.scn:22:3: error: too many errors (more than 20); stopping\n");
}
