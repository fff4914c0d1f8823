#!/usr/bin/env bash
# The --dot output through Graphviz itself: every graph preempt writes must be accepted by `dot`
# (syntax, attribute names and escapes) and lay out with the violating leaf in red. Checked on the
# dm race, on Peterson's broken lock (the minimized counterexample found outside the tree) and on a
# safe scenario. Usage: dot_graphviz_test.sh PREEMPT_BINARY SOURCE_DIR. Exit 77: no Graphviz.
set -euo pipefail
preempt=$1
source_dir=$2
if ! command -v dot >/dev/null; then
  echo "SKIP: graphviz is not installed (scripts/install-deps.sh test installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$source_dir"
check() {  # check NAME EXPECTED_EXIT SCENARIO
  local status=0
  "$preempt" check --strategy dfs --dot "$work/$1.dot" "$3" >"$work/$1.out" || status=$?
  [ "$status" -eq "$2" ] || { echo "FAIL: $3: check exited $status, expected $2"; exit 1; }
  dot -Tsvg "$work/$1.dot" -o "$work/$1.svg" 2>"$work/$1.err" || { echo "FAIL: dot rejects $1.dot:"; cat "$work/$1.err"; exit 1; }
  [ ! -s "$work/$1.err" ] || { echo "FAIL: dot warns about $1.dot:"; cat "$work/$1.err"; exit 1; }
  grep -q '<svg' "$work/$1.svg" || { echo "FAIL: no svg for $1"; exit 1; }
}
check dm 1 scenarios/dm-sysfs-exit/buggy.scn
grep -q 'fill="red"' "$work/dm.svg" || { echo "FAIL: the violating leaf of the dm race is not red"; exit 1; }
grep -qF 'rmmod: delete_module(dm)' "$work/dm.svg" || { echo "FAIL: the dm tree lacks the unload edge"; exit 1; }
check peterson 1 scenarios/classic/peterson-broken.scn
check fixed 0 scenarios/dm-sysfs-exit/fixed.scn
grep -q 'fill="red"' "$work/fixed.svg" && { echo "FAIL: a safe scenario's tree has a red leaf"; exit 1; }
echo "dot through graphviz: 3 passed, 0 failed"
