#!/usr/bin/env bash
# Fuzzes preempt with libFuzzer: builds the targets in fuzz/ with clang, ASan and UBSan in
# build-fuzz/, then runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS [TARGET...]]   SECONDS per target (default 60); every target by default
# Each target starts from the scenarios, the CLI test fixtures and its regression corpus
# (fuzz/regressions/TARGET) and keeps what it learns in build-fuzz/corpus/TARGET. A crash, hang
# (-timeout) or sanitizer report leaves its input in build-fuzz/artifacts/ and makes the script
# fail; fix the bug and copy the input to fuzz/regressions/TARGET/, where ctest replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz_frontend fuzz_compile fuzz_check fuzz_lsp)

scripts/install-deps.sh test
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DPREEMPT_FUZZ=ON -DPREEMPT_WERROR=ON -DPREEMPT_TESTS=OFF >/dev/null
cmake --build build-fuzz --target "${targets[@]}"

# A dictionary from the language's own lists of keywords, operators and builtins.
dict=build-fuzz/scenario.dict
{
  sed -n 's/^PREEMPT_\(TOKEN\|KEYWORD\)([A-Za-z]*, "\([^" ]*\)").*/"\2"/p' checker/lang/token_kinds.def
  sed -n 's/^PREEMPT_OP([A-Za-z]*, "\([a-z_0-9]*\)", [A-Za-z]*, "[A-Za-z]*", \(Int\|Void\),.*/"\1("/p' checker/rt/ops.def
  sed -n 's/^PREEMPT_VIOLATION([A-Za-z]*, "\([a-z-]*\)".*/"\1"/p' checker/rt/violation_kinds.def
  for w in safe violation executions dfs dpor stateful release exit; do
    echo "\"$w\""
  done
} >"$dict"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for target in "${targets[@]}"; do
  corpus="build-fuzz/corpus/$target"
  mkdir -p "$corpus" build-fuzz/artifacts "fuzz/regressions/$target"
  echo "== $target: ${seconds} s"
  if ! "build-fuzz/fuzz/$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      -dict="$dict" -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$target-" \
      "$corpus" scenarios tests/cli/fixtures "fuzz/regressions/$target" 2>"build-fuzz/$target.log"; then
    failed+=("$target")
    tail -n 60 "build-fuzz/$target.log"
  fi
  grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::new_units_added)' "build-fuzz/$target.log" || true
done
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in build-fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no crash, hang or sanitizer report"
