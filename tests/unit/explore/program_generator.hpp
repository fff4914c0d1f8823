#pragma once
// Generates small random scenario programs for differential testing of the strategies: a few
// threads over shared ints, a mutex, a completion, a kobject and a module, with a final check.
// The blocking profile stresses steps that can block: awaits on conditions over two variables or
// a local, locks held across writes, spinlocks, waits, completions that are reset -- the steps
// whose reversals partial-order reduction must check can run. The spinning profile adds spin
// loops to it: on a condition, a test-and-set lock, a trylock, and loops whose iterations may
// repeat themselves (an exit in the middle, reads into dead locals, a write of the value found).
// With `loops` (general profile),
// statements may also be loops that can run for ever (spins, toggles): cycles in the state graph,
// for the stateful strategy. Loop bodies only write constants or toggle, so the state space stays
// finite. Deterministic for a given seed, on every compiler (see join()).
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>

namespace preempt::test {

class ProgramGenerator {
 public:
  enum class Profile : std::uint8_t { General, Blocking, Spinning };
  explicit ProgramGenerator(std::uint32_t seed, Profile profile = Profile::General)
      : rng_(seed), profile_(profile), loops_(false) {}
  ProgramGenerator(std::uint32_t seed, bool loops) : rng_(seed), profile_(Profile::General), loops_(loops) {}

  std::string generate() {
    if (profile_ != Profile::General) return generate_blocking();
    std::string s = "module mod;\nint x;\nint y;\nint a[2];\nmutex m;\ncompletion c;\n"
                    "kobject k release k_release;\nvoid k_release() in mod { y = y + 1; }\n"
                    "init { __module_get(mod); }\n";
    if (loops_) s += "int p0;\nint p1;\nint p2;\n";  // one private variable per thread
    const int threads = pick(2, 3);
    for (int t = 0; t < threads; ++t) {
      thread_ = t;
      s += "thread t" + std::to_string(t) + (pick(0, 4) == 0 ? " in mod" : "") + " {\n";
      const int statements = pick(1, 3);
      for (int i = 0; i < statements; ++i) s += "  " + statement() + "\n";
      s += "}\n";
    }
    s += "final { " + final_check() + " }\n";
    return s;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  // Concatenates in order: the elements of a braced list are evaluated left to right, the operands
  // of + in an unspecified order (so `var() + var()` would give other programs on other compilers).
  static std::string join(std::initializer_list<std::string> parts) {
    std::string s;
    for (const std::string& part : parts) s += part;
    return s;
  }
  std::string var() {
    switch (pick(0, 3)) {
      case 0: return "x";
      case 1: return "y";
      case 2: return "a[0]";
      default: return "a[1]";
    }
  }
  std::string statement() {
    if (loops_ && pick(0, 3) == 0) return loop();
    switch (pick(0, 15)) {
      case 0: return join({var(), " = ", var(), " + 1;"});
      case 1: return join({var(), " = ", std::to_string(pick(0, 2)), ";"});
      case 2: return "atomic_inc(" + var() + ");";
      case 3: return join({"if (", var(), " == ", std::to_string(pick(0, 1)), ") { ", var(), " = 2; }"});
      case 4: return join({"mutex_lock(m); ", var(), " = ", var(), " + 1; mutex_unlock(m);"});
      case 5: return "complete(c);";
      case 6: return "wait_for_completion(c);";
      case 7: return "await(" + var() + " > 0);";
      case 8: return join({"{ int r = cmpxchg(", var(), ", 0, ", std::to_string(pick(1, 2)), "); }"});
      case 9: return "if (kobject_get_unless_zero(k)) { kobject_put(k); }";
      case 10: return "kobject_put(k);";
      case 11: return "if (try_module_get(mod)) { " + var() + " = 1; module_put(mod); }";
      case 12: return "module_put(mod); delete_module(mod);";
      case 13: return "assume(" + var() + " != 2);";
      case 14: return "if (mutex_trylock(m)) { " + var() + " = 3; mutex_unlock(m); }";
      default: return join({"{ int v = ", var(), "; ", var(), " = v * 2; }"});
    }
  }
  std::string loop() {
    const std::string own = "p" + std::to_string(thread_);
    switch (pick(0, 8)) {
      case 8: return join({"while (xchg(", var(), ", 1) != 1 && ", var(), " == 0) { }"});  // a pass may write
      case 6: return "while (" + own + " != 2) { " + own + " = 1 - " + own + "; }";  // for ever, alone
      case 7: return "while (" + var() + " == 0) { " + own + " = 1 - " + own + "; }";
      case 0: return join({"while (", var(), " < 2) { ", var(), " = 1 - ", var(), "; }"});
      case 1: return "while (" + var() + " == 0) { schedule(); }";
      case 2: return join({"while (1) { if (", var(), " != 0) { break; } ", var(), " = 1 - ", var(), "; }"});
      case 3: return "for (int i = 0; i < 2; i++) { a[i] = a[i] + " + var() + "; }";
      case 4: return "while (mutex_trylock(m) == 0) { } " + var() + " = 0; mutex_unlock(m);";
      default: return join({"while (", var(), " != 1) { ", var(), " = ", std::to_string(pick(0, 1)), "; }"});
    }
  }
  std::string final_check() {
    switch (pick(0, 2)) {
      case 0: return join({"assert(", var(), " != ", std::to_string(pick(1, 3)), ");"});
      case 1: return join({"assert(x + y < ", std::to_string(pick(2, 5)), ");"});
      default: return "";
    }
  }

  std::string generate_blocking() {
    std::string s = "int x;\nint y;\nint z;\nmutex m;\nspinlock l;\ncompletion c;\n";
    const int threads = pick(2, 4);
    for (int t = 0; t < threads; ++t) {
      s += "thread t" + std::to_string(t) + " {\n";
      const int statements = pick(1, threads == 4 ? 2 : 3);
      for (int i = 0; i < statements; ++i) s += "  " + blocking_statement() + "\n";
      s += "}\n";
    }
    switch (pick(0, 2)) {
      case 0: s += join({"final { assert(", small_var(), " != ", std::to_string(pick(1, 2)), "); }\n"}); break;
      case 1: s += "final { assert(x + y + z < " + std::to_string(pick(2, 4)) + "); }\n"; break;
      default: break;
    }
    return s;
  }
  std::string small_var() {
    switch (pick(0, 2)) {
      case 0: return "x";
      case 1: return "y";
      default: return "z";
    }
  }
  std::string condition() {
    const char* ops[] = {" == ", " != ", " > "};
    const std::string c = join({small_var(), ops[pick(0, 2)], std::to_string(pick(0, 2))});
    switch (pick(0, 2)) {
      case 0: return c;
      case 1: return join({c, " && ", small_var(), ops[pick(0, 2)], std::to_string(pick(0, 1))});
      default: return join({c, " || ", small_var(), ops[pick(0, 2)], std::to_string(pick(0, 1))});
    }
  }
  std::string blocking_statement() {
    switch (pick(0, profile_ == Profile::Spinning ? 21 : 13)) {
      case 0: case 1: return "await(" + condition() + ");";
      case 2: return join({small_var(), " = ", std::to_string(pick(0, 2)), ";"});
      case 3: return "atomic_inc(" + small_var() + ");";
      case 4: return join({"mutex_lock(m); ", small_var(), " = ", std::to_string(pick(0, 2)), "; mutex_unlock(m);"});
      case 5: return "mutex_lock(m); await(" + condition() + "); mutex_unlock(m);";
      case 6: return join({"spin_lock(l); ", small_var(), " = ", small_var(), " + 1; spin_unlock(l);"});
      case 7: return "complete(c);";
      case 8: return "wait_for_completion(c);";
      case 9: return pick(0, 1) == 0 ? "reinit_completion(c);" : "complete_all(c);";
      case 10: return "await(completion_done(c) || " + condition() + ");";
      case 11: return join({"{ int r = ", small_var(), "; await(", small_var(), " != r); }"});
      case 12: return "if (mutex_trylock(m)) { " + small_var() + " = 1; mutex_unlock(m); }";
      case 13: return join({"for (int i = 0; i < 2; i++) { await(", small_var(), " >= i); ", small_var(), " = i; }"});
      case 14: return "while (" + condition() + ") { }";
      case 15: return join({"while (xchg(z, 1) == 1) { } ", small_var(), " = ", small_var(), " + 1; z = 0;"});
      case 16: return join({"while (!mutex_trylock(m)) { schedule(); } ", small_var(), " = 1; mutex_unlock(m);"});
      // Loops whose iterations may repeat themselves (reads into dead locals, a write of the value
      // found, an exit in the middle): the thread stops at an iteration that changed nothing.
      case 17: return "for (;;) { if (" + condition() + ") { break; } }";
      case 18: return join({"while (", condition(), ") { int r = ", small_var(), "; schedule(); }"});
      case 19: return join({"while (", condition(), ") { if (y == 1) { y = 2; } }"});
      case 20: return join({"for (int i = 0; i < 2; i++) { if (", small_var(), " == 1) { break; } }"});
      default: return join({"while (", condition(), ") { ", small_var(), " = 1; }"});
    }
  }

  std::mt19937 rng_;
  Profile profile_;
  bool loops_;
  int thread_ = 0;  // the thread being generated
};

}  // namespace preempt::test
