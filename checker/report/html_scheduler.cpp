// The scheduler page (html.hpp): the scenario's whole state graph embedded, the student picks the
// thread that runs next. Everything the page shows comes from the graph (html_graph.hpp); the
// script only walks it: the state reached, the story of the edges taken, undo, and a breadth-first
// search over the edges for the shortest way to a failure or to a safe end.
#include "checker/report/html.hpp"

#include <fmt/format.h>

#include "checker/report/html_common.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt {

namespace {

// The source pane shows at most this many lines of this many bytes (the page stays small).
constexpr std::size_t kMaxSourceLines = 5000;
constexpr std::size_t kMaxSourceLineBytes = 400;

nlohmann::ordered_json scheduler_data(const ScenarioReport& report, const std::string& source, const PageExtras& extras) {
  nlohmann::ordered_json d;
  d["scenario"] = report.path;
  d["title"] = report.layout->title;
  d["verdict"] = page_verdict(report);
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const std::string& line : split_lines(source)) {
    if (lines.size() == kMaxSourceLines) break;
    lines.push_back(line.size() > kMaxSourceLineBytes ? line.substr(0, kMaxSourceLineBytes) + "..." : line);
  }
  d["source"] = std::move(lines);
  d["graph"] = *extras.graph;
  const ExploreResult& r = *report.result;
  d["orders"] = r.violations.empty() ? nullptr : orders_json(r.violations.front(), extras.safe_order, *report.layout);
  return d;
}

constexpr const char* kPage = R"PAGE(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>preempt: @TITLE@</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.2em; margin: 0 0 .2em; overflow-wrap: anywhere; }
h2 { font-size: 1em; margin: .8em 0 .3em; }
.sub { color: #666; margin-bottom: .6em; overflow-wrap: anywhere; }
#score { font-weight: bold; margin: .4em 0; }
#controls button, #threads button { font-size: 1em; }
#main { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
#left { flex: 1 1 28em; min-width: 0; }
#right { flex: 1 1 24em; min-width: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
td, th { border-top: 1px solid #ddd; padding: .25em .5em; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
#threads td.name { width: 9em; font-weight: bold; }
#threads tr.blocked td { color: #888; }
#threads button { text-align: left; width: 100%; white-space: normal; overflow-wrap: anywhere; }
#objects tr.changed td { background: #e4f4e4; font-weight: bold; }
#source { font-family: monospace; background: #f5f5f5; padding: .4em 0; max-height: 36em; overflow: auto; position: relative; }
#source div { white-space: pre; padding: 0 .4em; }
#source div.here { background: #fff2a8; }
#source .ln { display: inline-block; width: 3em; color: #999; text-align: right; margin-right: .8em; }
#source .who { background: #3465a4; color: #fff; border-radius: .3em; padding: 0 .3em; margin-right: .6em; font-family: system-ui, sans-serif; font-size: .85em; }
#story ol { padding-left: 2.5em; margin: 0; }
#story li { white-space: pre-wrap; overflow-wrap: anywhere; }
#story li.shown { font-style: italic; color: #555; }
#story .mark { color: #d9822b; font-size: .85em; display: block; }
#end { margin: .6em 0; padding: .5em; white-space: pre-wrap; overflow-wrap: anywhere; }
#end.violation { border: 2px solid #c00; background: #fff0f0; }
#end.safe { border: 2px solid #2a7; background: #effaf3; }
#end.hidden, #hint.hidden { display: none; }
#hint { color: #555; margin: .3em 0; }
@ORDERS_STYLE@
</style></head>
<body>
<h1 id="title"></h1>
<div class="sub" id="sub"></div>
<div id="score"></div>
<div id="controls">
  <button id="undo" title="undo the last step (Backspace)">undo</button>
  <button id="restart" title="back to the start">start over</button>
  <button id="to-failure">show me the shortest way to a failure from here</button>
  <button id="to-safe">show me the shortest way to a safe end from here</button>
</div>
<div id="hint" class="hidden"></div>
<div id="end" class="hidden"></div>
<div id="main">
  <div id="left">
    <h2>threads: click the one that runs next</h2>
    <table id="threads"><tbody></tbody></table>
    <h2>objects</h2>
    <table id="objects"><tbody></tbody></table>
    <div id="story"><h2>the story so far</h2><ol></ol></div>
  </div>
  <div id="right">
    <h2>source: where each thread stands</h2>
    <div id="source"></div>
  </div>
</div>
<div id="orders" class="hidden"></div>
<script id="data" type="application/json">@DATA@</script>
<script>
@ORDERS_JS@
(function () {
  var d = JSON.parse(document.getElementById('data').textContent);
  var g = d.graph, S = g.states;
  var history = [];   // the edges taken: {from, edge, shown}
  var at = 0, visited = {}, found = {}, classes = {}, nclasses = 0;
  S.forEach(function (s) {
    if (s.end && s.end.violation && !classes[s.end['class']]) { classes[s.end['class']] = true; nclasses++; }
  });
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  document.getElementById('title').textContent = d.scenario + (d.title ? ': ' + d.title : '');
  document.getElementById('sub').textContent = d.verdict + '. You are the scheduler: ' + S.length +
      ' states, every one reachable from here.';
  var src = document.getElementById('source'), srcRows = [];
  d.source.forEach(function (line, k) {
    var row = el('div');
    row.appendChild(el('span', String(k + 1), 'ln'));
    row.appendChild(document.createTextNode(line));
    row.setAttribute('data-line', String(k + 1));
    src.appendChild(row);
    srcRows.push(row);
  });
  showOrders(d, el);
  function visit(id) {
    visited[id] = true;
    var e = S[id].end;
    if (e && e.violation) found[e['class']] = true;
  }
  // Breadth-first over the edges from the current state to the nearest state that `goal` accepts.
  function shortest(goal) {
    var prev = {}, queue = [at];
    prev[at] = null;
    for (var q = 0; q < queue.length; q++) {
      var id = queue[q];
      if (goal(S[id])) {
        var path = [];
        for (var k = id; prev[k] !== null; k = prev[k].from) path.unshift(prev[k]);
        return path;
      }
      S[id].e.forEach(function (edge, i) {
        if (!(edge[1] in prev)) { prev[edge[1]] = {from: id, edge: i}; queue.push(edge[1]); }
      });
    }
    return null;
  }
  function take(i, shown) {
    var edge = S[at].e[i];
    history.push({from: at, edge: i, shown: !!shown});
    at = edge[1];
    visit(at);
  }
  function follow(goal, what) {
    var path = shortest(goal), hint = document.getElementById('hint');
    hint.className = '';
    if (!path) { hint.textContent = 'No ' + what + ' can be reached from here.'; render(); return; }
    path.forEach(function (p) { take(p.edge, true); });
    hint.textContent = 'Shown: the shortest way to ' + what + ' from there, ' + path.length + ' step' + (path.length === 1 ? '' : 's') + ' (in italics; undo takes them back).';
    render();
  }
  function runThread(name) {
    var s = S[at];
    for (var i = 0; i < s.e.length; i++) {
      if (g.threads[s.t[s.e[i][0]]][0] === name) { document.getElementById('hint').className = 'hidden'; take(i, false); render(); return true; }
    }
    return false;
  }
  function undo() { if (history.length) { at = history.pop().from; document.getElementById('hint').className = 'hidden'; render(); } }
  function restart() { history = []; at = 0; document.getElementById('hint').className = 'hidden'; render(); }
  function render() {
    var s = S[at], prevState = history.length ? S[history[history.length - 1].from] : null;
    var nfound = Object.keys(found).length;
    document.getElementById('score').textContent = 'You found ' + nfound + ' of ' + nclasses + ' failure class' +
        (nclasses === 1 ? '' : 'es') + '; ' + Object.keys(visited).length + ' of ' + S.length + ' states visited.';
    var runs = {};
    s.e.forEach(function (edge, i) { runs[edge[0]] = i; });
    var tbody = document.querySelector('#threads tbody');
    tbody.innerHTML = '';
    var here = {};
    s.t.forEach(function (ti, t) {
      var th = g.threads[ti];   // [name, status, where, line, next]
      var tr = el('tr', undefined, t in runs ? 'enabled' : 'blocked');
      tr.setAttribute('data-thread', th[0]);
      tr.appendChild(el('td', th[0], 'name'));
      var td = el('td');
      if (t in runs) {
        var b = el('button', 'run: ' + th[4]);
        b.setAttribute('data-thread', th[0]);
        b.onclick = function () { runThread(th[0]); };
        td.appendChild(b);
      } else {
        td.appendChild(el('div', th[1]));
      }
      if (th[2]) td.appendChild(el('div', 'in ' + th[2] + (th[3] ? ', line ' + th[3] : ''), 'where'));
      tr.appendChild(td);
      tbody.appendChild(tr);
      if (th[3] && th[4]) (here[th[3]] = here[th[3]] || []).push(th[0]);
    });
    var obody = document.querySelector('#objects tbody');
    obody.innerHTML = '';
    s.o.forEach(function (oi, k) {
      var o = g.objects[oi];
      var tr = el('tr', undefined, prevState && prevState.o[k] !== oi ? 'changed' : '');
      tr.setAttribute('data-object', o[0]);
      tr.appendChild(el('td', o[0]));
      tr.appendChild(el('td', o[1]));
      obody.appendChild(tr);
    });
    // Each thread's name tags the line it stands at (before the code: long lines do not hide it);
    // the pane scrolls to the first such line.
    var first = null;
    srcRows.forEach(function (row, k) {
      var who = here[k + 1];
      row.className = who ? 'here' : '';
      while (row.childNodes.length > 2) row.removeChild(row.childNodes[1]);
      if (who) who.forEach(function (name) { row.insertBefore(el('span', name, 'who'), row.lastChild); });
      if (who && !first) first = row;
    });
    if (first && (first.offsetTop < src.scrollTop || first.offsetTop > src.scrollTop + src.clientHeight - 40)) {
      src.scrollTop = Math.max(0, first.offsetTop - 60);
    }
    var list = document.querySelector('#story ol');
    list.innerHTML = '';
    history.forEach(function (h, k) {
      var edge = S[h.from].e[h.edge], li = el('li', undefined, h.shown ? 'shown' : '');
      var before = k ? history[k - 1] : null;
      if (before) {
        var last = S[before.from].e[before.edge][0];
        var lastName = g.threads[S[before.from].t[last]][0], name = g.threads[S[h.from].t[edge[0]]][0];
        var stillRuns = S[h.from].e.some(function (e) { return g.threads[S[h.from].t[e[0]]][0] === lastName; });
        if (stillRuns && lastName !== name) li.appendChild(el('span', '-- ' + lastName + ' is preempted; ' + name + ' runs --', 'mark'));
      }
      li.appendChild(document.createTextNode(g.texts[edge[2]]));
      list.appendChild(li);
    });
    var end = document.getElementById('end');
    if (s.end) {
      end.className = s.end.violation ? 'violation' : 'safe';
      end.textContent = s.end.violation ? 'VIOLATION ' + s.end.kind + ': ' + s.end.message + '\nThe story so far, below, is how you got here.'
                                        : 'The end: ' + s.end.kind + (s.end.message ? ': ' + s.end.message : '') + '.';
    } else {
      end.className = 'hidden';
      end.textContent = '';
    }
    document.getElementById('undo').disabled = !history.length;
  }
  document.getElementById('undo').onclick = undo;
  document.getElementById('restart').onclick = restart;
  document.getElementById('to-failure').onclick = function () { follow(function (s) { return s.end && s.end.violation; }, 'a failure'); };
  document.getElementById('to-safe').onclick = function () { follow(function (s) { return s.end && s.end.safe; }, 'a safe end'); };
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Backspace') { undo(); e.preventDefault(); }
  });
  // #do=run:rmmod,undo,failure,safe,restart: clicks, in order (a link to a position, tests, screenshots).
  function fromHash() {
    var m = /do=([^&]*)/.exec(location.hash);
    restart();
    if (!m) return;
    decodeURIComponent(m[1]).split(',').forEach(function (a) {
      if (a.indexOf('run:') === 0) {
        var b = document.querySelector('#threads button[data-thread="' + CSS.escape(a.slice(4)) + '"]');
        if (b) b.click();
      } else if (a === 'undo' || a === 'restart') {
        document.getElementById(a).click();
      } else if (a === 'failure' || a === 'safe') {
        document.getElementById('to-' + a).click();
      }
    });
  }
  visit(0);
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
</script>
</body></html>
)PAGE";

}  // namespace

void write_scheduler_html(std::ostream& out, const ScenarioReport& report, const std::string& source,
                          const PageExtras& extras) {
  const std::string title = escape_html(valid_utf8(report.layout->title.empty() ? report.path : report.layout->title));
  out << fill_page(kPage, {{"TITLE", title},
                           {"ORDERS_STYLE", kOrdersStyle},
                           {"ORDERS_JS", kOrdersScript},
                           {"DATA", script_safe(scheduler_data(report, source, extras))}});
}

}  // namespace preempt
