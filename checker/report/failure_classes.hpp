#pragma once
// Failure classes: the ways a scenario fails, named so that two versions of the scenario can be
// compared (`preempt diff BUGGY FIXED`: what a fix removes).
//
// A class is the violation kind and the racing steps that decide it. For a violation at a step
// (unloaded code, a use after free, a failed assertion) the failing step stands for them: every
// execution that fails the same way at the same step is in one class, however its threads got
// there, and the class shows the deciding races of its example -- the races whose reversal avoids
// the failure (explore/explain.hpp, outcome Avoided), the one closest to the failure first. (The
// races of one execution also include how earlier steps set the stage, which differ from one
// execution of the same failure to the next: they describe a class but cannot name it.) A deadlock
// is named by what its threads wait for (its message, without line numbers); a violation tied to
// no step otherwise by the deciding race closest to it. The groups of a failure search
// (explore/failure_search.hpp) that share their class become one.
//
// A step is named by what survives an edit elsewhere in the file: the function whose code runs it,
// its operation and the code of its source line (comment dropped, spaces collapsed); its line number
// is shown, never compared. Classes of two versions match when their kind and steps agree on all
// three (deadlocks: their messages without line numbers); those left then match on kind, function
// and operation alone (deadlocks: their messages without any number), for a fix that edits the
// failing line itself; the rest are removed (only in the buggy version) or new (only in the fixed
// one).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checker/explore/failure_search.hpp"
#include "checker/rt/layout.hpp"
#include "checker/rt/violation_kind.hpp"

namespace preempt {

struct ClassStep {
  std::string thread;         // the thread that ran it: "sysfs_reader", "kworker/release_fn"
  std::string function;       // the function whose code runs it: "dm_kobject_release"
  std::string operation;      // its operation: "kobject_put", "return"
  std::string code;           // its source line's code: "kobject_put(dm_kobj);" ("" unknown)
  std::uint32_t line = 0;     // its source line (0: unknown); shown, not compared
};

// Two racing steps: `first` ran first in the example; with `second` first the failure is avoided.
struct ClassRace {
  ClassStep first;
  ClassStep second;
};

struct FailureClass {
  ViolationKind kind = ViolationKind::Assertion;
  std::vector<ClassRace> races;  // the deciding races, as explain() ordered them; empty: none avoids it
  ClassStep failing;             // the failing step of the example
  bool has_failing_step = false;  // false: a deadlock, or a violation tied to no step
  std::string message;           // the example's violation message
  std::string schedule;          // the example's schedule: `preempt replay FILE --schedule S` shows it
  std::uint32_t preemptions = 0;  // the example's preemptions
  std::uint64_t executions = 0;   // violating executions found in the class

  // The matching keys (the failing step, else the closest deciding race): by function, operation
  // and code; by function and operation.
  [[nodiscard]] std::string key() const;
  [[nodiscard]] std::string loose_key() const;
};

// The classes of a failure search on a scenario whose layout is `layout` and whose file's text is
// `source`, in the order their first execution was found.
[[nodiscard]] std::vector<FailureClass> failure_classes(const FailureSearch& search, const ModelLayout& layout,
                                                        std::string_view source);

// Which classes a fix removes, which remain and which are new.
struct ClassDiff {
  struct Pair {
    std::size_t buggy;
    std::size_t fixed;
    bool loose;  // matched by function and operation only: the racing code changed
  };
  std::vector<std::size_t> removed;  // indexes of buggy classes with no match in the fixed version
  std::vector<Pair> remaining;       // matched classes, in the buggy classes' order
  std::vector<std::size_t> added;    // indexes of fixed classes with no match in the buggy version
};

[[nodiscard]] ClassDiff diff_classes(const std::vector<FailureClass>& buggy, const std::vector<FailureClass>& fixed);

// The code of line `line` of `source`: its `//` comment dropped, spaces collapsed; "" when there
// is no such line. At most kMaxCodeChars bytes (a hostile line is cut, with "...").
inline constexpr std::size_t kMaxCodeChars = 160;
[[nodiscard]] std::string code_of_line(std::string_view source, std::uint32_t line);

}  // namespace preempt
