#pragma once
// The HTML report (--html FILE): a single self-contained page (inline CSS and JavaScript, no
// network). Two kinds:
//
// - The scheduler (html_scheduler.cpp), when the caller explored the scenario's whole state graph
//   (explore/state_graph.hpp, html_graph.hpp): the student picks the thread that runs next at every
//   point, sees where each thread stands in the source, the objects' state and the story so far,
//   undoes, asks for the shortest way to a failure or to a safe end, and is scored on the failure
//   classes and states found.
// - The trace stepper (html.cpp), for a larger scenario or a replay: a swimlane per thread (one row
//   per step), the state of every object after the step at the cursor, the source line of that
//   step, the preemptions and the failing step, the violation with its explanation. The cursor
//   moves with buttons and the arrow keys (Home/End too); #step=N or #step=end opens it at a step.
//   Its object states come from the counterexample's walkthrough (explore/walkthrough.hpp).
//
// Both show, for a violation whose deciding race was reversed and replayed, the violating and the
// safe order side by side (html_common.hpp). Scenario text never reaches the markup unescaped, and
// the embedded data cannot end its script element.
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/report/report.hpp"

namespace preempt {

// What the page shows beyond the report, computed by the caller (writers do not run the engine).
struct PageExtras {
  const nlohmann::ordered_json* graph = nullptr;  // PageGraph::to_json(): the page is the scheduler
  std::string no_graph;                           // without one: why (shown on the trace stepper)
  std::optional<Counterexample> safe_order;       // the first violation's deciding race, reversed
};

// Writes the page for report.result: the scheduler when extras.graph is set, else the trace
// stepper of the replayed execution (replay) or the first violation (check), or the verdict alone.
// `source` is the scenario text (may be empty).
void write_html(std::ostream& out, const ScenarioReport& report, const std::string& source,
                const PageExtras& extras = {});

// The scheduler page (html_scheduler.cpp).
void write_scheduler_html(std::ostream& out, const ScenarioReport& report, const std::string& source,
                          const PageExtras& extras);

}  // namespace preempt
