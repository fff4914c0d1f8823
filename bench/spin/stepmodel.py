"""A step model: processes whose every transition is one atomic step, written once and used twice.

gen_families.py describes each family's threads as a `Model` of `Proc`s; every program point
(`pc`) of a process has a list of `Alt`ernatives, each one atomic step: a guard, actions and the
next pc. The same description is

- rendered as Promela (`Model.promela()`): one `d_step { guard -> actions }` per alternative, so
  each alternative is one SPIN transition with no intermediate state, and the program points are
  joined by `goto`s, which SPIN compiles away (`./pan -d` shows one transition per d_step, plus the
  `-end-` transition of each process);
- executed by the small interpreter below, which counts (`Model.explore()`):
  - `spin_states`: the states SPIN stores without reduction, i.e. `pan` compiled with
    `-DNOREDUCE`: the reachable (globals, per-process pc and locals, processes alive), with
    SPIN's `-end-` transitions -- a process that reached its end is removed, but only when every
    process created after it is gone (pan's `delproc`). Strictly that is `spin -o1 -a` (no
    dead-variable reset); on the families of gen_families.py plain `spin -a` stores as many
    states (compare.py checks it on every row it can), as no local is dead where SPIN resets it;
  - `paths`: the maximal interleavings of the steps (without the `-end-` transitions: a thread's
    end is no step in preempt), a violation or a deadlock ending one -- what preempt's dfs
    explores as executions when the scenario has the same steps (None when the graph has a
    cycle, i.e. a loop that can repeat);
  - the violations reached (assertion texts, deadlocks).

Expressions and actions are written in the C-like subset common to Promela and Python after a
rewrite of `&&`, `||` and `!(`: integers, variables, `a[e]`, `+ - * % == != < <= > >=`, `self` (the
copy's index in an `active [N] proctype`) and `_pid`. Actions: `x = e`, `a[e] = e`, `x++`, `x--`,
`assert(e)`. Every variable is a Promela `byte` (0..255); the interpreter fails on a value outside.
"""

import re
import sys
from dataclasses import dataclass, field

END = "END"


@dataclass
class Alt:
    guard: str | None  # None: always enabled
    actions: list[str]
    next: str  # a pc of the same process, or END
    comment: str = ""


@dataclass
class Proc:
    name: str
    copies: int
    pcs: dict  # pc -> list[Alt]; the first key is the start
    locals: dict = field(default_factory=dict)  # name -> initial value (int)


@dataclass
class Model:
    title: str
    globals: dict  # name -> int (scalar) or ("array", size)
    procs: list
    final: str | None = None  # asserted when every process has ended (preempt's final block)
    defines: dict = field(default_factory=dict)  # Promela #defines (names usable in expressions)

    # ---------------------------------------------------------------- Promela
    def promela(self, header=""):
        out = [f"/* {line} */" for line in ([self.title] + header.splitlines())]
        for k, v in self.defines.items():
            out.append(f"#define {k} {v}")
        for name, init in self.globals.items():
            if isinstance(init, tuple):
                out.append(f"byte {name}[{init[1]}];")
            else:
                out.append(f"byte {name} = {init};" if init else f"byte {name};")
        if self.final:
            out.append("byte fin;  /* threads ended: the last one checks the final assertion */")
        base = 0
        for p in self.procs:
            out.append("")
            out.append(f"active [{p.copies}] proctype {p.name}() {{" if p.copies > 1 else f"active proctype {p.name}() {{")
            for name, init in p.locals.items():
                out.append(f"    byte {name} = {init};" if init else f"    byte {name};")
            pcs = list(p.pcs)
            for i, pc in enumerate(pcs):
                label = f"{p.name}_{pc}"
                if i == 0:
                    out.append(f"{label}: do")
                    out.append("    :: if")
                else:
                    out.append(f"{label}: if")
                for alt in p.pcs[pc]:
                    body = self._dstep(alt, base, p)
                    jump = "break" if alt.next == END else f"goto {p.name}_{alt.next}"
                    comment = f"   /* {alt.comment} */" if alt.comment else ""
                    out.append(f"       :: d_step {{ {body} }}; {jump}{comment}")
                out.append("       fi;" if i < len(pcs) - 1 else "       fi")
            out.append("    od")
            out.append("}")
            base += p.copies
        return "\n".join(out) + "\n"

    def _dstep(self, alt, base, proc):
        def sub(text):  # self: the copy's index in its active [N] proctype
            if proc.copies == 1:
                return re.sub(r"\bself\b", "0", text)
            return re.sub(r"\bself\b", f"(_pid - {base})" if base else "_pid", text)
        parts = [sub(a) for a in alt.actions]
        if alt.next == END and self.final:
            parts += ["fin++", f"if :: fin == {self.nthreads()} -> assert({self.final}) :: else -> skip fi"]
        body = "; ".join(parts)
        if alt.guard is not None:
            body = f"({sub(alt.guard)}) -> {body}" if body else f"({sub(alt.guard)})"
        return body or "skip"

    def nthreads(self):
        return sum(p.copies for p in self.procs)

    # ---------------------------------------------------------------- interpreter
    def explore(self, max_states=2_000_000):
        """(spin_states, paths or None, violations): see the module's docstring. Raises
        OverflowError past max_states."""
        return _Explorer(self).run(max_states)


def _pyexpr(e):
    e = e.replace("&&", " and ").replace("||", " or ")
    e = re.sub(r"!(?!=)", " not ", e)
    return e.strip()


_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\[(.*)\])?\s*(=|\+\+|--)\s*(.*?)\s*$")


class _Explorer:
    def __init__(self, model):
        self.m = model
        self.gnames = list(model.globals) + (["fin"] if model.final else [])
        self.arrays = {n: v[1] for n, v in model.globals.items() if isinstance(v, tuple)}
        self.threads = []  # (proc, copy index, pid)
        pid = 0
        for p in model.procs:
            for c in range(p.copies):
                self.threads.append((p, c, pid))
                pid += 1
        self.code = {}  # compiled expressions and actions
        self.final = compile(_pyexpr(model.final), "final", "eval") if model.final else None

    def _expr(self, text):
        c = self.code.get(text)
        if c is None:
            c = self.code[text] = compile(_pyexpr(text), text, "eval")
        return c

    def initial(self):
        g = []
        for n in self.gnames:
            v = self.m.globals.get(n, 0)
            g.append([0] * v[1] if isinstance(v, tuple) else v)
        procs = tuple((next(iter(p.pcs)), tuple(p.locals.values())) for p, _, _ in self.threads)
        return (self._freeze(g), procs, len(self.threads))

    @staticmethod
    def _freeze(g):
        return tuple(tuple(v) if isinstance(v, list) else v for v in g)

    def step(self, state, t, alt):
        """Run alternative `alt` of thread t: None if its guard is false, else (state', violation)."""
        g, procs, nr = state
        p, copy, pid = self.threads[t]
        env = {n: (list(v) if isinstance(v, tuple) else v) for n, v in zip(self.gnames, g)}
        loc = dict(zip(p.locals, procs[t][1]))
        scope = {**self.m.defines, **env, **loc, "self": copy, "_pid": pid}
        if alt.guard is not None and not eval(self._expr(alt.guard), {}, scope):
            return None
        violation = None
        for a in alt.actions:
            if a.startswith("assert("):
                if not eval(self._expr(a[len("assert("):-1]), {}, scope):
                    violation = f"assertion violated ({a[len('assert('):-1]})"
                    break
                continue
            mm = _ASSIGN.match(a)
            if not mm:
                raise ValueError(f"cannot run action {a!r}")
            name, index, op, rhs = mm.groups()
            old = scope[name][eval(self._expr(index), {}, scope)] if index is not None else scope[name]
            val = old + 1 if op == "++" else old - 1 if op == "--" else int(eval(self._expr(rhs), {}, scope))
            if not 0 <= val <= 255:
                raise OverflowError(f"{name} = {val} is not a byte (action {a!r} of {p.name})")
            if index is not None:
                scope[name][eval(self._expr(index), {}, scope)] = val
            else:
                scope[name] = val
        if violation is None and alt.next == END and self.final:
            scope["fin"] += 1
            if scope["fin"] == len(self.threads) and not eval(self.final, {}, scope):
                violation = f"assertion violated ({self.m.final})"
        g2 = self._freeze([scope[n] for n in self.gnames])
        l2 = tuple(scope[n] for n in p.locals)
        procs2 = procs[:t] + ((alt.next, l2),) + procs[t + 1:]
        return (g2, procs2, nr), violation

    def successors(self, state, with_end):
        """[(state', violation or None)], and whether some thread is unfinished."""
        g, procs, nr = state
        out = []
        unfinished = False
        for t, (p, _, _) in enumerate(self.threads):
            if t >= nr:
                break
            pc = procs[t][0]
            if pc == END:
                if with_end and t == nr - 1:  # SPIN's -end-: only the last process may go
                    out.append(((g, procs[:t] + ((None, ()),) + procs[t + 1:], nr - 1), None))
                continue
            unfinished = True
            for alt in p.pcs[pc]:
                r = self.step(state, t, alt)
                if r is not None:
                    out.append(r)
        return out, unfinished

    def run(self, max_states):
        violations = set()
        # SPIN's states: every reachable state, -end- transitions included.
        start = self.initial()
        seen = {start}
        todo = [start]
        while todo:
            s = todo.pop()
            succ, unfinished = self.successors(s, True)
            if not succ and unfinished:
                violations.add("invalid end state")
            for s2, v in succ:
                if v:
                    violations.add(v)
                    continue
                if s2 not in seen:
                    seen.add(s2)
                    if len(seen) > max_states:
                        raise OverflowError(f"more than {max_states} states")
                    todo.append(s2)
        # preempt's dfs executions: maximal paths, no -end- transitions; None on a cycle.
        sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
        memo, on_stack = {}, set()

        def paths(s):
            if s in memo:
                return memo[s]
            if s in on_stack:
                raise _Cycle()
            on_stack.add(s)
            succ, _ = self.successors(s, False)
            total = 0 if succ else 1
            for s2, v in succ:
                total += 1 if v else paths(s2)
            on_stack.discard(s)
            memo[s] = total
            return total

        try:
            npaths = paths(start)
        except _Cycle:
            npaths = None
        return len(seen), npaths, sorted(violations)


class _Cycle(Exception):
    pass
