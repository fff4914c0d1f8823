#!/usr/bin/env python3
"""The default strategy (issue 16): auto against dpor and stateful, one markdown row per program.

    bench/default_strategy.py [--preempt build/preempt] [--budget SECONDS] [--rows] [--scenarios DIR]

The rows are the programs of issue 16 (bench/families.py's families at their size, and the DPOR
benchmarks of the literature from tests/unit/explore/dpor_test.cpp); --scenarios adds every *.scn
under DIR. Each program runs under dpor, stateful and auto (`preempt check --format json
--no-minimize --max-time BUDGET`); a run cut by the budget shows `incomplete` and counts as the
budget. The last columns: the best single strategy's time and auto's time over it (goal: 1.5 or
less), and which search decided auto's run. Figures are wall seconds; with other processes on
the machine they vary by tens of per cent from run to run.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import families  # noqa: E402


def indexer(threads):
    return (f"int table[128];\nthread t[{threads}] {{\n  for (int m = 1; m <= 4; m++) {{\n"
            "    int w = m * 11 + self;\n    int h = (w * 7) % 128;\n"
            "    while (cmpxchg(table[h], 0, w) != 0) { h = (h + 1) % 128; }\n  }\n}\nexpect safe;\n")


def filesystem(threads):
    return (f"mutex locki[32];\nint inode[32];\nmutex lockb[26];\nint busy[26];\nthread t[{threads}] {{\n"
            "  int i = self % 32;\n  mutex_lock(locki[i]);\n  if (inode[i] == 0) {\n    int b = (i * 2) % 26;\n"
            "    for (;;) {\n      mutex_lock(lockb[b]);\n"
            "      if (busy[b] == 0) { busy[b] = 1; inode[i] = b + 1; mutex_unlock(lockb[b]); break; }\n"
            "      mutex_unlock(lockb[b]);\n      b = (b + 1) % 26;\n    }\n  }\n  mutex_unlock(locki[i]);\n}\n"
            "expect safe;\n")


def lastzero(writers):
    return (f"int a[{writers + 1}];\nthread reader {{ int i = {writers}; while (a[i] != 0) {{ i--; }} }}\n"
            f"thread w[{writers}] {{ a[self + 1] = a[self] + 1; }}\nexpect safe;\n")


ROWS = [
    ("dm race, 8 readers (fixed)", lambda: families.dm(8)),
    ("heap: 4 readers and a remover", lambda: families.heap(4)),
    ("seqlock, 5 readers", lambda: families.seqlock(5)),
    ("filter lock, 4 threads", lambda: families.filter_lock(4)),
    ("counter (cmpxchg retry), 6 threads", lambda: families.counter(6)),
    ("lastzero, 15 writers", lambda: lastzero(15)),
    ("indexer, 15 threads", lambda: indexer(15)),
    ("filesystem, 22 threads", lambda: filesystem(22)),
]


def run(preempt, path, strategy, budget):
    start = time.monotonic()
    p = subprocess.run([preempt, "check", "--format", "json", "--no-minimize", "--strategy", strategy,
                        "--max-time", str(budget), path], capture_output=True, text=True)
    wall = time.monotonic() - start
    try:
        j = json.loads(p.stdout.splitlines()[0])
    except (IndexError, json.JSONDecodeError):
        j = {"verdict": "error", "executions": 0, "steps": 0}
    return j, wall


def row(preempt, name, path, budget):
    cells, times = [], {}
    for strategy in ("dpor", "stateful", "auto"):
        j, wall = run(preempt, path, strategy, budget)
        count = f"{j.get('states', 0):,} states" if strategy == "stateful" else f"{j['executions']:,} executions"
        if strategy == "auto":
            count = j.get("decided_by", "neither")
        cells.append(f"{j['verdict']} {wall:.2f} s ({count})")
        times[strategy] = wall if j["verdict"] in ("safe", "violation") else budget
    best = min(times["dpor"], times["stateful"])
    ratio = times["auto"] / best if best > 0 else 1.0
    print(f"| {name} | {' | '.join(cells)} | {best:.2f} | {ratio:.2f} |", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preempt", default=os.path.join(HERE, "..", "build", "preempt"))
    ap.add_argument("--budget", type=float, default=30)
    ap.add_argument("--no-rows", action="store_true", help="skip the programs of issue 16")
    ap.add_argument("--scenarios", help="also every *.scn under this folder")
    args = ap.parse_args()
    print("| program | dpor | stateful | auto (decided by) | best s | auto / best |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_rows:
            for name, make in ROWS:
                path = os.path.join(tmp, "row.scn")
                with open(path, "w") as f:
                    f.write(make())
                row(args.preempt, name, path, args.budget)
    if args.scenarios:
        for path in sorted(glob.glob(os.path.join(args.scenarios, "**", "*.scn"), recursive=True)):
            row(args.preempt, os.path.relpath(path, os.path.join(args.scenarios, "..")), path, args.budget)


if __name__ == "__main__":
    main()
