#!/usr/bin/env bash
# ctest install.consumer_project: `cmake --install` this build into a scratch prefix, check what is
# there, then build the out-of-tree project tests/consumer against it -- with find_package(preempt)
# and with pkg-config -- and run its model (the dm race), which must find the violation.
# Usage: consumer_test.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR CXX_COMPILER CMAKE_GENERATOR
set -euo pipefail
build="$1" source="$2" scratch="$3" cxx="$4" generator="$5"
rm -rf "$scratch"
mkdir -p "$scratch"
prefix="$scratch/prefix"
fail() { echo "FAIL: $*"; exit 1; }

echo "== cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$scratch/install.log" || { cat "$scratch/install.log"; fail "install"; }

echo "== the installed tree"
"$prefix/bin/preempt" --version | grep -E '^preempt [0-9]+\.[0-9]+\.[0-9]+ \(revision .+\)$' || fail "--version"
test -f "$prefix/include/checker/api/preempt.hpp" || fail "no include/checker/api/preempt.hpp"
config="$(find "$prefix" -name preemptConfig.cmake)"
pc="$(find "$prefix" -name preempt.pc)"
[ -n "$config" ] || fail "no preemptConfig.cmake"
[ -n "$pc" ] || fail "no preempt.pc"
ls "$(dirname "$(dirname "$pc")")"/libpreempt_*.a >/dev/null || fail "no static libraries beside pkgconfig/"
# Every project header an installed header includes is installed too (the include closure).
missing=0
while IFS= read -r include; do
  [ -f "$prefix/include/$include" ] || { echo "missing: $include"; missing=1; }
done < <(grep -rhoE '^\s*#\s*include "[^"]+"' "$prefix/include" | sed -E 's/.*"(.*)"/\1/' | sort -u)
[ "$missing" -eq 0 ] || fail "installed headers include headers that are not installed"
grep -q "^prefix=$prefix\$" "$pc" || { cat "$pc"; fail "preempt.pc's prefix is not $prefix"; }

echo "== find_package(preempt): tests/consumer"
cmake -S "$source/tests/consumer" -B "$scratch/consumer" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  >"$scratch/consumer-configure.log" || { cat "$scratch/consumer-configure.log"; fail "configure the consumer"; }
found="$(sed -n 's/^preempt_DIR:PATH=//p' "$scratch/consumer/CMakeCache.txt")"
[ "$found" = "$(dirname "$config")" ] || fail "find_package found $found, not the scratch install"
cmake --build "$scratch/consumer" >"$scratch/consumer-build.log" || { cat "$scratch/consumer-build.log"; fail "build the consumer"; }
"$scratch/consumer/dm_race" || fail "the consumer's model (find_package)"

echo "== pkg-config --cflags --libs preempt"
if command -v pkg-config >/dev/null 2>&1; then
  flags="$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags --libs preempt)"
  echo "$flags"
  # shellcheck disable=SC2086 # the flags are words
  "$cxx" -std=c++20 -O1 "$source/tests/consumer/dm_race.cpp" $flags -o "$scratch/dm_race_pkg_config" \
    || fail "build with pkg-config"
  "$scratch/dm_race_pkg_config" >/dev/null || fail "the consumer's model (pkg-config)"
  echo "pkg-config build: OK"
else
  echo "pkg-config is not installed: that part is skipped (scripts/install-deps.sh test installs it)"
fi
echo "install.consumer_project: OK"
