// The dm_kobject_release race as a C++ model (docs/cpp-api.md), built against an installed
// preempt: find_package(preempt) + preempt::preempt, or pkg-config --cflags --libs preempt.
// Exit 0 when preempt finds the race with the documented schedule; 1 otherwise.
#include <iostream>

#include "checker/api/preempt.hpp"
#include "checker/report/narrative.hpp"

int main() {
  preempt::Model m("dm: kobject release method inside the dm module");
  const auto dm = m.module("dm");
  const auto holder = m.completion("kobj_holder");
  const auto release = m.function("dm_kobject_release", dm, [=](preempt::Thread& t) { t.complete(holder); });
  const auto kobj = m.kobject("dm_kobj", release);  // refcount starts at 1
  const auto sysfs_exit = m.function("dm_sysfs_exit", dm, [=](preempt::Thread& t) {
    t.kobject_put(kobj);
    t.wait_for_completion(holder);
  });
  m.init([=](preempt::Thread& t) { t.module_get(dm); });  // the device holds the module
  m.thread("sysfs_reader", [=](preempt::Thread& t) {
    if (t.kobject_get_unless_zero(kobj)) t.kobject_put(kobj);
  });
  m.thread("rmmod", [=](preempt::Thread& t) {
    t.call(sysfs_exit);
    t.module_put(dm);
    t.delete_module(dm);
  });

  const preempt::ExploreResult r = preempt::explore(m);
  if (r.verdict != preempt::Verdict::Violation || r.violations.empty() || !r.violations[0].violation) {
    std::cout << "no violation found (verdict " << preempt::verdict_name(r.verdict) << ")\n";
    return 1;
  }
  const preempt::Counterexample& c = r.violations[0];
  preempt::write_narrative(std::cout, c, m.layout());
  std::cout << "violation: " << c.violation->message << "\nschedule: " << c.schedule << "\n";
  const bool unloaded_code = c.violation->kind == preempt::ViolationKind::UnloadedCode;
  const bool documented = c.schedule == "sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader";
  const preempt::ExploreResult again = preempt::replay(m, c.schedule);
  const bool replays = !again.violations.empty() && again.violations[0].violation &&
                       again.violations[0].violation->message == c.violation->message;
  std::cout << (unloaded_code && documented && replays ? "OK: the dm race, found and replayed\n"
                                                       : "FAIL: not the documented race\n");
  return unloaded_code && documented && replays ? 0 : 1;
}
