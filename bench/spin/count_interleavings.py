#!/usr/bin/env python3
"""Count the interleavings of the Promela step model of gen_dm.py, as preempt's dfs would.

    count_interleavings.py N buggy|fixed

A cross-check that the Promela model and the preempt scenario cut the race into the same visible
steps: for the fixed variant, the number of complete executions printed here must equal the
`executions` of `preempt check --strategy dfs` on the generated scenario (compare.sh --crosscheck
does this). The step lists below mirror gen_dm.py's d_steps one for one; every step that
executes dm code checks that dm is not unloaded.

Prints: executions (complete interleavings, a violating one ends at its violation), violating
executions, and the kinds seen.
"""

import sys
from functools import lru_cache

LIVE, UNLOADED = 0, 2
END = -1


def reader_step(g, pc, buggy):
    """One step of a sysfs_reader at pc: None if blocked, else (g', pc', violation or None)."""
    kref, done, mref, mstate = g
    dm_gone = mstate == UNLOADED
    if pc == 0:  # kobject_get_unless_zero
        return ((kref + 1, done, mref, mstate), 1, None) if kref > 0 else (g, END, None)
    if pc == 1:  # kobject_put
        if kref == 0:
            return g, END, "refcount-underflow"
        if kref > 1:
            return (kref - 1, done, mref, mstate), END, None
        return (0, done, mref, mstate), 2, ("unloaded-code" if buggy and dm_gone else None)
    if pc == 2:  # complete() in dm_kobject_release
        nxt = 3 if buggy else END
        return (kref, done + 1, mref, mstate), nxt, ("unloaded-code" if buggy and dm_gone else None)
    if pc == 3:  # return from dm_kobject_release (a step only when it is dm code)
        return g, END, ("unloaded-code" if dm_gone else None)
    raise AssertionError(pc)


def rmmod_step(g, pc, buggy):
    kref, done, mref, mstate = g
    gone = "unloaded-code" if mstate == UNLOADED else None
    if pc == 0:  # calls dm_sysfs_exit
        return g, 1, gone
    if pc == 1:  # kobject_put in dm_sysfs_exit
        if kref == 0:
            return g, END, "refcount-underflow"
        if kref > 1:
            return (kref - 1, done, mref, mstate), 4, gone
        return (0, done, mref, mstate), 2, gone
    if pc == 2:  # complete() in dm_kobject_release
        return (kref, done + 1, mref, mstate), 3, (gone if buggy else None)
    if pc == 3:  # return from dm_kobject_release into dm_sysfs_exit
        return g, 4, gone
    if pc == 4:  # wait_for_completion
        if done == 0:
            return None
        return (kref, done - 1, mref, mstate), 5, gone
    if pc == 5:  # return from dm_sysfs_exit
        return g, 6, gone
    if pc == 6:  # module_put
        if mref == 0:
            return g, END, "refcount-underflow"
        return (kref, done, mref - 1, mstate), 7, None
    if pc == 7:  # delete_module (no exit function)
        if mstate == LIVE and mref == 0:
            return (kref, done, mref, UNLOADED), END, None
        return g, END, None
    raise AssertionError(pc)


def count(n, buggy):
    kinds = set()

    @lru_cache(maxsize=None)
    def explore(g, pcs):
        """(executions, violating executions) below this state; pcs[-1] is rmmod's."""
        total = bad = 0
        for t, pc in enumerate(pcs):
            if pc == END:
                continue
            step = rmmod_step if t == len(pcs) - 1 else reader_step
            r = step(g, pc, buggy)
            if r is None:
                continue
            g2, pc2, violation = r
            if violation:
                kinds.add(violation)
                total, bad = total + 1, bad + 1
                continue
            sub_total, sub_bad = explore(g2, pcs[:t] + (pc2,) + pcs[t + 1:])
            total, bad = total + sub_total, bad + sub_bad
        if total == 0:  # nobody can step: finished, or a deadlock (also one execution)
            if any(pc != END for pc in pcs):
                kinds.add("deadlock")
                return 1, 1
            return 1, 0
        return total, bad

    total, bad = explore((1, 0, 1, LIVE), (0,) * n + (0,))
    return total, bad, sorted(kinds)


def main(argv):
    if len(argv) != 3 or argv[2] not in ("buggy", "fixed"):
        sys.exit("usage: count_interleavings.py N buggy|fixed")
    total, bad, kinds = count(int(argv[1]), argv[2] == "buggy")
    print(f"executions {total} violating {bad} kinds {','.join(kinds) or '-'}")


if __name__ == "__main__":
    main(sys.argv)
