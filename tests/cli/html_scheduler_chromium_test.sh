#!/usr/bin/env bash
# The interactive --html page (the scheduler) in headless Chromium. The page's #do= address clicks
# its buttons in order (run:THREAD, undo, failure, safe, restart); the test dumps the DOM after each
# sequence and checks what the student sees: the dm race reached by picking threads (its violation,
# the story, the score), undone, the safe order found, the line each thread stands at highlighted in
# the source pane. Then hostile scenario text (a title, comments) must run no script, on the
# scheduler page and on the trace stepper. With SCREENSHOTS=DIR it also saves the screenshots the
# tutorial shows. Usage: html_scheduler_chromium_test.sh PREEMPT_BINARY SOURCE_DIR. Exit 77: no
# Chromium.
set -euo pipefail
preempt=$1
source_dir=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (scripts/install-deps.sh test installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$source_dir"
passed=0
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --user-data-dir="$work/profile" --virtual-time-budget=3000 "$@" 2>>"$work/chromium.err"
}
dump() { chrome --dump-dom "file://$1$2" >"$work/dom"; }
expect() {
  grep -qF -- "$1" "$work/dom" || { echo "FAIL ($what): the page lacks: $1"; cat "$work/dom"; exit 1; }
}
refuse() {
  if grep -qF -- "$1" "$work/dom"; then echo "FAIL ($what): the page shows: $1"; exit 1; fi
}
ok() { passed=$((passed + 1)); }

status=0
"$preempt" check --html "$work/dm.html" scenarios/dm-sysfs-exit/buggy.scn >"$work/check.out" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: check exited $status, expected 1"; exit 1; }
grep -q 'src=\|href="http' "$work/dm.html" && { echo "FAIL: the page loads something from outside"; exit 1; }
page=$work/dm.html

what="the start"
dump "$page" ''
expect '<h2>threads: click the one that runs next</h2>'
expect '<button data-thread="sysfs_reader">run: kobject_get_unless_zero(dm_kobj)</button>'
expect '<button data-thread="rmmod">run: calls dm_sysfs_exit()</button>'
expect 'You found 0 of 1 failure class; 1 of '
# Each thread's line is highlighted in the source pane, with the thread's name on it.
expect '<div data-line="23" class="here"><span class="ln">23</span><span class="who">sysfs_reader</span>    if (kobject_get_unless_zero(dm_kobj)) {</div>'
expect '<div data-line="29" class="here"><span class="ln">29</span><span class="who">rmmod</span>    dm_sysfs_exit();</div>'
expect '<div id="end" class="hidden"></div>'
ok

# The dm race, one click at a time: the reader takes its reference, rmmod runs, the reader drops the
# last reference and is preempted inside the release method, rmmod unloads the module, the reader
# returns into it.
race=run:sysfs_reader,run:rmmod,run:rmmod,run:sysfs_reader,run:sysfs_reader,run:rmmod,run:rmmod,run:rmmod,run:rmmod,run:sysfs_reader
what="the dm race"
dump "$page" "#do=$race"
expect '<div id="end" class="violation">VIOLATION unloaded-code: sysfs_reader returns into dm_kobject_release: code of module dm, unloaded at step 9'
expect 'You found 1 of 1 failure class;'
expect 'sysfs_reader drops its reference to dm_kobj (refcount 1 -&gt; 0) and calls dm_kobject_release [module dm]'
expect '<span class="mark">-- sysfs_reader is preempted; rmmod runs --</span>'
expect '<tr data-object="module dm"><td>module dm</td><td>unloaded at step 9</td></tr>'
ok

what="undo back to the moment that matters"
dump "$page" "#do=$race,undo,undo,undo,undo,undo"
expect '<div id="end" class="hidden"></div>'
expect 'You found 1 of 1 failure class;'
# sysfs_reader stands at the end of dm_kobject_release, in the module's code, while rmmod waits for
# the completion it has just signalled.
expect '<div data-line="11" class="here"><span class="ln">11</span><span class="who">sysfs_reader</span>}</div>'
expect '<div data-line="15" class="here"><span class="ln">15</span><span class="who">rmmod</span>    wait_for_completion(kobj_holder);</div>'
expect '<div class="where">in dm_kobject_release [module dm], line 11</div>'
expect '<button data-thread="sysfs_reader">run: returns from dm_kobject_release()</button>'
ok

what="the safe order"
dump "$page" "#do=$race,undo,undo,undo,undo,undo,run:sysfs_reader,safe"
expect '<div id="end" class="safe">The end: every thread finished: no violation.</div>'
expect 'Shown: the shortest way to a safe end from there'
ok

what="the shortest way to a failure"
dump "$page" "#do=failure"
expect '<div id="end" class="violation">VIOLATION unloaded-code'
expect 'You found 1 of 1 failure class;'
ok

what="two orders side by side"
expect '<div id="failing-order"><h3>the violating order</h3>'
expect '<div id="safe-order"><h3>the safe order</h3>'
expect 'class="racing">rmmod unloads module dm'
ok

what="a fixed scenario"
"$preempt" check --html "$work/fixed.html" scenarios/dm-sysfs-exit/fixed.scn >/dev/null
dump "$work/fixed.html" '#do=failure'
expect 'verdict: SAFE -- every interleaving explored'
expect 'You found 0 of 0 failure classes;'
expect 'No a failure can be reached from here.'
ok

if [ -n "${SCREENSHOTS:-}" ]; then
  mkdir -p "$SCREENSHOTS"
  chrome --window-size=1200,1000 --screenshot="$SCREENSHOTS/page-start.png" "file://$page"
  chrome --window-size=1200,1000 --screenshot="$SCREENSHOTS/page-race.png" "file://$page#do=$race"
  chrome --window-size=900,1000 --screenshot="$SCREENSHOTS/page-900px.png" "file://$page#do=run:sysfs_reader,run:rmmod,run:rmmod"
fi

# Hostile scenario text: each piece tries to run a script that retitles the page or writes to it.
hostile="</script><script>document.title='PWNED';document.body.innerHTML='PWNED'</script><!--<script>"
mkdir -p "$work/hostile"
cat >"$work/hostile/h.scn" <<SCN
// $hostile
/* <img src=x onerror="document.title='PWNED'"> $hostile */
scenario "x $hostile <img src=x onerror=\"document.title='PWNED'\"> <!-- ";
int g;
thread t { g = 1; /* $hostile */ }
thread u { g = 2; assert(g == 2); }   // ]]> $hostile
expect safe;
SCN
"$preempt" check --html "$work/hostile/scheduler.html" "$work/hostile/h.scn" >/dev/null || true
schedule=$(grep -o 'schedule: [^ ]*' <("$preempt" check "$work/hostile/h.scn" || true) | head -1 | cut -d' ' -f2)
"$preempt" replay --html "$work/hostile/stepper.html" "$work/hostile/h.scn" --schedule "$schedule" >/dev/null || true
for kind in scheduler:#do=failure stepper:#step=end; do
  what="hostile text, ${kind%%:*} page"
  dump "$work/hostile/${kind%%:*}.html" "${kind#*:}"
  refuse '<title>PWNED'
  refuse '<body>PWNED'
  expect "<title>preempt: x &lt;/script&gt;&lt;script&gt;document.title='PWNED'"
  expect 'VIOLATION assertion'
  ok
done
what="hostile text in the source pane"
dump "$work/hostile/scheduler.html" ''
expect "&lt;img src=x onerror=\"document.title='PWNED'\"&gt;"
ok
echo "html scheduler page in chromium: $passed passed, 0 failed"
