#pragma once
// The HTML report of one execution (--html FILE): a single self-contained page (inline CSS and
// JavaScript, no network) to step through a counterexample in a browser.
//
// The page shows a swimlane per thread (one row per step, the step in its thread's lane), the state
// of every object after the step at the cursor, the scenario source line of that step, the
// preemptions and the failing step highlighted, and the violation with its explanation. The cursor
// moves with buttons and the arrow keys (Home/End too); the URL hash #step=N or #step=end opens the
// page at a step.
//
// The object states come from the counterexample's walkthrough (explore/walkthrough.hpp), which the
// exploration records when CheckConfig::walkthrough is set; without it the page has no states.
#include <ostream>
#include <string>

#include "checker/report/report.hpp"

namespace preempt {

// Writes the page for report.result's replayed execution (replay) or its first violation (check);
// with neither, a page with the verdict alone. `source` is the scenario text (for the source lines;
// may be empty).
void write_html(std::ostream& out, const ScenarioReport& report, const std::string& source);

}  // namespace preempt
