#!/usr/bin/env bash
# The main job, from a fresh Debian machine: install what building needs (scripts/install-deps.sh
# main), build without the tests, then check every scenario in scenarios/ against its `expect`
# line. Extra arguments go to `preempt test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh main
exec build/preempt test scenarios/ "$@"
