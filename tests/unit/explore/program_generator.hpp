#pragma once
// Generates small random scenario programs for differential testing of the strategies: a few
// threads over shared ints, a mutex, a completion, a kobject and a module, with a final check.
// Deterministic for a given seed.
#include <cstdint>
#include <random>
#include <string>

namespace preempt::test {

class ProgramGenerator {
 public:
  explicit ProgramGenerator(std::uint32_t seed) : rng_(seed) {}

  std::string generate() {
    std::string s = "module mod;\nint x;\nint y;\nint a[2];\nmutex m;\ncompletion c;\n"
                    "kobject k release k_release;\nvoid k_release() in mod { y = y + 1; }\n"
                    "init { __module_get(mod); }\n";
    const int threads = pick(2, 3);
    for (int t = 0; t < threads; ++t) {
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
  std::string var() {
    switch (pick(0, 3)) {
      case 0: return "x";
      case 1: return "y";
      case 2: return "a[0]";
      default: return "a[1]";
    }
  }
  std::string statement() {
    switch (pick(0, 15)) {
      case 0: return var() + " = " + var() + " + 1;";
      case 1: return var() + " = " + std::to_string(pick(0, 2)) + ";";
      case 2: return "atomic_inc(" + var() + ");";
      case 3: return "if (" + var() + " == " + std::to_string(pick(0, 1)) + ") { " + var() + " = 2; }";
      case 4: return "mutex_lock(m); " + var() + " = " + var() + " + 1; mutex_unlock(m);";
      case 5: return "complete(c);";
      case 6: return "wait_for_completion(c);";
      case 7: return "await(" + var() + " > 0);";
      case 8: return "{ int r = cmpxchg(" + var() + ", 0, " + std::to_string(pick(1, 2)) + "); }";
      case 9: return "if (kobject_get_unless_zero(k)) { kobject_put(k); }";
      case 10: return "kobject_put(k);";
      case 11: return "if (try_module_get(mod)) { " + var() + " = 1; module_put(mod); }";
      case 12: return "module_put(mod); delete_module(mod);";
      case 13: return "assume(" + var() + " != 2);";
      case 14: return "if (mutex_trylock(m)) { " + var() + " = 3; mutex_unlock(m); }";
      default: return "{ int v = " + var() + "; " + var() + " = v * 2; }";
    }
  }
  std::string final_check() {
    switch (pick(0, 2)) {
      case 0: return "assert(" + var() + " != " + std::to_string(pick(1, 3)) + ");";
      case 1: return "assert(x + y < " + std::to_string(pick(2, 5)) + ");";
      default: return "";
    }
  }

  std::mt19937 rng_;
};

}  // namespace preempt::test
