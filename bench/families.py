#!/usr/bin/env python3
"""Scenario families with a size parameter, explored by preempt's strategies; one markdown row per
(family, N, strategy): verdict, executions, steps, time, executions/s, steps/s, peak RSS.

    bench/families.py [--preempt build/preempt] [--budget SECONDS] [--strategies dfs,dpor]
                      [--families dm,philosophers,seqlock,counter,filter] [--max-n N]

Each run is `preempt check --format json --no-minimize --max-time BUDGET`; a run cut by the budget
shows its verdict as `incomplete` and the figures of what it explored. Growth with N is the ratio
of executions to the row before. Peak RSS is the child's own ru_maxrss (os.wait4).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def dm(n):
    return subprocess.run([sys.executable, os.path.join(HERE, "spin", "gen_dm.py"), "scn", str(n), "fixed"],
                          check=True, capture_output=True, text=True).stdout


def philosophers(n):
    """N philosophers, forks taken in a global order (lowest first): deadlock-free."""
    s = [f'scenario "{n} dining philosophers, ordered forks";']
    s += [f"mutex fork{i};" for i in range(n)]
    s.append("int meals;")
    for i in range(n):
        a, b = sorted((i, (i + 1) % n))
        s.append(f"thread phil{i} {{ mutex_lock(fork{a}); mutex_lock(fork{b}); atomic_inc(meals); "
                 f"mutex_unlock(fork{b}); mutex_unlock(fork{a}); }}")
    s.append(f"final {{ assert(meals == {n}); }}")
    s.append("expect safe;")
    return "\n".join(s) + "\n"


def seqlock(n):
    """One writer under a spinlock bumping a sequence count around two stores; N lockless readers
    that retry-check the count: a reader that saw an even, unchanged count saw a consistent pair."""
    return f"""scenario "seqlock: one writer, {n} readers";
spinlock lock;
int seq;
int d0;
int d1;
thread writer {{
    spin_lock(lock);
    seq = seq + 1; d0 = 1; d1 = 1; seq = seq + 1;
    spin_unlock(lock);
}}
thread reader[{n}] {{
    int s = seq;
    int a = d0;
    int b = d1;
    if (s % 2 == 0 && seq == s) {{ assert(a == b); }}
}}
expect safe;
"""


def counter(n):
    """N threads incrementing a counter with a compare-and-swap retry loop (lock-free)."""
    return f"""scenario "lock-free counter: {n} threads, cmpxchg retry loop";
int c;
thread t[{n}] {{
    int done = 0;
    while (!done) {{
        int v = c;
        if (cmpxchg(c, v, v + 1) == v) {{ done = 1; }}
    }}
}}
final {{ assert(c == {n}); }}
expect safe;
"""


def filter_lock(n):
    """Peterson's filter lock for N threads: N-1 levels with a victim each; a thread waits, with an
    await over every other thread's level, until none is at its level or above or it is no longer
    the victim. Exercises dpor on awaits whose conditions read many variables."""
    others = " && ".join(f"level[(self + {d}) % {n}] < l" for d in range(1, n))
    return f"""scenario "filter lock, {n} threads";
int level[{n}];
int victim[{n}];
int in_cs;
thread p[{n}] {{
    for (int l = 1; l < {n}; l++) {{
        level[self] = l;
        victim[l] = self;
        await(({others}) || victim[l] != self);
    }}
    atomic_inc(in_cs);
    assert(atomic_read(in_cs) == 1);
    atomic_dec(in_cs);
    level[self] = 0;
}}
expect safe;
"""


FAMILIES = {"dm": (dm, range(1, 8)), "philosophers": (philosophers, range(2, 8)),
            "seqlock": (seqlock, range(1, 6)), "counter": (counter, range(1, 6)),
            "filter": (filter_lock, range(2, 7))}


def run(preempt, path, strategy, budget):
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([preempt, "check", "--format", "json", "--no-minimize", "--strategy", strategy,
                                  "--max-time", str(budget), path], stdout=out, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(child.pid, 0)  # this child's own rusage: its peak RSS
        child.returncode = 0
        wall = time.monotonic() - start
        out.seek(0)
        j = json.loads(out.readline())
    return j, wall, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preempt", default=os.path.join(HERE, "..", "build", "preempt"))
    ap.add_argument("--budget", type=float, default=20)
    ap.add_argument("--strategies", default="dfs,dpor")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--max-n", type=int, default=99)
    args = ap.parse_args()
    print("| family | N | strategy | verdict | executions | growth | steps | time s | executions/s | steps/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.families.split(","):
            make, sizes = FAMILIES[family]
            for strategy in args.strategies.split(","):
                previous = None
                for n in sizes:
                    if n > args.max_n:
                        break
                    path = os.path.join(tmp, f"{family}-{n}.scn")
                    with open(path, "w") as f:
                        f.write(make(n))
                    j, wall, rss = run(args.preempt, path, strategy, args.budget)
                    ex, steps, secs = j["executions"], j["steps"], max(j["seconds"], 1e-6)
                    growth = f"{ex / previous:.1f}x" if previous else ""
                    rss_text = f"{rss / 1024:.1f}"
                    print(f"| {family} | {n} | {strategy} | {j['verdict']} | {ex:,} | {growth} | {steps:,} | "
                          f"{secs:.3f} | {ex / secs:,.0f} | {steps / secs:,.0f} | {rss_text} |", flush=True)
                    previous = ex
                    if j["verdict"] == "incomplete":
                        break  # larger N will not finish either
                    if j["verdict"] not in ("safe",):
                        print(f"!!! {family} N={n} {strategy}: unexpected verdict {j['verdict']}: "
                              f"{j.get('error', '')}", file=sys.stderr)


if __name__ == "__main__":
    main()
