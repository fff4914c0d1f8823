#!/usr/bin/env bash
# Installs the dependencies (Debian packages) and builds preempt: build/preempt.
#   scripts/build.sh            the release build (warnings as errors), in build/
#   scripts/build.sh sanitize   the ASan+UBSan build, in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-ci}"
scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
