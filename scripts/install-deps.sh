#!/usr/bin/env bash
# Installs the Debian packages preempt needs to build and test. Idempotent.
set -euo pipefail
PKGS=(build-essential cmake ninja-build libboost-context-dev libcli11-dev catch2 libfmt-dev
      nlohmann-json3-dev python3 python3-jsonschema libxml2-utils chromium graphviz
      clang libclang-rt-14-dev valgrind)  # the fuzz targets (scripts/fuzz.sh); the memcheck test
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
