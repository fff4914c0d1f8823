#!/usr/bin/env bash
# The test suite, from a fresh Debian machine: install everything the tests use
# (scripts/install-deps.sh test, and the npm packages of tests/editors), build with warnings as
# errors, run every test; then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer;
# then a bounded libFuzzer run of every fuzz target (scripts/fuzz.sh, PREEMPT_FUZZ_SECONDS each,
# default 20).
#   scripts/test.sh          all three
#   scripts/test.sh quick    the release build only
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc 2>/dev/null || echo 2)"
scripts/build.sh ci
# The TextMate grammar test's packages, pinned by tests/editors/package-lock.json.
(cd tests/editors && npm ci --no-audit --no-fund --ignore-scripts)
(cd build && ctest --output-on-failure -j "$jobs")
if [ "${1:-}" != quick ]; then
  scripts/build.sh sanitize
  (cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 PREEMPT_RANDOM_PROGRAMS=300 ctest --output-on-failure -j "$jobs")
  scripts/fuzz.sh "${PREEMPT_FUZZ_SECONDS:-20}"
fi
