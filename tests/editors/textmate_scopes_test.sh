#!/usr/bin/env bash
# ctest editors.textmate_scopes: textmate_scopes_test.js under Node.js.
# Usage: textmate_scopes_test.sh SOURCE_DIR. Exit 77 (skipped) without node or the npm packages.
set -uo pipefail
command -v node >/dev/null 2>&1 || { echo "SKIP: Node.js is not installed (scripts/install-deps.sh test)"; exit 77; }
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here" && exec node textmate_scopes_test.js "$1"
