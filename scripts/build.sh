#!/usr/bin/env bash
# Installs the dependencies (Debian packages) and builds preempt: build/preempt.
#   scripts/build.sh main       the main job's build: no tests, only the `main` packages, in build/
#   scripts/build.sh            the release build with the tests (warnings as errors), in build/
#   scripts/build.sh sanitize   the ASan+UBSan build, in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-ci}"
case "$preset" in
  main) scripts/install-deps.sh main ;;
  *) scripts/install-deps.sh test ;;
esac
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
