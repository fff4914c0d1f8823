// Engine benchmark: prints the raw cost of a fiber switch, then executions/s, steps/s and peak
// memory of exhaustive exploration on closed-form workloads, on the dm race and on heap-heavy code
// (bench/families.py's heap family: readers of a kref-counted heap object, a remover), so that the
// engine's overhead per visible step shows as a ratio to the raw switch; then dpor on the dm race
// and on the heap family. Not a test: it prints.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "checker/api/preempt.hpp"
#include "checker/explore/explorer.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/rt/fiber.hpp"

namespace {

using Clock = std::chrono::steady_clock;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double fiber_round_trip_ns() {
  preempt::StackPool pool(64 * 1024);
  preempt::Coroutine co;
  constexpr long kRounds = 5'000'000;
  struct Loop {
    preempt::Coroutine* co;
    static void run(void* self) {
      auto* loop = static_cast<Loop*>(self);
      for (;;) loop->co->suspend();
    }
  } loop{&co};
  co.start(pool, &Loop::run, &loop);
  co.resume();
  const auto start = Clock::now();
  for (long i = 0; i < kRounds; ++i) co.resume();
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  co.reset();
  return ns / kRounds;
}

void independent(preempt::Model& m, int threads, int steps) {
  for (int k = 0; k < threads; ++k) {
    const preempt::Int own = m.shared_int("x" + std::to_string(k));
    m.thread("t" + std::to_string(k), [own, steps](preempt::Thread& t) {
      for (int s = 0; s < steps; ++s) t.write(own, s);
    });
  }
}

// The dm race with N readers; the release method in built-in code (the fixed, safe version), so
// the whole space is explored.
void dm_fixed(preempt::Model& m, int readers) {
  const auto dm = m.module("dm");
  const auto holder = m.completion("kobj_holder");
  const auto release = m.function("dm_kobject_release", [holder](preempt::Thread& t) { t.complete(holder); });
  const auto kobj = m.kobject("dm_kobj", release);
  const auto sysfs_exit = m.function("dm_sysfs_exit", dm, [kobj, holder](preempt::Thread& t) {
    t.kobject_put(kobj);
    t.wait_for_completion(holder);
  });
  m.init([dm](preempt::Thread& t) { t.module_get(dm); });
  for (int r = 0; r < readers; ++r) {
    m.thread("reader" + std::to_string(r), [kobj](preempt::Thread& t) {
      if (t.kobject_get_unless_zero(kobj)) t.kobject_put(kobj);
    });
  }
  m.thread("rmmod", [dm, sysfs_exit](preempt::Thread& t) {
    t.call(sysfs_exit);
    t.module_put(dm);
    t.delete_module(dm);
  });
}

// The same race as a scenario file, run by the interpreter: `thread sysfs_reader[N]`.
std::string dm_fixed_scenario(int readers) {
  return "module dm;\ncompletion kobj_holder;\nkobject dm_kobj release dm_kobject_release;\n"
         "void dm_kobject_release() { complete(kobj_holder); }\n"
         "void dm_sysfs_exit() in dm { kobject_put(dm_kobj); wait_for_completion(kobj_holder); }\n"
         "init { __module_get(dm); }\n"
         "thread sysfs_reader[" + std::to_string(readers) + "] {\n"
         "  if (kobject_get_unless_zero(dm_kobj)) { kobject_put(dm_kobj); }\n}\n"
         "thread rmmod { dm_sysfs_exit(); module_put(dm); delete_module(dm); }\nexpect safe;\n";
}

// The heap family of bench/families.py, fixed: init publishes a kref-counted object through gp;
// each reader takes a reference under the lock, reads a field and puts; the remover unpublishes
// it and drops the publication's reference; the last put kfree()s it.
std::string heap_fixed_scenario(int readers) {
  return "struct obj {\n  struct kref ref;\n  int data;\n};\nstruct obj *gp;\nspinlock_t lock;\n"
         "void obj_release(struct obj *o) { kfree(o); }\n"
         "init {\n  struct obj *p = kzalloc(sizeof(struct obj), GFP_KERNEL);\n  kref_init(&p->ref);\n"
         "  p->data = 1;\n  gp = p;\n}\n"
         "thread reader[" + std::to_string(readers) + "] {\n"
         "  spin_lock(&lock);\n  struct obj *q = gp;\n  if (q) { kref_get(&q->ref); }\n  spin_unlock(&lock);\n"
         "  if (q) {\n    assert(q->data == 1);\n    kref_put(&q->ref, obj_release);\n  }\n}\n"
         "thread remover {\n  spin_lock(&lock);\n  struct obj *q = gp;\n  gp = NULL;\n  spin_unlock(&lock);\n"
         "  if (q) { kref_put(&q->ref, obj_release); }\n}\nexpect safe;\n";
}

// `config` as given, or dfs with every default.
void report(const char* name, const preempt::ModelProgram& m, double switch_ns,
            const preempt::CheckConfig& config = preempt::CheckConfig{}) {
  const auto start = Clock::now();
  const preempt::ExploreResult r = preempt::explore(m, config);
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  const double ns_per_step = s * 1e9 / static_cast<double>(r.steps ? r.steps : 1);
  std::printf("%-22s %-10s %12llu %14llu %10.3f %14.0f %14.0f %9.1f %8.1fx %10ld\n", name,
              preempt::verdict_name(r.verdict), static_cast<unsigned long long>(r.executions),
              static_cast<unsigned long long>(r.steps), s, r.executions / s, r.steps / s, ns_per_step,
              ns_per_step / switch_ns, peak_rss_kib());
}

}  // namespace

int main() {
  const double switch_ns = fiber_round_trip_ns();
  std::printf("fiber resume+suspend round trip: %.1f ns\n\n", switch_ns);
  std::printf("%-22s %-10s %12s %14s %10s %14s %14s %9s %9s %10s\n", "workload", "verdict", "executions",
              "steps", "seconds", "executions/s", "steps/s", "ns/step", "/switch", "peakKiB");
  const std::pair<int, int> shapes[] = {{2, 5}, {3, 3}, {3, 4}, {4, 3}, {2, 10}};
  for (auto [threads, steps] : shapes) {
    preempt::Model m;
    independent(m, threads, steps);
    report(("independent " + std::to_string(threads) + "x" + std::to_string(steps)).c_str(), m.program(), switch_ns);
  }
  for (int readers = 1; readers <= 4; ++readers) {
    preempt::Model m;
    dm_fixed(m, readers);
    report(("C++ dm fixed, N=" + std::to_string(readers)).c_str(), m.program(), switch_ns);
  }
  // dfs, then dpor: the dm race and the heap family side by side. Heap N=3 has more interleavings
  // than dfs finishes in seconds: its row stops at 200,000 executions (verdict incomplete).
  struct Row {
    const char* family;
    int readers;
    preempt::StrategyKind strategy;
  };
  constexpr auto kDfs = preempt::StrategyKind::Dfs;
  constexpr auto kDpor = preempt::StrategyKind::Dpor;
  const Row rows[] = {{"dm", 1, kDfs},   {"dm", 2, kDfs},   {"dm", 3, kDfs},   {"dm", 4, kDfs},
                      {"heap", 1, kDfs}, {"heap", 2, kDfs}, {"heap", 3, kDfs}, {"dm", 3, kDpor},
                      {"dm", 4, kDpor},  {"heap", 3, kDpor}, {"heap", 4, kDpor}};
  for (const Row& row : rows) {
    const bool dm = std::string(row.family) == "dm";
    std::string errors;
    const auto scenario = preempt::interp::load_scenario_text(
        "family.scn", dm ? dm_fixed_scenario(row.readers) : heap_fixed_scenario(row.readers), &errors);
    if (!scenario) {
      std::fprintf(stderr, "%s", errors.c_str());
      return 1;
    }
    preempt::CheckConfig config;
    config.strategy = row.strategy;
    if (!dm && row.strategy == kDfs && row.readers >= 3) config.max_executions = 200000;
    const std::string name = std::string("scn ") + row.family + (row.strategy == kDpor ? " dpor" : " fixed") +
                             ", N=" + std::to_string(row.readers);
    report(name.c_str(), scenario->model(), switch_ns, config);
  }
  return 0;
}
