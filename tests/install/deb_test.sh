#!/usr/bin/env bash
# ctest package.deb: build the Debian package of this build with CPack, look at its control data and
# contents, unpack it with `dpkg -x` into a scratch folder (no root, nothing installed) and run the
# unpacked preempt on the unpacked scenario library: the dm race must be found (exit 1), its fix
# proved safe (exit 0), and every scenario must meet its `expect` line (exit 0); tests/consumer must
# build against the unpacked headers, archives and CMake package (relocatable) and find the race.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR CXX_COMPILER CMAKE_GENERATOR.
# Exit 77 (skipped) without dpkg-deb.
set -euo pipefail
build="$1" source="$2" scratch="$3" cxx="$4" generator="$5"
fail() { echo "FAIL: $*"; exit 1; }
command -v dpkg-deb >/dev/null 2>&1 || { echo "SKIP: dpkg-deb is not installed"; exit 77; }
rm -rf "$scratch"
mkdir -p "$scratch"

echo "== cpack -G DEB"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/cpack" >"$scratch/cpack.log" 2>&1 \
  || { cat "$scratch/cpack.log"; fail "cpack"; }
deb="$(find "$scratch/cpack" -maxdepth 1 -name 'preempt_*.deb')"
[ -f "$deb" ] || { cat "$scratch/cpack.log"; fail "no preempt_*.deb"; }
echo "$(basename "$deb")"

echo "== control data"
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends | tee "$scratch/control"
grep -q '^Package: preempt$' "$scratch/control" || fail "Package"
grep -q '^Depends: .*libboost-context' "$scratch/control" || fail "Depends lacks Boost.Context"
grep -q '^Depends: .*libfmt' "$scratch/control" || fail "Depends lacks fmt"

echo "== contents"
dpkg-deb --contents "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$scratch/contents"
for path in /usr/bin/preempt /usr/share/man/man1/preempt.1.gz /usr/include/checker/api/preempt.hpp \
            /usr/share/doc/preempt/README.md /usr/share/doc/preempt/integration.md \
            /usr/share/preempt/scenarios/dm-sysfs-exit/buggy.scn /usr/share/preempt/schemas/junit.xsd \
            /usr/share/vim/vimfiles/syntax/scn.vim /usr/share/preempt/editors/vscode/package.json; do
  grep -qx "$path" "$scratch/contents" || fail "the package lacks $path"
done
grep -qE '^/usr/lib/.*libpreempt_api\.a$' "$scratch/contents" || fail "the package lacks libpreempt_api.a"
grep -qE '^/usr/lib/.*cmake/preempt/preemptConfig\.cmake$' "$scratch/contents" || fail "no CMake package"
grep -qE '^/usr/lib/.*pkgconfig/preempt\.pc$' "$scratch/contents" || fail "no preempt.pc"

echo "== dpkg -x"
root="$scratch/root"
dpkg -x "$deb" "$root"
grep -q '^prefix=/usr$' "$(find "$root" -name preempt.pc)" || fail "preempt.pc does not say prefix=/usr"
zcat "$root/usr/share/man/man1/preempt.1.gz" | grep -q '^\.TH PREEMPT 1' || fail "man page"
if command -v man >/dev/null 2>&1; then
  MANWIDTH=100 man -l "$root/usr/share/man/man1/preempt.1.gz" 2>"$scratch/man.err" | grep -q 'preempt check' \
    || { cat "$scratch/man.err"; fail "man -l cannot show the man page"; }
fi
preempt="$root/usr/bin/preempt"
scenarios="$root/usr/share/preempt/scenarios"
"$preempt" --version | tee "$scratch/version"
grep -qE '^preempt [0-9.]+ \(revision .+\)$' "$scratch/version" || fail "--version"

echo "== preempt check (unpacked) on the unpacked dm race"
set +e
"$preempt" check "$scenarios/dm-sysfs-exit/buggy.scn" >"$scratch/buggy.out"
code=$?
set -e
grep -E 'verdict|unloaded-code:' "$scratch/buggy.out"
[ "$code" -eq 1 ] || { cat "$scratch/buggy.out"; fail "check buggy.scn exited $code, not 1 (a violation)"; }
grep -q 'unloaded-code: sysfs_reader returns into dm_kobject_release' "$scratch/buggy.out" || fail "not the dm race"
"$preempt" check "$scenarios/dm-sysfs-exit/fixed.scn" >"$scratch/fixed.out" || { cat "$scratch/fixed.out"; fail "fixed.scn is not safe"; }
"$preempt" test "$scenarios" >"$scratch/test.out" || { cat "$scratch/test.out"; fail "preempt test on the unpacked library"; }
tail -n 1 "$scratch/test.out"

echo "== tests/consumer against the unpacked package (find_package, CMAKE_PREFIX_PATH=ROOT/usr)"
cmake -S "$source/tests/consumer" -B "$scratch/consumer" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  >"$scratch/consumer.log" 2>&1 || { cat "$scratch/consumer.log"; fail "configure the consumer"; }
grep -q "^preempt_DIR:PATH=$root/usr/" "$scratch/consumer/CMakeCache.txt" || fail "find_package did not use the package"
cmake --build "$scratch/consumer" >>"$scratch/consumer.log" 2>&1 || { cat "$scratch/consumer.log"; fail "build the consumer"; }
"$scratch/consumer/dm_race" | tail -n 1
echo "package.deb: OK"
