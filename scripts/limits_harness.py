#!/usr/bin/env python3
"""The limits harness (docs/cli.md, "Fuzzing and memcheck"): random hostile scenarios run under a
tiny --max-time and --max-memory; every run must end within twice the time limit (plus process
start-up) with exit 3, or 0/1 when it finished, and print a report whose every line is JSON.

  scripts/limits_harness.py [--binary build/preempt] [--seconds 60] [--seed 1]
                            [--max-time 0.3] [--max-memory 64] [--keep DIR]

libFuzzer runs a function in its own process; this harness needs a process per input (it times it,
kills it when it hangs and reads its exit code), so it is a script. It draws each scenario from
pieces that make something grow without end or take long -- thousands of threads, endless local
loops, endless visible steps, heap objects allocated in a loop, thousands of work items, many
interleavings, a big array walked in a loop -- and a strategy, and stops after --seconds. A
failing scenario is written to --keep (default build/limits-harness) and the script exits 1.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

# Start-up, loading and writing the report on a loaded CI machine: the slack over 2x the limit.
SLACK_SECONDS = 1.0

THREAD_BODIES = [
    # an endless local loop between visible steps
    "while (1) {{ for (int i = 0; i < 1000000; i = i + 1) {{ }} g = g + 1; }}",
    # endless visible steps over a shared array
    "while (1) {{ g = g + 1; a[g % {n}] = g; }}",
    # long visible loops: many interleavings
    "for (int i = 0; i < {k}; i = i + 1) {{ g = i; a[i % {n}] = g; }}",
    # heap objects allocated without end (each freed only at the end: the heap grows)
    "while (1) {{ struct node *p = kmalloc(sizeof(struct node), GFP_KERNEL); p->v = g; g = g + 1; }}",
    # a lock and a counter: interleavings with blocking
    "for (int i = 0; i < {k}; i = i + 1) {{ mutex_lock(&m); g = g + 1; mutex_unlock(&m); }}",
    # one step, then done: many short threads
    "g = 1;",
]


def scenario(rng: random.Random) -> str:
    n = rng.choice([16, 64, 4096, 65536])
    k = rng.choice([10, 100, 100000])
    lines = ["int g;", f"int a[{n}];", "struct node { int v; };", "mutex m;",
             "struct work_struct w[2000];", "void work_fn() { g = g + 1; }"]
    if rng.random() < 0.3:
        lines.append("init { for (int i = 0; i < 2000; i = i + 1) { INIT_WORK(&w[i], work_fn); } }")
        lines.append("thread q { for (int i = 0; i < 2000; i = i + 1) { schedule_work(&w[i]); } }")
    threads = 0  # at most 4096 threads and contexts in all: stay at 2000 threads
    for index in range(rng.randint(1, 3)):
        copies = max(1, min(rng.choice([1, 2, 3, 100, 2000]), 2000 - threads))
        threads += copies
        body = rng.choice(THREAD_BODIES).format(n=n, k=k)
        lines.append(f"thread t{index}[{copies}] {{ {body} }}")
    lines.append("expect safe;")
    return "\n".join(lines) + "\n"


def check_one(binary: str, path: str, strategy: str, max_time: float, max_memory: int) -> str:
    """Runs one scenario; '' when every guarantee held, else what broke."""
    command = [binary, "check", "--format", "json", "--strategy", strategy, "--max-time", str(max_time),
               "--max-memory", str(max_memory), path]
    start = time.monotonic()
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=2 * max_time + 30)
    except subprocess.TimeoutExpired:
        return "did not end within 30 s"
    seconds = time.monotonic() - start
    if seconds > 2 * max_time + SLACK_SECONDS:
        return f"took {seconds:.2f} s with --max-time {max_time}"
    if run.returncode not in (0, 1, 3):
        return f"exit code {run.returncode}: {run.stderr.strip()[-400:]}"
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    if not lines:
        return "no report on stdout"
    for line in lines:
        try:
            report = json.loads(line)
        except json.JSONDecodeError as error:
            return f"a report line is not JSON ({error}): {line[:200]}"
        if report.get("verdict") not in ("safe", "violation", "incomplete", "not-run"):
            return f"unexpected verdict {report.get('verdict')!r}"
        if run.returncode == 3 and report.get("verdict") == "safe":
            return "exit 3 with the verdict safe"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="build/preempt")
    parser.add_argument("--seconds", type=float, default=60, help="how long the harness runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-time", type=float, default=0.3)
    parser.add_argument("--max-memory", type=int, default=64, help="MiB")
    parser.add_argument("--keep", default="build/limits-harness", help="where failing scenarios go")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.keep, exist_ok=True)
    path = os.path.join(args.keep, "current.scn")
    end = time.monotonic() + args.seconds
    runs = 0
    failures = 0
    by_exit = {}
    while time.monotonic() < end:
        text = scenario(rng)
        strategy = rng.choice(["dpor", "dfs", "stateful", "random", "pct"])
        with open(path, "w") as out:
            out.write(text)
        why = check_one(args.binary, path, strategy, args.max_time, args.max_memory)
        runs += 1
        if why:
            failures += 1
            kept = os.path.join(args.keep, f"failure-{failures}.scn")
            with open(kept, "w") as out:
                out.write(f"// --strategy {strategy}: {why}\n" + text)
            print(f"FAIL {kept}: --strategy {strategy}: {why}", file=sys.stderr)
    print(f"limits harness: {runs} runs, {failures} failures (--max-time {args.max_time}, "
          f"--max-memory {args.max_memory}, seed {args.seed})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
