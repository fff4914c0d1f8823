#!/usr/bin/env bash
# The main job, from a fresh Debian machine: install, build, then check every scenario in
# scenarios/ against its `expect` line. Extra arguments go to `preempt test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ci
exec build/preempt test scenarios/ "$@"
