#!/usr/bin/env python3
"""The scenario families of bench/families.py as Promela models with the same visible steps.

    gen_families.py pml FAMILY N [fixed|buggy]     the Promela model on stdout
    gen_families.py scn FAMILY N [fixed|buggy]     the preempt scenario (bench/families.py)
    gen_families.py count FAMILY N [fixed|buggy]   the step model's counts (stepmodel.py):
                                                   SPIN's states without reduction, the
                                                   interleavings preempt's dfs explores, violations
    gen_families.py list                           the families and their sizes

FAMILY is one of dm, philosophers, seqlock, counter, filter, peterson, bakery. Each model is a
stepmodel.Model: one atomic step (one `d_step`, one SPIN transition) per visible step of the
scenario as docs/scenario-language.md section 8 defines them -- every read and every write of a
shared int, every builtin (mutex_lock, spin_lock, atomic_inc, cmpxchg, kobject_put, ...), every
await, every call into or return from module code. Local computation (locals, arithmetic, the
branch a read decides) is folded into the step it follows: a step that decides a branch is
written as alternatives with disjoint guards, one per branch, all from the same program point,
so it is still one transition.

How the scenario's objects become Promela (all `byte`s):

- a mutex or spinlock is its owner, `_pid + 1` or 0 when free: lock is `d_step { owner == 0 ->
  owner = _pid + 1 }` (it blocks while held), unlock asserts `owner == _pid + 1` (preempt's
  lock-misuse; every assertion whose text names an `_owner` maps to that kind);
- an await is a d_step guarded by its condition: it blocks while the condition is false;
- a spin loop `while (c) { }` is written as the loop it is: one step per shared read of `c`,
  back to the first read while `c` holds. SPIN explores the cycle; preempt stops a pass that
  would only repeat itself (scenario-language.md, section 5) -- a reduction, so the verdicts agree
  but the execution counts of a looping family are not interleavings of this model;
- `final { assert(e); }`: each thread's last step counts `fin`, and the step that ends the last
  thread asserts `e` (the final block runs when every thread has ended);
- dm: the model of gen_dm.py (kref, done, mref, mstate; dm code asserts `mstate != UNLOADED`).

A violation maps to preempt's kind by the text of the failed assertion (`KINDS`); pan's "invalid
end state" is preempt's deadlock.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import families  # noqa: E402  (bench/families.py: the scenarios)
from stepmodel import END, Alt, Model, Proc  # noqa: E402

# The text of a failed assertion -> preempt's violation kind (the first match wins).
KINDS = [("mstate", "unloaded-code"), ("kref", "refcount-underflow"), ("mref", "refcount-underflow"),
         ("_owner", "lock-misuse")]


def kind_of(assertion_text):
    for needle, kind in KINDS:
        if needle in assertion_text:
            return kind
    return "assertion"


def chain(steps, last_next=END):
    """A straight line of steps: [(pc, guard, actions, comment)] -> {pc: [Alt]}, each going to
    the next one, the last to last_next."""
    pcs = {}
    for i, (pc, guard, actions, comment) in enumerate(steps):
        nxt = steps[i + 1][0] if i + 1 < len(steps) else last_next
        pcs[pc] = [Alt(guard, actions, nxt, comment)]
    return pcs


def lock(pc, m, comment):
    return (pc, f"{m} == 0", [f"{m} = _pid + 1"], comment)


def unlock(pc, m, comment):
    return (pc, None, [f"assert({m} == _pid + 1)", f"{m} = 0"], comment)


# ------------------------------------------------------------------------------------------ dm
UC = "assert(mstate != UNLOADED)"


def dm(n, variant):
    """gen_dm.py's model, step for step (its readers first, then rmmod)."""
    buggy = variant == "buggy"
    uc_release = [UC] if buggy else []
    reader = {
        "get": [Alt("kref > 0", ["kref++"], "put", "kobject_get_unless_zero: 1"),
                Alt("kref == 0", [], END, "kobject_get_unless_zero: 0")],
        "put": [Alt("kref > 1", ["kref--"], END, "kobject_put: not the last reference"),
                Alt("kref == 1", uc_release + ["kref = 0"], "rel", "kobject_put: 1 -> 0, calls dm_kobject_release"),
                Alt("kref == 0", ["assert(kref > 0)"], END, "kobject_put at 0: refcount-underflow")],
        "rel": [Alt(None, uc_release + ["done++"], "ret" if buggy else END, "complete(kobj_holder) in dm_kobject_release")],
    }
    if buggy:
        reader["ret"] = [Alt(None, [UC], END, "returns from dm_kobject_release")]
    rmmod = {
        "call": [Alt(None, [UC], "put", "calls dm_sysfs_exit() [dm]")],
        "put": [Alt("kref > 1", [UC, "kref--"], "wait", "kobject_put: not the last reference"),
                Alt("kref == 1", [UC, "kref = 0"], "rel", "kobject_put: 1 -> 0, calls dm_kobject_release"),
                Alt("kref == 0", ["assert(kref > 0)"], "wait", "kobject_put at 0: refcount-underflow")],
        "rel": [Alt(None, uc_release + ["done++"], "relret", "complete(kobj_holder) in dm_kobject_release")],
        "relret": [Alt(None, [UC], "wait", "returns from dm_kobject_release into dm_sysfs_exit")],
        "wait": [Alt("done > 0", [UC, "done--"], "ret", "wait_for_completion(kobj_holder): blocks while done == 0")],
        "ret": [Alt(None, [UC], "mput", "returns from dm_sysfs_exit() [dm]")],
        "mput": [Alt(None, ["assert(mref > 0)", "mref--"], "del", "module_put(dm)")],
        "del": [Alt("mstate == UNLOADED", [], END, "delete_module(dm): -ENOENT"),
                Alt("mstate == LIVE && mref == 0", ["mstate = UNLOADED"], END, "delete_module(dm): unloads dm"),
                Alt("!(mstate == UNLOADED) && !(mstate == LIVE && mref == 0)", [], END, "delete_module(dm): -EBUSY")],
    }
    return Model(f"Generated by bench/spin/gen_families.py: dm, {n} sysfs readers, {variant}",
                 {"kref": 1, "done": 0, "mref": 1, "mstate": 0},
                 [Proc("sysfs_reader", n, reader), Proc("rmmod", 1, rmmod)],
                 defines={"LIVE": 0, "GOING": 1, "UNLOADED": 2})


# -------------------------------------------------------------------------------- philosophers
def philosophers(n, variant):
    procs = []
    for i in range(n):
        a, b = sorted((i, (i + 1) % n)) if variant == "fixed" else (i, (i + 1) % n)
        procs.append(Proc(f"phil{i}", 1, chain([
            lock("l1", f"fork_owner[{a}]", f"mutex_lock(fork{a})"),
            lock("l2", f"fork_owner[{b}]", f"mutex_lock(fork{b})"),
            ("eat", None, ["meals++"], "atomic_inc(meals)"),
            unlock("u2", f"fork_owner[{b}]", f"mutex_unlock(fork{b})"),
            unlock("u1", f"fork_owner[{a}]", f"mutex_unlock(fork{a})")])))
    return Model(f"Generated by bench/spin/gen_families.py: {n} dining philosophers, {variant}",
                 {"fork_owner": ("array", n), "meals": 0}, procs, final=f"meals == {n}")


# ------------------------------------------------------------------------------------- seqlock
def seqlock(n, variant):
    writer = chain([
        lock("lock", "lock_owner", "spin_lock(lock)"),
        ("r1", None, ["t = seq"], "seq = seq + 1: the read"),
        ("w1", None, ["seq = t + 1"], "seq = seq + 1: the write"),
        ("d0", None, ["d0 = 1"], "d0 = 1"),
        ("d1", None, ["d1 = 1"], "d1 = 1"),
        ("r2", None, ["t = seq"], "seq = seq + 1: the read"),
        ("w2", None, ["seq = t + 1"], "seq = seq + 1: the write"),
        unlock("unlock", "lock_owner", "spin_unlock(lock)")])
    reader = {"rs": [Alt(None, ["s = seq"], "ra", "int s = seq")],
              "ra": [Alt(None, ["a = d0"], "rb", "int a = d0")]}
    if variant == "fixed":
        reader["rb"] = [Alt("s % 2 == 0", ["b = d1"], "rs2", "int b = d1; s is even: read seq again"),
                        Alt("s % 2 != 0", ["b = d1"], END, "int b = d1; s is odd: done")]
        reader["rs2"] = [Alt("seq == s", ["assert(a == b)"], END, "seq == s: the pair must be consistent"),
                         Alt("seq != s", [], END, "seq changed: done")]
    else:
        reader["rb"] = [Alt("s % 2 == 0", ["b = d1", "assert(a == b)"], END, "int b = d1; s is even: trusted"),
                        Alt("s % 2 != 0", ["b = d1"], END, "int b = d1; s is odd: done")]
    return Model(f"Generated by bench/spin/gen_families.py: seqlock, one writer, {n} readers, {variant}",
                 {"lock_owner": 0, "seq": 0, "d0": 0, "d1": 0},
                 [Proc("writer", 1, writer, {"t": 0}), Proc("reader", n, reader, {"s": 0, "a": 0, "b": 0})])


# ------------------------------------------------------------------------------------- counter
def counter(n, variant):
    if variant == "fixed":
        body = {"rd": [Alt(None, ["v = c"], "cas", "int v = c")],
                "cas": [Alt("c == v", ["c = v + 1"], END, "cmpxchg(c, v, v + 1) succeeds"),
                        Alt("c != v", [], "rd", "cmpxchg(c, v, v + 1) fails: retry")]}
    else:
        body = chain([("rd", None, ["v = c"], "int v = c"), ("wr", None, ["c = v + 1"], "c = v + 1")])
    return Model(f"Generated by bench/spin/gen_families.py: counter, {n} threads, {variant}",
                 {"c": 0}, [Proc("t", n, body, {"v": 0})], final=f"c == {n}")


# ------------------------------------------------------------------------- filter and peterson
def critical_section(release):
    return [("inc", None, ["in_cs++"], "atomic_inc(in_cs)"),
            ("chk", None, ["assert(in_cs == 1)"], "assert(atomic_read(in_cs) == 1)"),
            ("dec", None, ["in_cs--"], "atomic_dec(in_cs)"),
            ("rel", None, [release], release)]


def enter_level(l, variant):
    steps = [(f"lv{l}", None, [f"level[self] = {l}"], f"level[self] = {l}"),
             (f"vi{l}", None, [f"victim[{l}] = self"], f"victim[{l}] = self")]
    return steps if variant == "fixed" else steps[::-1]


def filter_lock(n, variant):
    pcs = {}
    for l in range(1, n):
        nxt = enter_level(l + 1, variant)[0][0] if l + 1 < n else "inc"
        pcs.update(chain(enter_level(l, variant), f"aw{l}"))
        others = " && ".join(f"level[(self + {d}) % {n}] < {l}" for d in range(1, n))
        pcs[f"aw{l}"] = [Alt(f"({others}) || victim[{l}] != self", [], nxt, f"await at level {l}")]
    pcs.update(chain(critical_section("level[self] = 0")))
    return Model(f"Generated by bench/spin/gen_families.py: filter lock, {n} threads, {variant}",
                 {"level": ("array", n), "victim": ("array", n), "in_cs": 0}, [Proc("p", n, pcs)])


def peterson(n, variant):
    pcs = {}
    for l in range(1, n):
        nxt = enter_level(l + 1, variant)[0][0] if l + 1 < n else "inc"
        pcs.update(chain(enter_level(l, variant), f"sv{l}"))
        # while (victim[l] == self && (level[o1] >= l || level[o2] >= l || ...)) { }
        pcs[f"sv{l}"] = [Alt(f"victim[{l}] == self", [], f"so{l}_1", f"spin loop at level {l}: victim[{l}] == self"),
                         Alt(f"victim[{l}] != self", [], nxt, f"victim[{l}] != self: out of the loop")]
        for d in range(1, n):
            other = f"level[(self + {d}) % {n}]"
            pcs[f"so{l}_{d}"] = [
                Alt(f"{other} >= {l}", [], f"sv{l}", f"{other} >= {l}: spin again"),
                Alt(f"{other} < {l}", [], f"so{l}_{d + 1}" if d + 1 < n else nxt,
                    f"{other} < {l}" + (": next thread" if d + 1 < n else ": out of the loop"))]
    pcs.update(chain(critical_section("level[self] = 0")))
    return Model(f"Generated by bench/spin/gen_families.py: Peterson's lock, {n} threads, spin loops, {variant}",
                 {"level": ("array", n), "victim": ("array", n), "in_cs": 0}, [Proc("p", n, pcs)])


# -------------------------------------------------------------------------------------- bakery
def bakery(n, variant):
    fixed = variant == "fixed"
    pcs = {}
    if fixed:
        pcs["ch1"] = [Alt(None, ["choosing[self] = 1"], "rd1", "choosing[self] = 1")]
    for d in range(1, n):
        x = f"number[(self + {d}) % {n}]"
        nxt = f"rd{d + 1}" if d + 1 < n else "num"
        pcs[f"rd{d}"] = [Alt(f"{x} > ticket", [f"ticket = {x}"], nxt, f"x = {x}; larger: ticket = x"),
                         Alt(f"{x} <= ticket", [], nxt, f"x = {x}")]
    pcs["num"] = [Alt(None, ["ticket = ticket + 1", "number[self] = ticket"], "ch0" if fixed else "wc1",
                      "number[self] = ticket + 1")]
    if fixed:
        pcs["ch0"] = [Alt(None, ["choosing[self] = 0"], "wc1", "choosing[self] = 0")]
    for d in range(1, n):
        j = f"((self + {d}) % {n})"
        nxt = f"wc{d + 1}" if d + 1 < n else "inc"
        if fixed:
            pcs[f"wc{d}"] = [Alt(f"choosing[{j}] == 0", [], f"wn{d}", f"await(choosing[{j}] == 0)")]
        pcs[f"wc{d}" if not fixed else f"wn{d}"] = [
            Alt(f"number[{j}] == 0 || number[{j}] > ticket || (number[{j}] == ticket && {j} > self)", [], nxt,
                f"await: thread {j} has no ticket, a larger one, or the same and a larger index")]
    pcs.update(chain(critical_section("number[self] = 0")))
    globals_ = {"choosing": ("array", n)} if fixed else {}
    globals_.update({"number": ("array", n), "in_cs": 0})
    return Model(f"Generated by bench/spin/gen_families.py: bakery lock, {n} threads, {variant}",
                 globals_, [Proc("p", n, pcs, {"ticket": 0})])


MODELS = {"dm": dm, "philosophers": philosophers, "seqlock": seqlock, "counter": counter,
          "filter": filter_lock, "peterson": peterson, "bakery": bakery}


def scenario(family, n, variant):
    return families.FAMILIES[family][0](n, variant)


def expected(family, n, variant):
    """The verdict both tools must give, as `safe` or `violation KIND`."""
    if variant == "fixed" or (family == "counter" and n == 1):
        return "safe"
    return {"dm": "violation unloaded-code", "philosophers": "violation deadlock"}.get(family, "violation assertion")


def smallest(family):
    return families.FAMILIES[family][1].start


def main(argv):
    if argv[1:2] == ["list"]:
        for f in MODELS:
            print(f, "from N =", smallest(f))
        return
    if len(argv) not in (4, 5) or argv[1] not in ("pml", "scn", "count") or argv[2] not in MODELS:
        sys.exit(__doc__)
    what, family, n = argv[1], argv[2], int(argv[3])
    variant = argv[4] if len(argv) == 5 else "fixed"
    if variant not in ("fixed", "buggy") or not smallest(family) <= n <= 200:
        sys.exit(f"gen_families.py: want fixed|buggy and {smallest(family)} <= N <= 200")
    if what == "scn":
        sys.stdout.write(scenario(family, n, variant))
    elif what == "pml":
        sys.stdout.write(MODELS[family](n, variant).promela())
    else:
        states, paths, violations = MODELS[family](n, variant).explore()
        print(f"spin_states {states} paths {paths if paths is not None else 'cyclic'} "
              f"violations {';'.join(violations) or '-'}")


if __name__ == "__main__":
    main(sys.argv)
