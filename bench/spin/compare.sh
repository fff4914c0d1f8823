#!/usr/bin/env bash
# SPIN against preempt on the dm_kobject_release race with N sysfs readers, buggy and fixed.
#
#   bench/spin/compare.sh [FIRST..LAST | FIRST LAST] [options]     (default 1..6)
#   bench/spin/compare.sh families [compare.py options]            every family: see below
#
# `compare.sh families ...` runs bench/spin/compare.py: SPIN beside preempt (dpor and stateful) on
# every family of bench/families.py, fixed and buggy, N upward until each tool exceeds the budget,
# one markdown table per family (`compare.sh families --help` for its options). The rest of this
# comment is about the dm table this script prints itself.
#
#   --budget S          wall-time budget per tool, per N, per variant (default 60). A run that
#                       exceeds it is reported as "timeout", and larger N are skipped for that
#                       tool and variant.
#   --strategy S        preempt's strategy (default dfs)
#   --preempt-flags "F" more options for `preempt check` (e.g. "--no-reduction", "--no-symmetry")
#   --pan-flags "F"     flags of ./pan (default "-m10000 -w20": a 2^20-slot hash table, 8 MiB,
#                       ample for the ~2e5 states of N = 10; pan's own default -w24 costs 128 MiB)
#   --cflags "F"        gcc flags for pan.c (default "-O2 -DSAFETY")
#   --only spin|preempt run one tool only (the other's cells read "skipped"; no agreement check)
#   --keep DIR          keep the generated models, outputs and timings in DIR
#
# For each (N, variant) it generates the Promela model and the preempt scenario with gen_dm.py,
# runs SPIN end to end (spin -a, gcc, ./pan; timed as a whole and pan alone; pan's peak RSS by
# /usr/bin/time -v) and `preempt check --format json` (peak RSS by /usr/bin/time -v), and prints
# one markdown table row (preempt states: those the stateful strategy stored; blank for the
# stateless strategies). Both verdicts must be the expected one (buggy: violation unloaded-code;
# fixed: safe) and agree; otherwise a MISMATCH line is printed and the exit status is 1. With the
# dfs strategy, the executions of a fixed run must equal count_interleavings.py's count of the
# Promela step model (a check that both models cut the race into the same steps).
#
# Needs: spin, gcc, python3, /usr/bin/time (GNU time), timeout; build/preempt built.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ${1:-} == families ]]; then
  shift
  exec python3 "$here/compare.py" "$@"
fi
preempt=${PREEMPT:-$here/../../build/preempt}
first=1 last=6 budget=60 strategy=dfs keep="" only="" preempt_flags=""
pan_flags="-m10000 -w20" cflags="-O2 -DSAFETY"

die() { echo "compare.sh: $*" >&2; exit 2; }
positional=()
while (($#)); do
  case $1 in
    --budget) budget=${2:?}; shift 2 ;;
    --strategy) strategy=${2:?}; shift 2 ;;
    --preempt-flags) preempt_flags=${2:?}; shift 2 ;;
    --pan-flags) pan_flags=${2:?}; shift 2 ;;
    --cflags) cflags=${2:?}; shift 2 ;;
    --keep) keep=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2; [[ $only == spin || $only == preempt ]] || die "--only wants spin or preempt" ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) positional+=("$1"); shift ;;
  esac
done
case ${#positional[@]} in
  0) ;;
  1) [[ ${positional[0]} =~ ^([0-9]+)\.\.([0-9]+)$ ]] || die "bad range ${positional[0]} (want FIRST..LAST)"
     first=${BASH_REMATCH[1]} last=${BASH_REMATCH[2]} ;;
  2) first=${positional[0]} last=${positional[1]} ;;
  *) die "too many arguments" ;;
esac
[[ $first =~ ^[0-9]+$ && $last =~ ^[0-9]+$ && $first -ge 1 && $last -ge $first ]] || die "bad range $first..$last"
[[ $budget =~ ^[0-9]+$ && $budget -ge 1 ]] || die "--budget wants whole seconds"
read -ra cflag_words <<<"$cflags"   # flags are words: split them once, here
read -ra pan_words <<<"$pan_flags"
read -ra preempt_words <<<"$preempt_flags"
for tool in spin gcc python3 timeout /usr/bin/time "$preempt"; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

if [[ -n $keep ]]; then mkdir -p "$keep"; work=$(cd "$keep" && pwd)
else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi

# Wall clock in milliseconds, in the shell itself so that timing adds no process start-up.
now() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
elapsed() { local ms=$(($2 - $1)); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }
remaining() { local s=$(((budget * 1000 - ($(now) - $1) + 999) / 1000)); echo $((s < 1 ? 1 : s)); }
peak_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.3g}' if a > 0 and b > 0 else 'n/a (< 1 ms)')" "$1" "$2"; }

# run_spin DIR N VARIANT: sets spin_verdict, spin_states, spin_total, spin_pan, spin_mib.
run_spin() {
  local d=$1 n=$2 v=$3 start rc=0
  spin_pan=""
  python3 "$here/gen_dm.py" pml "$n" "$v" >"$d/dm.pml"
  start=$(now)
  (cd "$d" && timeout "$budget" spin -a dm.pml >spin.out 2>&1) || rc=$?
  if ((rc == 0)); then
    (cd "$d" && timeout "$(remaining "$start")" gcc "${cflag_words[@]}" -o pan pan.c >gcc.out 2>&1) || rc=$?
  fi
  if ((rc == 0)); then
    local pan_start left; left=$(remaining "$start"); pan_start=$(now)
    (cd "$d" && timeout "$left" /usr/bin/time -v -o pan.time ./pan "${pan_words[@]}" >pan.out 2>&1) || rc=$?
    spin_pan=$(elapsed "$pan_start" "$(now)")
  fi
  spin_total=$(elapsed "$start" "$(now)")
  spin_states="" spin_mib=""
  if ((rc == 124)); then spin_verdict=timeout; return; fi
  if ((rc != 0)); then spin_verdict="error (exit $rc, see $d)"; return; fi
  spin_states=$(awk '/states, stored/ {print $1; exit}' "$d/pan.out")
  spin_mib=$(peak_mib "$d/pan.time")
  if grep -q '^pan:[0-9]*: assertion violated' "$d/pan.out"; then
    # gen_dm.py's assertions: mstate != UNLOADED is unloaded-code; kref/mref > 0 are underflows.
    case $(grep -m1 -o 'assertion violated ([^)]*)' "$d/pan.out") in
      *mstate*) spin_verdict="violation unloaded-code" ;;
      *kref*|*mref*) spin_verdict="violation refcount-underflow" ;;
      *) spin_verdict="violation assertion" ;;
    esac
  elif grep -q '^pan:[0-9]*: invalid end state' "$d/pan.out"; then spin_verdict="violation deadlock"
  elif grep -q 'errors: 0' "$d/pan.out" && ! grep -q 'Search not completed\|max search depth too small' "$d/pan.out"; then
    spin_verdict=safe
  else spin_verdict="incomplete (see $d/pan.out)"; fi
}

# run_preempt DIR N VARIANT: sets pre_verdict, pre_execs, pre_states, pre_time, pre_mib.
run_preempt() {
  local d=$1 n=$2 v=$3 start rc=0
  python3 "$here/gen_dm.py" scn "$n" "$v" >"$d/dm.scn"
  start=$(now)
  timeout $((budget + 30)) /usr/bin/time -v -o "$d/preempt.time" "$preempt" check "$d/dm.scn" \
    --format json --strategy "$strategy" "${preempt_words[@]}" --max-time "$budget" >"$d/preempt.json" \
    2>"$d/preempt.err" || rc=$?
  pre_time=$(elapsed "$start" "$(now)")
  pre_execs="" pre_states="" pre_mib=""
  if ((rc == 124)); then pre_verdict=timeout; return; fi
  if ((rc != 0 && rc != 1 && rc != 3)); then pre_verdict="error (exit $rc, see $d)"; return; fi
  pre_mib=$(peak_mib "$d/preempt.time")
  read -r pre_verdict pre_execs pre_states < <(python3 - "$d/preempt.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
v = r["verdict"]
if v == "violation":
    v = "violation " + r["violations"][0]["kind"]
elif v == "incomplete" and any("time" in s for s in r["incomplete_reasons"]):
    v = "timeout"
print(v.replace(" ", "_"), r["executions"], r.get("states", ""))
EOF
)
  pre_verdict=${pre_verdict//_/ }
}

# files_at DIR: where a run's files are, or how to keep them (the work folder is removed at exit).
files_at() { if [[ -n $keep ]]; then echo "files in $1"; else echo "rerun with --keep DIR to keep the files"; fi; }
# cell VERDICT VALUE: VALUE, or what stands in for it when the run did not finish.
cell() { case $1 in timeout) echo "timeout" ;; skipped) echo "skipped" ;; *) echo "$2" ;; esac; }
finished() { [[ $1 != timeout && $1 != skipped ]]; }

mismatches=()
declare -A timed_out=()   # "tool variant" -> the N that timed out
echo "SPIN $(spin -V | sed 's/Spin Version //; s/ --.*//') (gcc $cflags; pan $pan_flags) vs preempt --strategy" \
     "$strategy${preempt_flags:+ $preempt_flags}; budget ${budget} s per tool per N; $(nproc) cores"
echo
echo "| N | variant | verdict | SPIN states | SPIN total s | pan s | pan MiB | preempt executions | preempt states | preempt s | preempt MiB | preempt/SPIN | preempt/pan |"
echo "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for ((n = first; n <= last; n++)); do
  for v in fixed buggy; do
    d="$work/n$n-$v"; mkdir -p "$d"
    expected=$([[ $v == buggy ]] && echo "violation unloaded-code" || echo safe)
    if [[ -n ${timed_out[spin $v]:-} || $only == preempt ]]; then
      spin_verdict="skipped" spin_states="" spin_total="" spin_pan="" spin_mib=""
    else
      run_spin "$d" "$n" "$v"
      [[ $spin_verdict == timeout ]] && timed_out[spin $v]=$n
    fi
    if [[ -n ${timed_out[preempt $v]:-} || $only == spin ]]; then
      pre_verdict="skipped" pre_execs="" pre_states="" pre_time="" pre_mib=""
    else
      run_preempt "$d" "$n" "$v"
      [[ $pre_verdict == timeout ]] && timed_out[preempt $v]=$n
    fi

    if finished "$spin_verdict" && finished "$pre_verdict"; then
      if [[ $spin_verdict == "$pre_verdict" && $spin_verdict == "$expected" ]]; then verdict="$expected (both)"
      else
        verdict="**MISMATCH**"
        mismatches+=("N=$n $v: SPIN says '$spin_verdict', preempt says '$pre_verdict', expected '$expected' ($(files_at "$d"))")
      fi
    else
      verdict="SPIN: $spin_verdict; preempt: $pre_verdict"
      for pair in "SPIN:$spin_verdict" "preempt:$pre_verdict"; do
        if finished "${pair#*:}" && [[ ${pair#*:} != "$expected" ]]; then
          mismatches+=("N=$n $v: ${pair%%:*} says '${pair#*:}', expected '$expected' ($(files_at "$d"))")
          verdict="**MISMATCH** ($verdict)"
        fi
      done
    fi
    if [[ $strategy == dfs && $v == fixed && $pre_verdict == safe ]]; then
      model=$(python3 "$here/count_interleavings.py" "$n" fixed | awk '{print $2}')
      if [[ $model != "$pre_execs" ]]; then
        mismatches+=("N=$n fixed: preempt explored $pre_execs executions, the Promela step model has $model interleavings")
        verdict="**MISMATCH** (executions $pre_execs vs step model $model)"
      fi
    fi
    r1="" r2=""
    if finished "$spin_verdict" && finished "$pre_verdict"; then
      r1=$(ratio "$pre_time" "$spin_total"); r2=$(ratio "$pre_time" "$spin_pan")
    fi
    echo "| $n | $v | $verdict | $(cell "$spin_verdict" "$spin_states") | $(cell "$spin_verdict" "$spin_total") |" \
         "$(cell "$spin_verdict" "$spin_pan") | $(cell "$spin_verdict" "$spin_mib") | $(if [[ $pre_verdict == timeout ]]; then echo "timeout (${pre_execs:-?} done)"; else cell "$pre_verdict" "$pre_execs"; fi) |" \
         "$(cell "$pre_verdict" "$pre_states") | $(cell "$pre_verdict" "$pre_time") | ${pre_mib:-$(cell "$pre_verdict" "")} | $r1 | $r2 |"
  done
done

if ((${#mismatches[@]})); then
  echo
  for m in "${mismatches[@]}"; do
    echo "!!!!!!!! MISMATCH: $m" | tee /dev/stderr
  done
  exit 1
fi
echo
echo "All finished runs agree: buggy is a violation (unloaded-code), fixed is safe."
