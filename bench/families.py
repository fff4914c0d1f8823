#!/usr/bin/env python3
"""Scenario families with a size parameter, explored by preempt's strategies; one markdown row per
(family, N, strategy): verdict, executions, steps, time, executions/s, steps/s, peak RSS.

    bench/families.py [--preempt build/preempt] [--budget SECONDS] [--strategies dfs,dpor,stateful]
                      [--families dm,philosophers,seqlock,counter,filter,peterson,bakery,heap] [--max-n N]
                      [--variant fixed|buggy]

Each run is `preempt check --format json --no-minimize --max-time BUDGET`; a run cut by the budget
shows its verdict as `incomplete` and the figures of what it explored; *states* is the number of
states the stateful strategy stored (blank for the stateless ones). Growth with N is the ratio
of executions to the row before. Peak RSS is measured by GNU time (/usr/bin/time -f %M): the
ru_maxrss that os.wait4 gives a child of this script includes the size of the Python process it
was forked from (Linux keeps the maximum across execve), a floor of about 14 MiB.

Every family has a correct version ("fixed", the default) and one with a known bug ("buggy"):
dm releases in module code (unloaded-code), the philosophers take their left fork first
(deadlock), the seqlock readers skip the recheck of the count, the counter increments with a read
and a write (both: assertion; the counter only from N = 2 on), the filter and Peterson locks make
themselves the victim before announcing their level, the bakery lock has no `choosing` flags
(assertion), the heap readers look the object up and take their reference without the lock the
remover unpublishes it under (use-after-free). bench/spin/gen_families.py writes the same models,
all but heap, in Promela, one atomic step per visible step, and bench/spin/compare.py runs SPIN
beside preempt on them.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def dm(n, variant="fixed"):
    """The dm_kobject_release race with N sysfs readers; buggy: the release method is module code."""
    return subprocess.run([sys.executable, os.path.join(HERE, "spin", "gen_dm.py"), "scn", str(n), variant],
                          check=True, capture_output=True, text=True).stdout


def philosophers(n, variant="fixed"):
    """N philosophers, forks taken in a global order (lowest first): deadlock-free. Buggy: each
    takes its left fork, then its right one: the circular wait deadlocks."""
    ordered = variant == "fixed"
    s = [f'scenario "{n} dining philosophers, {"ordered" if ordered else "left then right"} forks";']
    s += [f"mutex fork{i};" for i in range(n)]
    s.append("int meals;")
    for i in range(n):
        a, b = sorted((i, (i + 1) % n)) if ordered else (i, (i + 1) % n)
        s.append(f"thread phil{i} {{ mutex_lock(fork{a}); mutex_lock(fork{b}); atomic_inc(meals); "
                 f"mutex_unlock(fork{b}); mutex_unlock(fork{a}); }}")
    s.append(f"final {{ assert(meals == {n}); }}")
    s.append("expect safe;" if ordered else "expect violation deadlock;")
    return "\n".join(s) + "\n"


def seqlock(n, variant="fixed"):
    """One writer under a spinlock bumping a sequence count around two stores; N lockless readers
    that retry-check the count: a reader that saw an even, unchanged count saw a consistent pair.
    Buggy: the readers trust an even count without reading it again."""
    check = "s % 2 == 0 && seq == s" if variant == "fixed" else "s % 2 == 0"
    expect = "safe" if variant == "fixed" else "violation assertion"
    return f"""scenario "seqlock: one writer, {n} readers{"" if variant == "fixed" else ", no recheck"}";
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
    if ({check}) {{ assert(a == b); }}
}}
expect {expect};
"""


def counter(n, variant="fixed"):
    """N threads incrementing a counter with a compare-and-swap retry loop (lock-free). Buggy: a
    plain read then write, which loses updates (from N = 2 on)."""
    if variant == "buggy":
        return f"""scenario "counter: {n} threads, read then write";
int c;
thread t[{n}] {{
    int v = c;
    c = v + 1;
}}
final {{ assert(c == {n}); }}
expect {"safe" if n == 1 else "violation assertion"};
"""
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


def filter_lock(n, variant="fixed"):
    """Peterson's filter lock for N threads: N-1 levels with a victim each; a thread waits, with an
    await over every other thread's level, until none is at its level or above or it is no longer
    the victim. Exercises dpor on awaits whose conditions read many variables. Buggy: a thread
    makes itself the victim before it announces its level."""
    others = " && ".join(f"level[(self + {d}) % {n}] < l" for d in range(1, n))
    enter = ("level[self] = l;\n        victim[l] = self;" if variant == "fixed"
             else "victim[l] = self;            // BUG: victim first ...\n        level[self] = l;             // ... level second")
    return f"""scenario "filter lock, {n} threads{"" if variant == "fixed" else ", victim before level"}";
int level[{n}];
int victim[{n}];
int in_cs;
thread p[{n}] {{
    for (int l = 1; l < {n}; l++) {{
        {enter}
        await(({others}) || victim[l] != self);
    }}
    atomic_inc(in_cs);
    assert(atomic_read(in_cs) == 1);
    atomic_dec(in_cs);
    level[self] = 0;
}}
expect {"safe" if variant == "fixed" else "violation assertion"};
"""


def peterson(n, variant="fixed"):
    """Peterson's lock for N threads as his 1981 paper writes it for N processes, waiting with a
    busy loop: at each of the N-1 levels a thread announces the level, makes itself its victim, and
    spins while it is the victim and some other thread is at that level or above. The loop's
    condition reads one shared int per step (victim first, then the others' levels in turn), so it
    is a spin loop (scenario-language.md, section 5), not an await: the filter family is the same
    algorithm waiting with an await. Buggy: the victim is written before the level (for N = 2,
    scenarios/classic/peterson-broken.scn)."""
    others = " || ".join(f"level[(self + {d}) % {n}] >= l" for d in range(1, n))
    enter = ("level[self] = l;\n        victim[l] = self;" if variant == "fixed"
             else "victim[l] = self;            // BUG: victim first ...\n        level[self] = l;             // ... level second")
    return f"""scenario "Peterson's lock, {n} threads, spin loops{"" if variant == "fixed" else ", victim before level"}";
int level[{n}];
int victim[{n}];
int in_cs;
thread p[{n}] {{
    for (int l = 1; l < {n}; l++) {{
        {enter}
        while (victim[l] == self && ({others})) {{ }}
    }}
    atomic_inc(in_cs);
    assert(atomic_read(in_cs) == 1);
    atomic_dec(in_cs);
    level[self] = 0;
}}
expect {"safe" if variant == "fixed" else "violation assertion"};
"""


def bakery(n, variant="fixed"):
    """Lamport's bakery lock for N threads (scenarios/classic/bakery.scn for N = 2): a thread raises
    `choosing`, reads the other threads' tickets one by one, takes one more than the largest, lowers
    `choosing`; then, for every other thread in turn, awaits that it is not choosing, and that it
    holds no ticket, a larger one, or the same one and a larger index. Buggy: no `choosing` flags
    (scenarios/classic/bakery-broken.scn): a thread can read a ticket before another stores it."""
    fixed = variant == "fixed"
    choose = "choosing[self] = 1;\n    " if fixed else ""
    chosen = "\n    choosing[self] = 0;" if fixed else ""
    wait_choosing = "\n        await(choosing[j] == 0);" if fixed else ""
    return f"""scenario "bakery lock, {n} threads{"" if fixed else ", no choosing flags"}";
{"int choosing[" + str(n) + "];" if fixed else ""}
int number[{n}];
int in_cs;
thread p[{n}] {{
    {choose}int ticket = 0;
    for (int d = 1; d < {n}; d++) {{
        int x = number[(self + d) % {n}];
        if (x > ticket) {{ ticket = x; }}
    }}
    ticket = ticket + 1;
    number[self] = ticket;{chosen}
    for (int d = 1; d < {n}; d++) {{
        int j = (self + d) % {n};{wait_choosing}
        await(number[j] == 0 || number[j] > ticket || (number[j] == ticket && j > self));
    }}
    atomic_inc(in_cs);
    assert(atomic_read(in_cs) == 1);
    atomic_dec(in_cs);
    number[self] = 0;
}}
expect {"safe" if fixed else "violation assertion"};
"""


def heap(n, variant="fixed"):
    """N readers of a kref-counted heap object that init allocates and publishes through the shared
    pointer gp; a remover unpublishes it and drops the publication's reference, and the last put
    kfree()s it (the pattern of scenarios/fastrpc-map-get). A reader looks gp up and takes its own
    reference under the spinlock the remover unpublishes under, reads a field, and puts. Buggy:
    the readers look up and kref_get() without the lock, so the remover can drop the last reference
    in between (kref_get on 0, then a read of freed memory: use-after-free)."""
    fixed = variant == "fixed"
    lock, unlock = ("spin_lock(&lock);", "spin_unlock(&lock);") if fixed else ("", "")
    return f"""scenario "heap: {n} readers of a kref-counted object, a remover{"" if fixed else ", lookup without the lock"}";
struct obj {{
    struct kref ref;
    int data;
}};
struct obj *gp;                      // the published pointer
spinlock_t lock;                     // gp's lock
void obj_release(struct obj *o) {{
    kfree(o);
}}
init {{
    struct obj *p = kzalloc(sizeof(struct obj), GFP_KERNEL);
    kref_init(&p->ref);              // the publication's reference
    p->data = 1;
    gp = p;
}}
thread reader[{n}] {{
    {lock}
    struct obj *q = gp;
    if (q) {{
        kref_get(&q->ref);
    }}
    {unlock}
    if (q) {{
        assert(q->data == 1);
        kref_put(&q->ref, obj_release);
    }}
}}
thread remover {{
    spin_lock(&lock);
    struct obj *q = gp;
    gp = NULL;
    spin_unlock(&lock);
    if (q) {{
        kref_put(&q->ref, obj_release);
    }}
}}
expect {"safe" if fixed else "violation use-after-free"};
"""


def work(n, variant="fixed"):
    """N work items of a device, each queued by its own interrupt path and re-queued once by its
    function; rmmod's exit function cancels them with cancel_work_sync() after stopping the
    interrupt paths (fixed), or forgets one (buggy: the kworker runs freed module text)."""
    fixed = variant == "fixed"
    items = "\n".join(f"    struct work_struct w{i};" for i in range(n))
    inits = "\n".join(f"    INIT_WORK(&dev.w{i}, drv_work);" for i in range(n))
    cancels = "\n".join(f"    cancel_work_sync(&dev.w{i});" for i in range(n if fixed else n - 1))
    irqs = "\n".join(f"""thread irq{i} {{
    spin_lock(&dev.lock);
    if (!dev.dead) {{ schedule_work(&dev.w{i}); }}
    spin_unlock(&dev.lock);
}}""" for i in range(n))
    return f"""scenario "work: {n} work items cancelled at module exit{"" if fixed else ", one forgotten"}";
module drv exit drv_exit;
struct drv_dev {{
    int dead;
    int events;
    spinlock_t lock;
{items}
}};
struct drv_dev dev;
void drv_work(struct drv_dev *d) in drv {{
    d->events = d->events + 1;
}}
void drv_exit() in drv {{
    spin_lock(&dev.lock);
    dev.dead = 1;
    spin_unlock(&dev.lock);
{cancels}
}}
init {{
{inits}
}}
{irqs}
thread rmmod {{
    delete_module(drv);
}}
expect {"safe" if fixed else "violation unloaded-code"};
"""


def timer(n, variant="fixed"):
    """A timer that re-arms itself from its callback N times (a budget in the device), shut down
    by the close path with timer_shutdown_sync() (fixed) or del_timer() (buggy: it fires after the
    device is freed)."""
    fixed = variant == "fixed"
    stop = "timer_shutdown_sync(&d->t);" if fixed else "del_timer(&d->t);"
    return f"""scenario "timer: a timer re-armed {n} times{"" if fixed else ", deleted without waiting"}";
struct dev {{
    int budget;
    struct timer_list t;
}};
struct dev *gd;
void tick(struct dev *d) {{
    if (d->budget > 0) {{
        d->budget = d->budget - 1;
        mod_timer(&d->t, jiffies + HZ);
    }}
}}
init {{
    struct dev *d = kzalloc(sizeof(struct dev), GFP_KERNEL);
    d->budget = {n};
    timer_setup(&d->t, tick, 0);
    mod_timer(&d->t, jiffies + HZ);
    gd = d;
}}
thread close {{
    struct dev *d = gd;
    {stop}
    gd = NULL;
    kfree(d);
}}
expect {"safe" if fixed else "violation use-after-free"};
"""


FAMILIES = {"dm": (dm, range(1, 8)), "philosophers": (philosophers, range(2, 8)),
            "seqlock": (seqlock, range(1, 6)), "counter": (counter, range(1, 6)),
            "filter": (filter_lock, range(2, 7)), "peterson": (peterson, range(2, 6)),
            "bakery": (bakery, range(2, 6)), "heap": (heap, range(1, 8)),
            "work": (work, range(1, 5)), "timer": (timer, range(1, 6))}


def run(preempt, path, strategy, budget):
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.NamedTemporaryFile("r") as rss:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, preempt, "check", "--format", "json",
                        "--no-minimize", "--strategy", strategy, "--max-time", str(budget), path],
                       stdout=out, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        out.seek(0)
        j = json.loads(out.readline())
        peak_kib = int(rss.read().split()[-1])
    return j, wall, peak_kib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preempt", default=os.path.join(HERE, "..", "build", "preempt"))
    ap.add_argument("--budget", type=float, default=20)
    ap.add_argument("--strategies", default="dfs,dpor")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--max-n", type=int, default=99)
    ap.add_argument("--variant", choices=("fixed", "buggy"), default="fixed")
    args = ap.parse_args()
    print("| family | N | strategy | verdict | executions | growth | steps | states | time s | executions/s | steps/s "
          "| peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
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
                        f.write(make(n, args.variant))
                    j, wall, rss = run(args.preempt, path, strategy, args.budget)
                    ex, steps, secs = j["executions"], j["steps"], max(j["seconds"], 1e-6)
                    growth = f"{ex / previous:.1f}x" if previous else ""
                    rss_text = f"{rss / 1024:.1f}"
                    states = f"{j['states']:,}" if "states" in j else ""
                    print(f"| {family} | {n} | {strategy} | {j['verdict']} | {ex:,} | {growth} | {steps:,} | {states} | "
                          f"{secs:.3f} | {ex / secs:,.0f} | {steps / secs:,.0f} | {rss_text} |", flush=True)
                    previous = ex
                    if j["verdict"] == "incomplete":
                        break  # larger N will not finish either
                    if j["verdict"] != ("safe" if args.variant == "fixed" else "violation"):
                        print(f"!!! {family} N={n} {strategy}: unexpected verdict {j['verdict']}: "
                              f"{j.get('error', '')}", file=sys.stderr)


if __name__ == "__main__":
    main()
