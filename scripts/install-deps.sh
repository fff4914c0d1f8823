#!/usr/bin/env bash
# Installs the Debian packages preempt needs, by profile. Idempotent: only what is missing is
# installed (apt-get, with sudo unless run as root).
#   scripts/install-deps.sh main   what building preempt needs (scripts/run.sh, the Dockerfile,
#                                  the CI action): compiler, CMake, Ninja, Boost.Context, CLI11,
#                                  fmt, nlohmann-json
#   scripts/install-deps.sh test   main, and what the test suite uses (scripts/test.sh,
#                                  scripts/fuzz.sh): Catch2, the report validators, Chromium,
#                                  Graphviz, clang + libFuzzer, valgrind, the packaging tools,
#                                  pkg-config, Vim, Node.js + npm (the editor grammar tests)
# Without a profile: test.
set -euo pipefail
profile="${1:-test}"
MAIN=(build-essential cmake ninja-build libboost-context-dev libcli11-dev libfmt-dev nlohmann-json3-dev)
TEST=(catch2                                     # the unit and CLI tests (Catch2 v2 or v3)
      python3 python3-jsonschema libxml2-utils   # SARIF and JUnit validation, the doc examples
      python3-yaml                               # the CI steps test reads action.yml
      chromium graphviz                          # the --html page in a browser, the --dot file
      clang libclang-rt-14-dev                   # the fuzz targets (scripts/fuzz.sh)
      valgrind                                   # memcheck of the CLI
      file pkgconf                               # the .deb (dpkg-shlibdeps), the pkg-config consumer
      vim                                        # the Vim syntax test
      nodejs:node npm:npm)                       # the TextMate grammar test (npm ci in tests/editors)
case "$profile" in
  main) PKGS=("${MAIN[@]}") ;;
  test) PKGS=("${MAIN[@]}" "${TEST[@]}") ;;
  *) echo "usage: $0 [main|test]" >&2; exit 2 ;;
esac
missing=()
for entry in "${PKGS[@]}"; do
  p="${entry%%:*}"
  # PACKAGE:COMMAND: enough that COMMAND exists (Node.js from elsewhere, e.g. NodeSource, whose
  # nodejs package also provides npm and conflicts with Debian's npm package).
  if [ "$entry" != "$p" ] && command -v "${entry#*:}" >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
