#include "checker/report/html_common.hpp"

#include <sstream>

#include <fmt/format.h>

#include "checker/report/narrative.hpp"

namespace preempt {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_safe(const nlohmann::ordered_json& data) {
  const std::string json = data.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string out;
  out.reserve(json.size());
  for (const char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

namespace {

nlohmann::ordered_json steps_json(const Counterexample& c, const ModelLayout& layout) {
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < c.trace.size(); ++i) {
    const TraceEntry& e = c.trace[i];
    steps.push_back({e.thread < c.thread_names.size() ? c.thread_names[e.thread] : "?", narrate_step(c, i, layout)});
  }
  return steps;
}

}  // namespace

nlohmann::ordered_json orders_json(const Counterexample& c, const std::optional<Counterexample>& safe,
                                   const ModelLayout& layout) {
  if (!safe || !c.explanation || c.explanation->races.empty()) return nullptr;
  const Race& race = c.explanation->races.front();
  if (race.first >= c.trace.size() || race.second >= c.trace.size()) return nullptr;
  nlohmann::ordered_json j;
  const std::string& a = c.thread_names[c.trace[race.first].thread];
  const std::string& b = c.thread_names[c.trace[race.second].thread];
  j["race"] = fmt::format("Steps {} ({}) and {} ({}) race: nothing but the scheduler put {} first. "
                          "Run {}'s step first and the violation is avoided.",
                          c.trace[race.first].step, a, c.trace[race.second].step, b, a, b);
  j["failing"] = steps_json(c, layout);
  j["safe"] = steps_json(*safe, layout);
  std::size_t differs = 0;
  while (differs < c.trace.size() && differs < safe->trace.size() &&
         c.trace[differs].thread == safe->trace[differs].thread && c.trace[differs].op.kind == safe->trace[differs].op.kind) {
    ++differs;
  }
  j["differs"] = differs;
  j["first"] = race.first;
  j["second"] = race.second;
  return j;
}

const char* const kOrdersStyle = R"CSS(
#orders { margin-top: 1em; }
#orders.hidden { display: none; }
#orders .pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
#orders ol { margin: 0; padding-left: 2.5em; }
#orders li { padding: .1em .3em; overflow-wrap: anywhere; }
#orders li.parted { background: #fff6c8; }
#orders li.racing { background: #ffd4d4; font-weight: bold; }
#orders h2, #orders h3 { font-size: 1em; margin: .4em 0; }
)CSS";

// Fills #orders from d.orders (orders_json above); the step where the orders part is highlighted,
// the racing steps of the failing order in red. Each step's sentence names its thread.
const char* const kOrdersScript = R"JS(
function showOrders(d, el) {
  var box = document.getElementById('orders');
  if (!d.orders) { box.className = 'hidden'; return; }
  box.className = '';
  box.appendChild(el('h2', 'two orders side by side', 'head'));
  box.appendChild(el('p', d.orders.race));
  var pair = el('div', undefined, 'pair');
  [['the violating order', d.orders.failing, 'failing-order'], ['the safe order', d.orders.safe, 'safe-order']].forEach(function (o) {
    var col = el('div');
    col.id = o[2];
    col.appendChild(el('h3', o[0]));
    var list = el('ol');
    o[1].forEach(function (s, k) {
      var cls = k === d.orders.differs ? 'parted' : '';
      if (o[2] === 'failing-order' && (k === d.orders.first || k === d.orders.second)) cls = 'racing';
      list.appendChild(el('li', s[1], cls));
    });
    col.appendChild(list);
    pair.appendChild(col);
  });
  box.appendChild(pair);
}
)JS";

}  // namespace preempt

#include "checker/report/report.hpp"

namespace preempt {

std::string page_verdict(const ScenarioReport& report) {
  const ExploreResult& r = *report.result;
  if (report.replay) {
    if (r.replayed && r.replayed->violation) {
      return fmt::format("this execution: VIOLATION {} ({} steps)", violation_spelling(r.replayed->violation->kind),
                         r.replayed->trace.size());
    }
    return fmt::format("this execution: no violation ({} steps){}", r.steps, r.note.empty() ? "" : "; " + r.note);
  }
  const std::string stats = fmt::format("{} execution{}; strategy {}", r.executions, r.executions == 1 ? "" : "s",
                                        report.strategy);
  switch (r.verdict) {
    case Verdict::Safe: return fmt::format("verdict: SAFE -- every interleaving explored ({})", stats);
    case Verdict::Violation: return fmt::format("verdict: VIOLATION ({})", stats);
    case Verdict::Incomplete:
      return fmt::format("verdict: INCOMPLETE -- no violation found, but the space was not covered ({})", stats);
    case Verdict::Error: return "verdict: ERROR -- " + r.error;
  }
  return "";
}

}  // namespace preempt

namespace preempt {

std::string fill_page(std::string_view page, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t at = 0;
  while (at < page.size()) {
    const std::size_t open = page.find('@', at);
    const std::size_t close = open == std::string_view::npos ? open : page.find('@', open + 1);
    const auto value = close == std::string_view::npos
                           ? values.end()
                           : values.find(std::string(page.substr(open + 1, close - open - 1)));
    if (value == values.end()) {
      const std::size_t upto = open == std::string_view::npos ? page.size() : open + 1;
      out.append(page.substr(at, upto - at));
      at = upto;
      continue;
    }
    out.append(page.substr(at, open - at));
    out += value->second;
    at = close + 1;
  }
  return out;
}

}  // namespace preempt
