#!/usr/bin/env bash
# The trace stepper page (--html of a replay, or of a scenario too big for the scheduler page) in
# headless Chromium: open it at #step=end (the page's script moves the cursor to the last step), dump
# the DOM, and check that the state panel shows module dm unloaded and that the violation is shown;
# at step 8, that the failing row is not marked yet and later rows are greyed. Usage: html_chromium_test.sh PREEMPT_BINARY SOURCE_DIR. Exit 77: no Chromium.
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
status=0
"$preempt" replay --html "$work/dm.html" scenarios/dm-sysfs-exit/buggy.scn \
  --schedule sysfs_reader,rmmod:2,sysfs_reader:2,rmmod:4,sysfs_reader >"$work/check.out" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: replay exited $status, expected 1"; exit 1; }
grep -q 'src=\|href="http' "$work/dm.html" && { echo "FAIL: the page loads something from outside"; exit 1; }
dump() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --user-data-dir="$work/profile" --virtual-time-budget=3000 --dump-dom "file://$work/dm.html$1" 2>"$work/chromium.err"
}
dump '#step=end' >"$work/end.dom"
expect() {
  grep -qF -- "$2" "$1" || { echo "FAIL: $1 lacks: $2"; cat "$1"; exit 1; }
}
expect "$work/end.dom" '<span id="position">step 10 of 10</span>'
expect "$work/end.dom" '<tr data-object="module dm"><td>module dm</td><td>unloaded at step 9</td></tr>'
expect "$work/end.dom" '<div id="violation" class="">VIOLATION unloaded-code: sysfs_reader returns into dm_kobject_release: code of module dm, unloaded at step 9'
expect "$work/end.dom" '<tr class="current failing"><td class="n">10</td>'
expect "$work/end.dom" 'class="mark">-- sysfs_reader is preempted inside dm_kobject_release [dm]; rmmod runs --<'
expect "$work/end.dom" 'id="where">10. sysfs_reader runs again: complete() returns into dm_kobject_release [module dm], whose code is gone'
# Before delete_module the module is live, and the violation is not shown yet.
dump '#step=8' >"$work/step8.dom"
expect "$work/step8.dom" 'data-object="module dm"><td>module dm</td><td>live, refcount 0</td></tr>'
expect "$work/step8.dom" '<div id="violation" class="hidden"></div>'
expect "$work/step8.dom" 'module_put(dm);'
expect "$work/step8.dom" '<tr class="future"><td class="n">10</td>'
expect "$work/step8.dom" 'this execution: VIOLATION unloaded-code (10 steps)'
# The side-by-side orders: the violating one with its racing steps, the safe one.
expect "$work/step8.dom" '<div id="safe-order"><h3>the safe order</h3>'
# A deadlock fails at no step: no row of the philosophers' page is marked failing.
"$preempt" replay --html "$work/phil.html" scenarios/classic/dining-philosophers.scn --schedule 'phil[0],phil[1],phil[2]' >/dev/null || true
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --user-data-dir="$work/profile" --virtual-time-budget=3000 --dump-dom "file://$work/phil.html#step=end" >"$work/phil.dom" 2>>"$work/chromium.err"
expect "$work/phil.dom" 'VIOLATION deadlock'
expect "$work/phil.dom" '<tr class="current preempted"><td class="n">3</td>'
if grep -qE 'class="[a-z ]*failing"' "$work/phil.dom"; then echo "FAIL: a philosophers' step is marked failing"; exit 1; fi
echo "html page in chromium: 1 passed, 0 failed"
