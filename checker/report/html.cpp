#include "checker/report/html.hpp"

#include <fmt/format.h>

#include "checker/report/explanation_text.hpp"
#include "checker/report/html_common.hpp"
#include "checker/report/narrative.hpp"
#include "checker/report/state_text.hpp"
#include "checker/report/step_text.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt {

namespace {

nlohmann::ordered_json page_data(const ScenarioReport& report, const std::string& source, const PageExtras& extras) {
  const ExploreResult& r = *report.result;
  const ModelLayout& layout = *report.layout;
  nlohmann::ordered_json d;
  d["scenario"] = report.path;
  d["title"] = layout.title;
  d["verdict"] = page_verdict(report);
  d["note"] = extras.no_graph;
  const Counterexample* c = report.replay && r.replayed ? &*r.replayed
                            : r.violations.empty()      ? nullptr
                                                        : &r.violations.front();
  d["threads"] = c ? c->thread_names : std::vector<std::string>{};
  d["schedule"] = c ? c->schedule : "";
  d["steps"] = nlohmann::ordered_json::array();
  d["states"] = nlohmann::ordered_json::array();
  d["violation"] = nullptr;
  d["orders"] = nullptr;
  if (c == nullptr) return d;
  d["orders"] = orders_json(*c, extras.safe_order, layout);
  const std::vector<std::string> lines = split_lines(source);
  for (std::size_t i = 0; i < c->trace.size(); ++i) {
    const TraceEntry& e = c->trace[i];
    const StepText text = describe_step(e, layout, c->thread_names, c->view());
    nlohmann::ordered_json s;
    s["step"] = e.step;
    s["thread"] = e.thread;
    s["text"] = narrate_step(*c, i, layout);
    s["preemption"] = preemption_text(*c, i, layout);
    s["op"] = text.op;
    s["note"] = text.note;
    s["at"] = layout.describe_location(e.op.location);
    s["line"] = e.op.line;
    s["source"] = e.op.line != 0 && e.op.line <= lines.size() ? lines[e.op.line - 1] : "";
    s["preempted"] = e.preempted;
    s["final"] = e.phase == Phase::Final;
    d["steps"].push_back(std::move(s));
  }
  // The page stays small however big the store: at most kMaxObjectsShown objects a state.
  constexpr std::size_t kMaxObjectsShown = 100;
  for (const Snapshot& point : c->walkthrough) {
    nlohmann::ordered_json objects = nlohmann::ordered_json::array();
    const std::vector<ObjectState> all = describe_store(point.state, layout, c->thread_names);
    for (std::size_t i = 0; i < all.size() && i < kMaxObjectsShown; ++i) {
      objects.push_back({all[i].name, all[i].kind, all[i].state});
    }
    if (all.size() > kMaxObjectsShown) {
      objects.push_back({"...", "", fmt::format("{} more objects not shown", all.size() - kMaxObjectsShown)});
    }
    d["states"].push_back(std::move(objects));
  }
  if (c->violation) {
    nlohmann::ordered_json v;
    v["kind"] = std::string(violation_spelling(c->violation->kind));
    v["message"] = c->violation->message;
    v["step"] = c->violation->step;
    // The row of the step that failed; none for a deadlock (no step fails: every thread waits), so
    // the last lock that succeeded is not marked as the failure.
    v["row"] = -1;
    for (std::size_t i = c->trace.size(); c->violation->kind != ViolationKind::Deadlock && i-- > 0;) {
      if (c->trace[i].step == c->violation->step && c->trace[i].thread == c->violation->thread) {
        v["row"] = i;
        break;
      }
    }
    if (c->explanation) v["explanation"] = explanation_text(*c, layout);
    d["violation"] = std::move(v);
  }
  return d;
}

// The page; @DATA@ is replaced by the JSON above.
constexpr const char* kPage = R"PAGE(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>preempt: @TITLE@</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.2em; margin: 0 0 .2em; overflow-wrap: anywhere; }
.sub { color: #666; margin-bottom: .8em; overflow-wrap: anywhere; }
#controls button { font-size: 1em; min-width: 2.5em; }
#position { margin-left: 1em; font-weight: bold; }
#main { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; margin-top: .8em; }
#lanebox { flex: 1 1 30em; min-width: 0; overflow-x: auto; }
#lanes { border-collapse: collapse; table-layout: fixed; width: 100%; }
#lanes th { background: #eee; padding: .3em .8em; position: sticky; top: 0; overflow-wrap: anywhere; }
#lanes th.n { width: 3em; }
#lanes td { border-top: 1px solid #ddd; padding: .2em .6em; vertical-align: top; overflow-wrap: break-word; }
#lanes td.n { text-align: right; color: #888; }
#lanes tr.future td { opacity: .35; }
#lanes tr.current td { background: #fff6c8; }
#lanes tr.preempted td { border-top: 2px dashed #d9822b; }
#lanes tr.failing td.op { background: #ffd4d4; font-weight: bold; }
#lanes tr.final td { font-style: italic; }
.note { color: #666; font-size: .9em; }
.mark { color: #d9822b; font-size: .85em; }
#side { flex: 1 1 22em; min-width: 0; max-width: 40em; }
#side table { border-collapse: collapse; width: 100%; table-layout: fixed; }
#side td { border-top: 1px solid #ddd; padding: .2em .5em; overflow-wrap: anywhere; }
#side tr.changed td { background: #e4f4e4; font-weight: bold; }
#source { font-family: monospace; background: #f5f5f5; padding: .4em; white-space: pre-wrap; overflow-wrap: anywhere; }
#violation { margin-top: 1em; padding: .5em; border: 2px solid #c00; background: #fff0f0; white-space: pre-wrap; overflow-wrap: anywhere; }
#violation.hidden, #note.hidden { display: none; }
#note { margin: .5em 0; padding: .5em; background: #eef4ff; border: 1px solid #9ab; }
@ORDERS_STYLE@
</style></head>
<body>
<h1 id="title"></h1>
<div class="sub" id="sub"></div>
<div id="controls">
  <button id="first" title="first step (Home)">&#x25C0;&#x25C0;</button>
  <button id="back" title="back (left arrow)">&#x25C0;</button>
  <button id="forward" title="forward (right arrow)">&#x25B6;</button>
  <button id="last" title="last step (End)">&#x25B6;&#x25B6;</button>
  <span id="position"></span>
</div>
<div id="note" class="hidden"></div>
<div id="main">
  <div id="lanebox"><table id="lanes"><thead><tr id="lanehead"></tr></thead><tbody id="lanebody"></tbody></table></div>
  <div id="side">
    <h2 id="statehead" style="font-size:1em"></h2>
    <table id="state"><tbody></tbody></table>
    <h2 style="font-size:1em">source</h2>
    <div id="where"></div>
    <div id="source"></div>
    <div id="violation" class="hidden"></div>
  </div>
</div>
<div id="orders" class="hidden"></div>
<script id="data" type="application/json">@DATA@</script>
<script>
@ORDERS_JS@
(function () {
  var d = JSON.parse(document.getElementById('data').textContent);
  var n = d.steps.length, cursor = 0;
  var failRow = d.violation ? d.violation.row : -1;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  document.getElementById('title').textContent = d.scenario + (d.title ? ': ' + d.title : '');
  document.getElementById('sub').textContent = d.verdict + (d.schedule ? '   schedule: ' + d.schedule : '') +
      (n ? '   (arrow keys step; #step=N or #step=end in the address opens at a step)' : '');
  var note = [];
  if (!n) note.push(d.violation ? 'The violation happened before any thread ran.' : 'No execution to step through: ' + d.verdict + '.');
  if (d.note) note.push('This page steps through one execution; the interactive scheduler needs the whole state graph, and ' + d.note + '.');
  if (note.length) { document.getElementById('note').textContent = note.join(' '); document.getElementById('note').className = ''; }
  if (!n) { document.getElementById('controls').style.display = 'none'; document.getElementById('lanebox').style.display = 'none'; }
  showOrders(d, el);
  var head = document.getElementById('lanehead');
  head.appendChild(el('th', 'step', 'n'));
  d.threads.forEach(function (t) { head.appendChild(el('th', t)); });
  var body = document.getElementById('lanebody'), rows = [];
  d.steps.forEach(function (s, k) {
    var tr = el('tr');
    tr.appendChild(el('td', String(s.step), 'n'));
    d.threads.forEach(function (t, i) {
      var td = el('td');
      if (i === s.thread) {
        td.className = 'op';
        if (s.preemption) td.appendChild(el('div', '-- ' + s.preemption + ' --', 'mark'));
        td.appendChild(el('div', s.op));
        if (s.note) td.appendChild(el('div', s.note, 'note'));
      }
      tr.appendChild(td);
    });
    tr.addEventListener('click', function () { go(k + 1); });
    body.appendChild(tr);
    rows.push(tr);
  });
  function render() {
    rows.forEach(function (tr, k) {
      var s = d.steps[k], c = [];
      if (k + 1 > cursor) c.push('future');
      if (k + 1 === cursor) c.push('current');
      if (s.preempted) c.push('preempted');
      if (k === failRow && cursor >= k + 1) c.push('failing');
      if (s.final) c.push('final');
      tr.className = c.join(' ');
    });
    document.getElementById('position').textContent = 'step ' + cursor + ' of ' + n;
    document.getElementById('statehead').textContent = cursor === 0 ? 'state before the first step' : 'state after step ' + cursor;
    var tbody = document.querySelector('#state tbody');
    tbody.innerHTML = '';
    var now = d.states[cursor] || [], before = d.states[cursor - 1] || [];
    now.forEach(function (o, i) {
      var tr = el('tr', undefined, cursor > 0 && before[i] && before[i][2] !== o[2] ? 'changed' : '');
      tr.appendChild(el('td', o[0]));
      tr.appendChild(el('td', o[2]));
      tr.setAttribute('data-object', o[0]);
      tbody.appendChild(tr);
    });
    var s = cursor > 0 ? d.steps[cursor - 1] : null;
    document.getElementById('where').textContent = s ? s.step + '. ' + s.text + '   (' + s.at + (s.line ? ', line ' + s.line : '') + ')' : '';
    document.getElementById('source').textContent = s && s.line ? s.line + ':  ' + s.source : '';
    var v = document.getElementById('violation');
    if (d.violation && cursor >= n) {
      v.className = '';
      v.textContent = 'VIOLATION ' + d.violation.kind + ': ' + d.violation.message + (d.violation.explanation ? '\n\n' + d.violation.explanation : '');
    } else {
      v.className = 'hidden';
      v.textContent = '';
    }
  }
  function go(k) { cursor = Math.max(0, Math.min(n, k)); render(); }
  document.getElementById('first').onclick = function () { go(0); };
  document.getElementById('back').onclick = function () { go(cursor - 1); };
  document.getElementById('forward').onclick = function () { go(cursor + 1); };
  document.getElementById('last').onclick = function () { go(n); };
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') go(cursor + 1);
    else if (e.key === 'ArrowLeft') go(cursor - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(n);
    else return;
    e.preventDefault();
  });
  function fromHash() {
    var m = /step=(end|\d+)/.exec(location.hash);
    if (m) go(m[1] === 'end' ? n : parseInt(m[1], 10)); else render();
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
</script>
</body></html>
)PAGE";

}  // namespace

void write_html(std::ostream& out, const ScenarioReport& report, const std::string& source, const PageExtras& extras) {
  if (extras.graph != nullptr) {
    write_scheduler_html(out, report, source, extras);
    return;
  }
  const std::string title = escape_html(valid_utf8(report.layout->title.empty() ? report.path : report.layout->title));
  const std::string page = fill_page(kPage, {{"TITLE", title},
                                             {"ORDERS_STYLE", kOrdersStyle},
                                             {"ORDERS_JS", kOrdersScript},
                                             {"DATA", script_safe(page_data(report, source, extras))}});
  out << page;
}

}  // namespace preempt
