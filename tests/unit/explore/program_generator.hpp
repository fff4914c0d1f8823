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
// finite. The heap profile allocates, publishes, reference counts and frees struct objects through
// shared pointers (see generate_heap()). Deterministic for a given seed, on every compiler (see
// join()).
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>

namespace preempt::test {

class ProgramGenerator {
 public:
  enum class Profile : std::uint8_t { General, Blocking, Spinning, Heap };
  explicit ProgramGenerator(std::uint32_t seed, Profile profile = Profile::General)
      : rng_(seed), profile_(profile), loops_(false) {}
  ProgramGenerator(std::uint32_t seed, bool loops) : rng_(seed), profile_(Profile::General), loops_(loops) {}

  std::string generate() {
    if (profile_ == Profile::Heap) return generate_heap();
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


  // The heap profile: a struct obj with a kref and int fields, published through the shared
  // pointer gp (and sometimes gq), and sometimes a struct box holding a counted reference to an
  // obj, published through gb. Threads allocate (sometimes through nondet(2), an allocation that
  // may fail), initialise, publish, read a shared pointer into a local, take references with
  // kref_get_unless_zero or kref_get, drop them with kref_put (whose release kfree's the object
  // and may clear gp), read and write fields, sometimes kfree directly (double-free, invalid
  // free) or forget a put or a publication (memory leaks), with a final check. Sometimes one
  // thread is a thread array of two copies, whose heap objects symmetry names canonically. No
  // `self`: it would make the copies of an array distinguishable. Each thread's actions stay
  // within a budget of visible steps so that dfs can finish.
  std::string generate_heap() {
    heap_second_ = pick(0, 2) == 0;
    heap_box_ = pick(0, 4) == 0;
    std::string s = "struct obj {\n  struct kref ref;\n  int val;\n  int data;\n};\n";
    if (heap_box_) s += "struct box {\n  int v;\n  struct obj *o;\n};\n";
    s += "struct obj *gp;\n";
    if (heap_second_) s += "struct obj *gq;\n";
    if (heap_box_) s += "struct box *gb;\n";
    s += "int x;\n";
    switch (pick(0, 4)) {
      case 0: s += "void obj_release(struct obj *o) {\n  if (gp == o) { gp = NULL; }\n  kfree(o);\n}\n"; break;
      case 1: s += "void obj_release(struct obj *o) {\n  x = o->val;\n  kfree(o);\n}\n"; break;
      default: s += "void obj_release(struct obj *o) {\n  kfree(o);\n}\n"; break;
    }
    const int running = pick(0, 2) == 0 ? 3 : 2;               // threads, the copies of an array included
    const bool array = pick(0, 3) == 0;                         // one thread is an array of two copies
    const int declared = array ? running - 1 : running;
    const int array_at = array ? pick(0, declared - 1) : -1;
    const int budget = running == 2 ? 7 : 4;                    // visible steps per thread, roughly
    for (int t = 0; t < declared; ++t) {
      s += "thread t" + std::to_string(t) + (t == array_at ? "[2]" : "") + " {\n";
      int used = 0;
      for (int i = 0; i < 3; ++i) {
        // The first thread usually creates the object the others find.
        int cost = 0;
        const std::string action = heap_action(t == 0 && i == 0 && pick(0, 3) != 0 ? 0 : pick(0, 10), cost);
        if (i > 0 && used + cost > budget) break;
        s += action + "\n";
        used += cost;
      }
      s += "}\n";
    }
    s += heap_final();
    return s;
  }
  std::string shared_pointer() { return heap_second_ && pick(0, 2) == 0 ? "gq" : "gp"; }
  std::string obj_field() { return pick(0, 2) == 0 ? "data" : "val"; }
  std::string put(const std::string& p) { return "kref_put(&" + p + "->ref, obj_release);"; }
  // Allocates an obj into local p, perhaps with an allocation that may fail.
  std::string allocate(const std::string& p, int& cost) {
    const std::string call = pick(0, 3) == 0 ? "kmalloc(sizeof(struct obj), GFP_KERNEL)"
                                             : "kzalloc(sizeof(struct obj), GFP_KERNEL)";
    cost += 1;
    if (pick(0, 3) != 0) return "    struct obj *" + p + " = " + call + ";\n";
    cost += 1;
    return "    struct obj *" + p + " = NULL;\n    if (nondet(2)) { " + p + " = " + call + "; }\n";
  }
  // One action of a thread, a block of its own; `cost` grows by about its visible steps.
  std::string heap_action(int kind, int& cost) {
    switch (kind) {
      case 0: case 1: {  // allocate, initialise, publish
        std::string s = "  {\n" + allocate("p", cost) + "    if (!p) { x = 9; } else {\n      kref_init(&p->ref);\n";
        cost += 2;
        if (pick(0, 1) == 0) {
          s += join({"      p->", obj_field(), " = ", std::to_string(pick(1, 2)), ";\n"});
          cost += 1;
        }
        const bool extra = pick(0, 3) == 0;  // hold a reference of its own across the publication
        if (extra) s += "      kref_get(&p->ref);\n";
        const std::string g = shared_pointer();
        switch (pick(0, 6)) {
          case 0: s += "      if (" + g + " == NULL) { " + g + " = p; } else { " + put("p") + " }\n"; cost += 1; break;
          case 1: s += "      if (" + g + ") { x = 1; }\n"; break;  // forgets to publish: a leak
          default: s += "      " + g + " = p;\n"; break;
        }
        if (pick(0, 3) == 0) {
          s += join({"      p->", obj_field(), " = ", std::to_string(pick(2, 3)), ";\n"});  // after publishing
          cost += 1;
        }
        if (extra && pick(0, 3) != 0) {
          s += "      " + put("p") + "\n";
          cost += 2;
        }
        return s + "    }\n  }";
      }
      case 2: case 3: {  // find, get, use, put
        const std::string g = shared_pointer();
        std::string s = "  {\n    struct obj *q = " + g + ";\n    if (q" + (pick(0, 1) == 0 ? "" : " != NULL") + ") {\n";
        cost += 3;
        const bool unless_zero = pick(0, 3) != 0;
        s += unless_zero ? "      if (kref_get_unless_zero(&q->ref)) {\n" : "      kref_get(&q->ref);\n      {\n";
        switch (pick(0, 2)) {
          case 0: s += join({"        x = q->", obj_field(), ";\n"}); break;
          case 1: s += join({"        q->", obj_field(), " = q->", obj_field(), " + 1;\n"}); cost += 1; break;
          default: s += "        if (q->val == 1) { x = 2; }\n"; break;
        }
        if (pick(0, 4) != 0) {
          s += "        " + put("q") + "\n";  // else: a forgotten put
          cost += 1;
        }
        return s + "      }\n    }\n  }";
      }
      case 4: case 5: {  // unpublish and drop the publication's reference
        const std::string g = shared_pointer();
        std::string s = "  {\n    struct obj *q = " + g + ";\n    if (q) {\n";
        cost += 3;
        if (pick(0, 2) != 0) {
          s += "      " + g + " = NULL;\n";
          cost += 1;
        }
        switch (pick(0, 4)) {
          case 0: s += "      kfree(q);\n"; break;  // bypasses the count: a double free, a use after free
          case 1:  // a use after the put
            s += "      " + put("q") + "\n" + join({"      q->", obj_field(), " = 0;\n"});
            cost += 1;
            break;
          case 2: s += "      if (kref_put(&q->ref, obj_release) == 0) { x = q->val; }\n"; break;
          default: s += "      " + put("q") + "\n"; break;
        }
        return s + "    }\n  }";
      }
      case 6: {  // a racy use without a reference
        cost += 2;
        const std::string g = shared_pointer();
        return join({"  {\n    struct obj *q = ", g, ";\n    if (q) { q->", obj_field(), " = ", std::to_string(pick(1, 3)),
                     "; }\n  }"});
      }
      case 7: {  // a box holding a counted reference, or move an object between the shared pointers
        if (heap_box_) {
          cost += 5;
          if (pick(0, 1) == 0) {
            return "  {\n    struct obj *q = gp;\n    if (q && kref_get_unless_zero(&q->ref)) {\n"
                   "      struct box *b = kzalloc(sizeof(struct box), GFP_KERNEL);\n"
                   "      b->o = q;\n      gb = b;\n    }\n  }";
          }
          return "  {\n    struct box *b = gb;\n    if (b) {\n      gb = NULL;\n      " + put("b->o") +
                 "\n" + (pick(0, 2) == 0 ? std::string() : "      kfree(b);\n") + "    }\n  }";
        }
        if (heap_second_) {
          cost += 3;
          return "  {\n    struct obj *q = gp;\n    if (q) { gq = q; gp = NULL; }\n  }";
        }
        cost += 1;
        return "  x = x + 1;";
      }
      case 8: cost += 1; return "  if (" + shared_pointer() + " == NULL) { x = 1; }";
      default: {  // allocate and free locally, perhaps twice
        std::string s = "  {\n" + allocate("r", cost) + "    if (r) {\n      kref_init(&r->ref);\n";
        cost += 2;
        switch (pick(0, 3)) {
          case 0: s += "      kfree(r);\n      kfree(r);\n"; break;  // double free
          case 1: s += "      r->val = 1;\n"; break;                 // a leak
          default: s += "      " + put("r") + "\n"; break;
        }
        return s + "    }\n  }";
      }
    }
  }
  std::string heap_final() {
    switch (pick(0, 4)) {
      case 0: return "final { assert(x != " + std::to_string(pick(1, 2)) + "); }\n";
      case 1: return "final { if (gp) { assert(gp->val != " + std::to_string(pick(1, 3)) + "); } }\n";
      case 2: return "final { if (gp != NULL) { assert(kref_read(&gp->ref) > 0); } }\n";
      default: return "";
    }
  }

  std::mt19937 rng_;
  Profile profile_;
  bool loops_;
  int thread_ = 0;  // the thread being generated
  bool heap_second_ = false;  // the heap profile's program has a second shared pointer, gq
  bool heap_box_ = false;     // and a struct box
};

}  // namespace preempt::test
