#pragma once
// The writers of `preempt diff BUGGY FIXED`: which failure classes (failure_classes.hpp) the fix
// removes, which remain and which are new, as text, one JSON object, and a small self-contained
// HTML page. They only format: the searches and the matching are done before.
//
// Everything taken from a scenario (title, names, source lines, messages) is untrusted: the text is
// made terminal-safe, JSON valid UTF-8, and the page escapes it. The output is the same on every
// run (no times, no addresses): the searches are deterministic and the classes keep their order.
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/explore/failure_search.hpp"
#include "checker/report/failure_classes.hpp"
#include "checker/rt/layout.hpp"

namespace preempt {

// One version of the scenario, searched and classified.
struct DiffSide {
  std::string path;
  std::string title;                    // its `scenario "..."` line, or empty
  std::string strategy;                 // the strategy its search ran ("dpor")
  const FailureSearch* search = nullptr;
  std::vector<FailureClass> classes;
};

struct FailureDiff {
  DiffSide buggy;
  DiffSide fixed;
  ClassDiff diff;
};

void write_diff_text(std::ostream& out, const FailureDiff& d);
[[nodiscard]] nlohmann::ordered_json diff_json(const FailureDiff& d);
[[nodiscard]] std::string diff_html(const FailureDiff& d);

}  // namespace preempt
