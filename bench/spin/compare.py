#!/usr/bin/env python3
"""SPIN beside preempt on every scenario family: one markdown table per family.

    bench/spin/compare.py [--families dm,philosophers,...] [--budget 60] [--total-budget 3600]
                          [--variants fixed,buggy] [--tools dpor,stateful,spin,spin-nopor]
                          [--max-n 200] [--buggy-max-n 8] [--mem 2048] [--keep DIR]
                          [--markdown FILE] [--json FILE] [--minimize]
    bench/spin/compare.sh families [the same options]      (the same thing)

For each family of bench/families.py (and its bug), for N = the family's smallest size upward,
each tool runs until it first fails to finish within the budget (default 60 s); that N minus one
step is the largest N the tool finishes, printed under the family's table. The tools:

  dpor        preempt check --strategy dpor --format json --no-minimize --max-time BUDGET
  stateful    preempt check --strategy stateful ... --max-memory MEM
  spin        gen_families.py pml, spin -a, gcc -O2 -DSAFETY -DVECTORSZ=2048 -DMEMLIM=MEM, ./pan:
              SPIN's partial-order reduction on (no -DNOREDUCE), pan's -m depth starting at SPIN's
              default 10000 and multiplied by 10 (pan run again) while pan says it was too small,
              -w (hash table 2^w slots) sized from the states of the N before
  spin-nopor  the same with -DNOREDUCE: SPIN's state count without its reduction

Figures: the verdict; dpor's executions, stateful's states stored and SPIN's "states, stored";
time end to end (the model's generation, then for SPIN spin -a + gcc + pan -- the compilation
counts -- and for preempt the check) and pan alone; peak RSS of the checking process (preempt,
pan) by wait4. A run that does not finish within the budget (or MEM MiB) is "timeout"
("memory"), and the tool does not run larger N of that family and variant. N goes up by one to
16, then by a quarter (at least 4): past 16 the largest N is a lower bound up to that step.

Checks (exit status 1 and `!!!!!!!! MISMATCH` when one fails):
  - every finished verdict is the expected one (fixed: safe; buggy: the family's violation
    kind), so all tools agree;
  - the Promela model's own states: stepmodel.py's interpreter of the same step model must count
    exactly SPIN's states without reduction (spin-nopor), for the rows where it has under
    --model-states states;
  - the same steps: where the family has no loop, preempt's dfs must explore exactly as many
    executions as the model has interleavings (rows with under --dfs-paths of them); for dm these
    also equal count_interleavings.py's;
  - closed forms of dpor (docs/strategies.md): N! executions for the ordered philosophers, 14^N for
    the seqlock.
Timings on a shared machine are indicative; a rerun moves them by tens of percent.
"""

import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_families as gf  # noqa: E402

TOOLS = ("dpor", "stateful", "spin", "spin-nopor")
LOOPING = {"counter", "peterson"}  # loops: preempt cuts passes that would repeat, so no dfs check
CLOSED_FORMS = {"philosophers": ("N!", math.factorial), "seqlock": ("14^N", lambda n: 14 ** n)}


def next_n(n):
    return n + 1 if n < 16 else n + max(4, n // 4)


class Run:
    """One child process: wall time, peak RSS (KiB) and whether it was killed at its deadline.

    The peak RSS comes from GNU time (`/usr/bin/time -f %M`), not from this process's wait4: Linux
    keeps a process's maximum RSS across execve, so a child forked from this Python process would
    report at least Python's own size (tens of MiB once the step models have run)."""

    def __init__(self, argv, cwd, timeout, stdout_path):
        start = time.monotonic()
        rss_path = stdout_path + ".rss"
        with open(stdout_path, "w") as out:
            child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_path] + argv, cwd=cwd, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
            self.killed = False

            def kill():
                self.killed = True
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

            timer = threading.Timer(max(timeout, 0.01), kill)
            timer.start()
            child.wait()
            timer.cancel()
        self.wall = time.monotonic() - start
        self.rc = child.returncode
        try:
            with open(rss_path) as f:  # the last line; GNU time may put a status line before it
                self.rss_kib = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            self.rss_kib = None  # killed before it could write
        with open(stdout_path) as f:
            self.out = f.read()


class Comparison:
    def __init__(self, args):
        self.a = args
        self.results = {}  # (family, variant, n, tool) -> dict
        self.problems = []
        self.started = time.monotonic()
        self.spin_hints = {}  # (family, variant, tool) -> (last states, growth, -m)

    def out_of_time(self):
        return time.monotonic() - self.started > self.a.total_budget

    def log(self, *words):
        print(f"[{time.monotonic() - self.started:7.1f} s]", *words, file=sys.stderr, flush=True)

    # ------------------------------------------------------------------------------ preempt
    def preempt(self, d, family, n, variant, strategy):
        budget = self.a.budget
        t0 = time.monotonic()
        path = os.path.join(d, f"{family}.scn")
        with open(path, "w") as f:
            f.write(gf.scenario(family, n, variant))
        gen = time.monotonic() - t0
        argv = [self.a.preempt, "check", "--format", "json", "--strategy", strategy,
                "--max-time", str(budget), path]
        if not self.a.minimize:
            argv.insert(2, "--no-minimize")
        if strategy == "stateful":
            argv[2:2] = ["--max-memory", str(self.a.mem)]
        r = Run(argv, d, budget + 15, os.path.join(d, f"preempt-{strategy}.json"))
        res = {"total": gen + r.wall, "mib": r.rss_kib / 1024 if r.rss_kib else None}
        if r.killed:
            return {**res, "verdict": "timeout"}
        try:
            j = json.loads(r.out.splitlines()[0])
        except (ValueError, IndexError):
            return {**res, "verdict": f"error (exit {r.rc}, see {d})"}
        v = j["verdict"]
        if v == "violation":
            v = "violation " + j["violations"][0]["kind"]
        elif v == "incomplete":
            reasons = " ".join(j.get("incomplete_reasons", []))
            v = "memory" if "memory" in reasons else "timeout" if "time" in reasons else f"incomplete ({reasons})"
        res.update(verdict=v, executions=j["executions"], states=j.get("states"), seconds=j["seconds"])
        if res["total"] > budget and (v == "safe" or v.startswith("violation")):
            res["verdict"] = "timeout"  # finished, but past the budget end to end
        return res

    # ------------------------------------------------------------------------------ SPIN
    def spin(self, d, family, n, variant, tool):
        budget = self.a.budget
        deadline = time.monotonic() + budget
        t0 = time.monotonic()
        with open(os.path.join(d, "model.pml"), "w") as f:
            f.write(gf.MODELS[family](n, variant).promela())
        gen = time.monotonic() - t0
        r = Run(["spin", "-a", "model.pml"], d, budget, os.path.join(d, "spin.out"))
        if r.killed or r.rc != 0:
            return {"verdict": "timeout" if r.killed else f"error (spin -a, see {d})", "total": time.monotonic() - t0}
        cflags = self.a.cflags.split() + [f"-DMEMLIM={self.a.mem}"] + (["-DNOREDUCE"] if tool == "spin-nopor" else [])
        r = Run(["gcc"] + cflags + ["-o", "pan", "pan.c"], d, deadline - time.monotonic(), os.path.join(d, "gcc.out"))
        if r.killed or r.rc != 0:
            return {"verdict": "timeout" if r.killed else f"error (gcc, see {d})", "total": time.monotonic() - t0}
        key = (family, variant, tool)
        last, growth, depth = self.spin_hints.get(key, (None, None, 10000))
        expected_states = last * (growth or 10) if last else 1000
        max_w = int(math.log2(self.a.mem * 2 ** 20 / 8 / 4))  # the table at most a quarter of MEM
        w = max(18, min(max_w, math.ceil(math.log2(expected_states * 1.5))))
        while True:
            r = Run(["./pan", f"-m{depth}", f"-w{w}"], d, deadline - time.monotonic(), os.path.join(d, f"pan-m{depth}.out"))
            if r.killed or "max search depth too small" not in r.out:
                break
            depth *= 10
        res = {"total": time.monotonic() - t0 + gen, "pan": r.wall, "mib": r.rss_kib / 1024 if r.rss_kib else None,
               "m": depth, "w": w}
        if r.killed:
            return {**res, "verdict": "timeout"}
        m = re.search(r"^\s*(\d+) states, stored", r.out, re.M)
        res["states"] = int(m.group(1)) if m else None
        m = re.search(r"depth reached (\d+)", r.out)
        res["depth"] = int(m.group(1)) if m else None
        if "MEMLIM" in r.out or "out of memory" in r.out:
            return {**res, "verdict": "memory"}
        a = re.search(r"assertion violated (.*?)(?: \(at depth \d+\))?$", r.out, re.M)
        if a:
            res["verdict"] = "violation " + gf.kind_of(a.group(1))
        elif re.search(r"^pan:\d+: invalid end state", r.out, re.M):
            res["verdict"] = "violation deadlock"
        elif "errors: 0" in r.out and res["states"] is not None:
            res["verdict"] = "safe"
        else:
            res["verdict"] = f"error (see {d})"
        if res["verdict"] != "error" and res["states"]:
            growth = res["states"] / last if last else None
            self.spin_hints[key] = (res["states"], growth, depth)
        return res

    # ------------------------------------------------------------------------------ one family
    def family(self, family, variant, work):
        alive = {t: True for t in self.a.tools}
        n = gf.smallest(family)
        cap = self.a.max_n if variant == "fixed" else min(self.a.max_n, self.a.buggy_max_n)
        expected_of = gf.expected
        while n <= cap and any(alive.values()):
            if self.out_of_time():
                self.log(f"total budget of {self.a.total_budget} s spent: stopping before {family} {variant} N={n}")
                for t in alive:
                    if alive[t]:
                        self.results[(family, variant, n, t)] = {"verdict": "not run (total budget)"}
                break
            expected = expected_of(family, n, variant)
            for tool in self.a.tools:
                if not alive[tool]:
                    continue
                if tool == "spin-nopor" and "spin" in self.a.tools and \
                        self.results.get((family, variant, n, "spin"), {}).get("verdict") != expected:
                    alive[tool] = False  # without POR only where SPIN with POR finished: one timeout less
                    continue
                d = os.path.join(work, f"{family}-{variant}-{n}-{tool}")
                os.makedirs(d, exist_ok=True)
                if tool in ("dpor", "stateful"):
                    res = self.preempt(d, family, n, variant, tool)
                else:
                    res = self.spin(d, family, n, variant, tool)
                self.results[(family, variant, n, tool)] = res
                self.log(f"{family} {variant} N={n} {tool}: {res['verdict']} in {res.get('total', 0):.2f} s")
                v = res["verdict"]
                if v in ("timeout", "memory") or v.startswith("error") or v.startswith("incomplete"):
                    alive[tool] = False
                    if v.startswith("error") or v.startswith("incomplete"):
                        self.problems.append(f"{family} {variant} N={n} {tool}: {v}")
                elif v != expected:
                    self.problems.append(f"{family} {variant} N={n} {tool} says '{v}', expected '{expected}' "
                                         f"(files in {d}{'' if self.a.keep else '; rerun with --keep DIR'})")
            if variant == "fixed":
                self.crosscheck(family, n, work)
            n = next_n(n)

    def crosscheck(self, family, n, work):
        checks = []
        nopor = self.results.get((family, "fixed", n, "spin-nopor"), {})
        dpor = self.results.get((family, "fixed", n, "dpor"), {})
        if family in CLOSED_FORMS and dpor.get("verdict") == "safe":
            name, f = CLOSED_FORMS[family]
            ok = dpor["executions"] == f(n)
            checks.append(f"dpor {'=' if ok else '≠'} {name}")
            if not ok:
                self.problems.append(f"{family} N={n}: dpor explored {dpor['executions']} executions, {name} = {f(n)}")
        if nopor.get("states") and nopor["states"] <= self.a.model_states and nopor.get("verdict") == "safe":
            try:
                states, paths, _ = gf.MODELS[family](n, "fixed").explore(self.a.model_states)
            except OverflowError:
                states = paths = None
            if states is not None:
                ok = states == nopor["states"]
                checks.append(f"model states {'=' if ok else '≠'} SPIN no-POR")
                if not ok:
                    self.problems.append(f"{family} N={n}: the step model has {states} states, SPIN -DNOREDUCE {nopor['states']}")
                if family not in LOOPING and paths is not None and paths <= self.a.dfs_paths:
                    d = os.path.join(work, f"{family}-fixed-{n}-dfs")
                    os.makedirs(d, exist_ok=True)
                    path = os.path.join(d, f"{family}.scn")
                    with open(path, "w") as f:
                        f.write(gf.scenario(family, n, "fixed"))
                    r = Run([self.a.preempt, "check", "--format", "json", "--strategy", "dfs", "--max-time",
                             str(self.a.budget), path], d, self.a.budget + 15, os.path.join(d, "dfs.json"))
                    try:
                        j = json.loads(r.out.splitlines()[0])
                    except (ValueError, IndexError):
                        j = {"verdict": "error"}
                    if j["verdict"] == "safe":
                        ok = j["executions"] == paths
                        checks.append(f"dfs {'=' if ok else '≠'} model paths ({paths:,})")
                        if not ok:
                            self.problems.append(f"{family} N={n}: preempt dfs explored {j['executions']} executions, "
                                                 f"the step model has {paths} interleavings")
                        if family == "dm":
                            c = subprocess.run([sys.executable, os.path.join(HERE, "count_interleavings.py"), str(n), "fixed"],
                                               capture_output=True, text=True).stdout.split()
                            ok = c[1] == str(paths)
                            checks.append(f"model paths {'=' if ok else '≠'} count_interleavings.py")
                            if not ok:
                                self.problems.append(f"dm N={n}: count_interleavings.py says {c[1]}, the step model {paths}")
                    else:
                        checks.append(f"dfs {j['verdict']}")
        self.results[(family, "fixed", n, "checks")] = checks

    # ------------------------------------------------------------------------------ tables
    def table(self, family):
        a = self.a
        lines = [f"### {family}", ""]
        lines.append("| N | variant | verdict | dpor executions | dpor s | dpor MiB | stateful states | stateful s | "
                     "stateful MiB | SPIN states | SPIN s | pan s | pan MiB | SPIN no-POR states | no-POR pan s | checks |")
        lines.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        largest = {}
        for variant in a.variants:
            ns = sorted({k[2] for k in self.results if k[0] == family and k[1] == variant})
            for n in ns:
                cells = {t: self.results.get((family, variant, n, t)) for t in TOOLS}
                expected = gf.expected(family, n, variant)
                verdicts = {t: c["verdict"] for t, c in cells.items() if c}
                agree = [t for t, v in verdicts.items() if v == expected]
                others = "; ".join(f"{t}: {v}" for t, v in verdicts.items() if v != expected)
                if any(v != expected and not v.startswith(("timeout", "memory", "not run")) for v in verdicts.values()):
                    verdict = "**MISMATCH** " + "; ".join(f"{t}: {v}" for t, v in verdicts.items())
                elif len(agree) == len(a.tools):
                    verdict = f"{expected} (all)"
                elif agree:
                    verdict = f"{expected} ({', '.join(agree)})" + (f"; {others}" if others else "")
                else:
                    verdict = others

                def fig(tool, field, fmt):
                    c = cells[tool]
                    if not c:
                        return ""
                    if c["verdict"] in ("timeout", "memory") and field in ("executions", "states", "total", "pan", "seconds"):
                        if field in ("total", "pan"):
                            return c["verdict"]
                        return ""
                    v = c.get(field)
                    return "" if v is None else fmt(v)

                count = lambda v: f"{v:,}"  # noqa: E731
                secs = lambda v: f"{v:.3f}" if v < 10 else f"{v:.1f}"  # noqa: E731
                mib = lambda v: f"{v:.1f}"  # noqa: E731
                row = [str(n), variant, verdict,
                       fig("dpor", "executions", count), fig("dpor", "total", secs), fig("dpor", "mib", mib),
                       fig("stateful", "states", count), fig("stateful", "total", secs), fig("stateful", "mib", mib),
                       fig("spin", "states", count), fig("spin", "total", secs), fig("spin", "pan", secs),
                       fig("spin", "mib", mib),
                       fig("spin-nopor", "states", count), fig("spin-nopor", "pan", secs),
                       ", ".join(self.results.get((family, variant, n, "checks"), []))]
                lines.append("| " + " | ".join(row) + " |")
                for t, c in cells.items():
                    if c and c["verdict"] == expected:
                        largest[(variant, t)] = n
                    elif c and (variant, t) not in largest:
                        largest[(variant, t)] = None
            for t in a.tools:
                stopped = [(n, self.results[(family, variant, n, t)]["verdict"]) for n in ns
                           if (family, variant, n, t) in self.results
                           and self.results[(family, variant, n, t)]["verdict"] != gf.expected(family, n, variant)]
                largest[(variant, t, "stop")] = stopped[0] if stopped else None
        lines.append("")
        depths = [(r.get("depth"), r.get("m")) for k, r in self.results.items()
                  if k[0] == family and k[3] in ("spin", "spin-nopor") and r.get("depth") is not None]
        if depths:
            deepest = max(depths)
            lines.append(f"pan's depth reached at most {deepest[0]:,} (-m{max(m for _, m in depths)} the largest -m used; "
                         f"SPIN's default is -m10000).")
            lines.append("")
        for variant in a.variants:
            parts = []
            for t in a.tools:
                best = largest.get((variant, t))
                stop = largest.get((variant, t, "stop"))
                if stop:
                    why = f" (N = {stop[0]}: {stop[1]})"
                elif t == "spin-nopor" and largest.get((variant, "spin", "stop")):
                    why = " (run only where SPIN with POR finished)"
                else:
                    why = " (every N run, up to the cap)"
                parts.append(f"{t} {best if best is not None else '-'}{why}")
            lines.append(f"Largest N finished within {a.budget:g} s, {variant}: " + "; ".join(parts) + ".")
            lines.append("")
        return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", default=",".join(gf.MODELS))
    ap.add_argument("--variants", default="fixed,buggy")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--budget", type=float, default=60, help="seconds per run (default 60)")
    ap.add_argument("--total-budget", type=float, default=3600,
                    help="seconds for everything: no new N is started past it (default 3600)")
    ap.add_argument("--max-n", type=int, default=200)
    ap.add_argument("--buggy-max-n", type=int, default=8)
    ap.add_argument("--mem", type=int, default=2048, help="MiB: pan's -DMEMLIM and stateful's --max-memory")
    ap.add_argument("--cflags", default="-O2 -DSAFETY -DVECTORSZ=2048")
    ap.add_argument("--preempt", default=os.path.join(HERE, "..", "..", "build", "preempt"))
    ap.add_argument("--minimize", action="store_true", help="let preempt minimize counterexamples (default: --no-minimize)")
    ap.add_argument("--model-states", type=int, default=100_000)
    ap.add_argument("--dfs-paths", type=int, default=2_000_000)
    ap.add_argument("--keep", help="keep every model, output and timing in this folder")
    ap.add_argument("--markdown", help="also write the tables to this file")
    ap.add_argument("--json", help="also write every result to this file")
    a = ap.parse_args()
    a.families = a.families.split(",")
    a.variants = a.variants.split(",")
    a.tools = a.tools.split(",")
    for f in a.families:
        if f not in gf.MODELS:
            sys.exit(f"compare.py: unknown family {f} (the families: {', '.join(gf.MODELS)})")
    for t in a.tools:
        if t not in TOOLS:
            sys.exit(f"compare.py: unknown tool {t} (the tools: {', '.join(TOOLS)})")
    c = Comparison(a)
    spin_version = subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    header = (f"{spin_version}; gcc {a.cflags} -DMEMLIM={a.mem}; preempt {'(minimizing)' if a.minimize else '--no-minimize'}; "
              f"budget {a.budget:g} s per run, {a.mem} MiB; {os.cpu_count()} cores, load average "
              f"{load[0]:.1f} at the start")
    print(header + "\n", flush=True)
    out = [header, ""]
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.abspath(a.keep) if a.keep else tmp
        os.makedirs(work, exist_ok=True)
        for family in a.families:
            for variant in a.variants:
                c.family(family, variant, work)
            t = c.table(family)
            print(t, flush=True)
            out.append(t)
    elapsed = time.monotonic() - c.started
    tail = f"Total wall time {elapsed / 60:.1f} min; load average {os.getloadavg()[0]:.1f} at the end."
    print(tail)
    out.append(tail)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("\n".join(out) + "\n")
    if a.json:
        with open(a.json, "w") as f:
            json.dump([{"family": k[0], "variant": k[1], "n": k[2], "tool": k[3], "result": v}
                       for k, v in c.results.items()], f, indent=1)
    if c.problems:
        print()
        for p in c.problems:
            print(f"!!!!!!!! MISMATCH: {p}")
            print(f"!!!!!!!! MISMATCH: {p}", file=sys.stderr)
        sys.exit(1)
    print()
    print("All finished runs agree with the expected verdicts; every cross-check held.")


if __name__ == "__main__":
    main()
