#!/usr/bin/env bash
# The steps of preempt's CI integrations -- the GitHub action (action.yml) and the GitLab template
# (ci/gitlab-ci.yml) run exactly these, and ctest ci.action_steps runs them on the local build:
#
#   ci/preempt-ci.sh install
#       the Debian/Ubuntu packages that building preempt needs (scripts/install-deps.sh main)
#   ci/preempt-ci.sh build BUILD_DIR
#       configure (Release, no tests) and build preempt from this source tree: BUILD_DIR/preempt
#   ci/preempt-ci.sh test PREEMPT OUT_DIR PATH... [-- OPTION...]
#       preempt test PATH... OPTION... --junit OUT_DIR/preempt-junit.xml --sarif OUT_DIR/preempt.sarif,
#       its output also in OUT_DIR/preempt-test.txt; then, for each scenario that FAILs, the page of
#       `preempt check --html` (the same OPTIONs) in OUT_DIR/html/, named after the scenario's path.
#       Exits with preempt test's code (0 every expectation held, 1 some failed, 2 bad input), or 0
#       when PREEMPT_CI_NO_FAIL=1 (the action decides at its last step). With GITHUB_OUTPUT set, writes
#       exit-code, failed, and the absolute paths junit, sarif, html-dir and dir (OUT_DIR) there.
#
# Run `test` from the root of the repository whose scenarios are checked: SARIF locations are relative
# to the working directory (%SRCROOT%), which is what code-scanning UIs resolve.
# PREEMPT_CI_DRY_RUN=1 prints the commands of install and build instead of running them.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"  # preempt's source tree

run() {
  if [ "${PREEMPT_CI_DRY_RUN:-0}" = 1 ]; then
    echo "+ $*"
  else
    "$@"
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

step_install() {
  run "$here/scripts/install-deps.sh" main
}

step_build() {
  [ $# -eq 1 ] || usage
  local build="$1"
  run cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPREEMPT_TESTS=OFF
  run cmake --build "$build" --target preempt
}

step_test() {
  [ $# -ge 3 ] || usage
  local preempt="$1" out="$2"
  shift 2
  local paths=() options=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do paths+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  options=("$@")
  ((${#paths[@]})) || usage
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  rm -rf "$out/html"
  local junit="$out/preempt-junit.xml" sarif="$out/preempt.sarif" text="$out/preempt-test.txt"
  local code=0
  "$preempt" test "${paths[@]}" "${options[@]}" --junit "$junit" --sarif "$sarif" | tee "$text" || code=$?
  # An FAIL line is "FAIL PATH: why"; a scenario that does not compile gets no page (check exits 2).
  local failed=0 path page
  while IFS= read -r path; do
    failed=$((failed + 1))
    page="$out/html/$(printf '%s' "$path" | sed 's|^/||; s|/|__|g').html"
    mkdir -p "$out/html"
    if "$preempt" check "${options[@]}" --html "$page" "$path" >/dev/null 2>&1 || [ -s "$page" ]; then
      echo "preempt-ci: $path: $page"
    fi
  done < <(sed -n 's/^FAIL \(.*\.scn\): .*/\1/p' "$text")
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
      echo "exit-code=$code"
      echo "failed=$failed"
      echo "junit=$junit"
      echo "sarif=$sarif"
      echo "html-dir=$out/html"
      echo "dir=$out"
    } >>"$GITHUB_OUTPUT"
  fi
  echo "preempt-ci: preempt test exited $code; $failed scenario(s) failed; reports in $out"
  if [ "${PREEMPT_CI_NO_FAIL:-0}" = 1 ]; then
    return 0
  fi
  return "$code"
}

[ $# -ge 1 ] || usage
step="$1"
shift
case "$step" in
  install) step_install "$@" ;;
  build) step_build "$@" ;;
  test) step_test "$@" ;;
  *) usage ;;
esac
