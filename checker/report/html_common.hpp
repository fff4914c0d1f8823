#pragma once
// What the two HTML pages share (html.hpp): the escaping that keeps scenario text from ending the
// page's markup or script, and the "two orders side by side" section of a violation.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/explore/result.hpp"
#include "checker/rt/layout.hpp"

namespace preempt {

// Text for an HTML element's content or an attribute value.
[[nodiscard]] std::string escape_html(const std::string& text);
// JSON for a <script type="application/json"> element: '<' occurs only inside JSON strings, where
// \u003c means the same, so neither "</script" nor "<!--" can appear and change how the page parses.
[[nodiscard]] std::string script_safe(const nlohmann::ordered_json& data);
[[nodiscard]] std::vector<std::string> split_lines(const std::string& text);

// The violating order of `c` and the order of `safe` (its first deciding race reversed and
// replayed: explain.hpp), step by step: {"race": sentence, "failing": [[thread, text]...], "safe":
// [...], "differs": the first step where they part, "first"/"second": the racing steps of the
// failing order}. null without a safe order.
[[nodiscard]] nlohmann::ordered_json orders_json(const Counterexample& c, const std::optional<Counterexample>& safe,
                                                 const ModelLayout& layout);

// The page section that shows orders_json (CSS and a script that fills #orders from data.orders).
extern const char* const kOrdersStyle;
extern const char* const kOrdersScript;

}  // namespace preempt

namespace preempt {
struct ScenarioReport;
// The line under the page's title: the verdict of a check ("verdict: SAFE -- every interleaving
// explored (12 executions; strategy dpor)"), or what the one execution of a replay did.
[[nodiscard]] std::string page_verdict(const ScenarioReport& report);
}  // namespace preempt

#include <map>

namespace preempt {
// `page` with each "@NAME@" placeholder replaced by values.at("NAME"), in one pass over the page:
// inserted text (scenario text) is never searched, so it cannot smuggle a placeholder in.
[[nodiscard]] std::string fill_page(std::string_view page, const std::map<std::string, std::string>& values);
}  // namespace preempt
