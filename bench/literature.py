#!/usr/bin/env python3
"""dpor on the DPOR benchmarks of the literature and on long executions; one markdown row per
(program, N): verdict, executions, steps, exploration time (preempt's own figure, without starting
the process and loading the scenario), steps/s over that time, wall time, peak RSS.

    bench/literature.py [--preempt build/preempt] [--budget SECONDS] [--programs long,lastzero,...]
                        [--sizes long=1000,4000,16000 lastzero=15 ...]

The programs are those of tests/unit/explore/dpor_test.cpp:
  long N        one thread writing x N times beside a thread that reads x and writes y: N + 1
                traces, each about N steps long. The cost of dpor per step should not grow with N.
  lastzero N    a reader looks for the last zero of an array that N writers fill (Abdulla et al.,
                POPL 2014): (N+3) 2^(N-2) traces.
  readers N     one writer of x, N readers of x: 2^N traces.
  indexer N     N threads insert into a hash table with cmpxchg (Flanagan and Godefroid, POPL 2005).
  filesystem N  N threads allocate a block to their inode under two locks (same paper).
Each run is `preempt check --strategy dpor --format json --no-minimize --max-time BUDGET
--max-steps 100000000`; peak RSS is GNU time's %M (/usr/bin/time must exist).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def long_execution(n):
    return (f'scenario "one thread writing x {n} times beside a two-step thread";\nint x;\nint y;\n'
            f"thread writer {{ for (int i = 0; i < {n}; i++) {{ x = i; }} }}\n"
            "thread other { int a = x; y = a; }\n")


def lastzero(n):
    return (f"int a[{n + 1}];\nthread reader {{ int i = {n}; while (a[i] != 0) {{ i--; }} }}\n"
            f"thread w[{n}] {{ a[self + 1] = a[self] + 1; }}\n")


def readers(n):
    return f"int x;\nint r[{n}];\nthread w {{ x = 1; }}\nthread rd[{n}] {{ r[self] = x; }}\n"


def indexer(n):
    return (f"int table[128];\nthread t[{n}] {{\n  for (int m = 1; m <= 4; m++) {{\n    int w = m * 11 + self;\n"
            "    int h = (w * 7) % 128;\n    while (cmpxchg(table[h], 0, w) != 0) { h = (h + 1) % 128; }\n  }\n}\n")


def filesystem(n):
    return ("mutex locki[32];\nint inode[32];\nmutex lockb[26];\nint busy[26];\n"
            f"thread t[{n}] {{\n  int i = self % 32;\n  mutex_lock(locki[i]);\n  if (inode[i] == 0) {{\n"
            "    int b = (i * 2) % 26;\n    for (;;) {\n      mutex_lock(lockb[b]);\n"
            "      if (busy[b] == 0) { busy[b] = 1; inode[i] = b + 1; mutex_unlock(lockb[b]); break; }\n"
            "      mutex_unlock(lockb[b]);\n      b = (b + 1) % 26;\n    }\n  }\n  mutex_unlock(locki[i]);\n}\n")


PROGRAMS = {"long": (long_execution, [1000, 4000, 16000]), "lastzero": (lastzero, [15]),
            "readers": (readers, [15]), "indexer": (indexer, [15]), "filesystem": (filesystem, [22])}


def run(preempt, text, budget):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "program.scn")
        with open(path, "w") as f:
            f.write(text)
        rss_file = os.path.join(tmp, "rss")
        start = time.monotonic()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file, preempt, "check", "--strategy", "dpor",
                               "--format", "json", "--no-minimize", "--max-steps", "100000000", "--max-time",
                               str(budget), path], capture_output=True, text=True)
        seconds = time.monotonic() - start
        with open(rss_file) as f:
            rss_kib = int(f.read().split()[-1])
    result = json.loads(proc.stdout.splitlines()[0])
    return result, seconds, rss_kib


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preempt", default=os.path.join(HERE, "..", "build", "preempt"))
    parser.add_argument("--budget", type=float, default=120)
    parser.add_argument("--programs", default=",".join(PROGRAMS))
    parser.add_argument("--sizes", nargs="*", default=[], help="PROGRAM=N,N,... overriding the default sizes")
    args = parser.parse_args()
    sizes = {name: list(default) for name, (_, default) in PROGRAMS.items()}
    for item in args.sizes:
        name, _, values = item.partition("=")
        sizes[name] = [int(v) for v in values.split(",")]
    print("| program | N | verdict | executions | steps | time s | steps/s | wall s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.programs.split(","):
        make, _ = PROGRAMS[name]
        for n in sizes[name]:
            r, seconds, rss_kib = run(args.preempt, make(n), args.budget)
            explored = r["seconds"]
            print(f"| {name} | {n} | {r['verdict']} | {r['executions']:,} | {r['steps']:,} | {explored:.3f} | "
                  f"{r['steps'] / max(explored, 1e-9):,.0f} | {seconds:.2f} | {rss_kib / 1024:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
