#!/usr/bin/env python3
"""Data-driven tests of the model semantics, through the CLI.

Usage: run.py PREEMPT_BINARY DIR [-j JOBS] [-k SUBSTRING] [-v]

Every *.scn file under DIR (recursively) is one case. A case states what it checks in a leading
comment and says what must happen with lines the runner reads:

  expect safe;                      every listed strategy finds no violation (exit 0)
  expect violation KIND;            every listed strategy reports a violation, the first of kind KIND
  expect executions STRATEGY N;     STRATEGY explores exactly N executions (run even if not listed)

and with directive comments (each on a line of its own, any number of each):

  // message: TEXT       TEXT appears in the first violation's message (every strategy)
  // story: TEXT         TEXT appears in the printed story (text output, COLUMNS=1000: a sentence
                         is one line) of the first strategy
  // story-lacks: TEXT   TEXT does not appear there (a garbled word, a placeholder such as `?`)
  // error: L:C: MSG     the file must fail to compile, and stderr has the line `FILE:L:C: error: MSG`
                         (FILE as given to preempt; `...` in MSG stands for any text)
  // warning: L:C: MSG   stderr has the line `FILE:L:C: warning: MSG`
  // strategies: S ...   the strategies to run (default: dfs dpor stateful); the verdict and the
                         violation kind must be the expected one under each
  // args: ARGS ...      extra arguments for `preempt check` (e.g. --max-steps 200)
  // timeout: SECONDS    per run of preempt (default 60): longer is reported as a hang
  // diagnostics: partial   other errors/warnings than the listed ones are allowed (default: the
                         errors and warnings printed must be exactly the listed ones)
  // model-error: TEXT   the run must stop with an error of the model (verdict "error", exit 2,
                         under every listed strategy) whose text contains TEXT: a limit of the
                         engine or a misuse the compiler cannot see (nondet in init)
  // incomplete: TEXT    every listed strategy must stop incomplete (verdict "incomplete", exit 3:
                         a limit such as --max-steps cut an execution) with TEXT in one of its reasons
  // bounded: yes        an adversarial input: besides the expected verdict, a clear compile error
                         (exit 2 with a FILE:LINE:COL error) or a model error is accepted; what
                         fails is a crash, a hang or running out of memory
  // exit: N             the exit code `preempt check` must give (default: from the verdict:
                         0 safe, 1 violation, 2 a compile error or a model error)

A file with `// error:` or `// model-error:` lines needs no expect line. Any crash (a signal or
an unknown exit code), hang (timeout), or allocation over the limit (a run may use 6 GiB of
address space) is a failure.

DIR/KNOWN_FAILURES lists cases (paths relative to DIR, one per line, `#` starts a comment) that
fail because of a known bug in preempt: they are reported as XFAIL and do not fail the run. A
listed case that passes is reported as XPASS and fails the run, so that its entry is removed.
Exit status: 0 when every case passed or is a known failure, 1 otherwise, 2 on bad usage.
"""
import argparse
import concurrent.futures
import json
import os
import re
import resource
import subprocess
import sys

DEFAULT_STRATEGIES = ["dfs", "dpor", "stateful"]
STRATEGIES = {"dfs", "dpor", "stateful", "random", "pct"}
DIRECTIVE = re.compile(r"^\s*//\s*(message|story|story-lacks|error|warning|strategies|args|timeout|diagnostics|exit|model-error|incomplete|bounded):\s?(.*?)\s*$")
DIAG = re.compile(r"^(?P<path>.*?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.*)$")
MEMORY_LIMIT = 6 << 30  # bytes of address space per run of preempt


def strip_comments(text):
    """The source without comments and string literals (kept as ""), so that expect lines are found
    only where the scanner would see them."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


EXPECT = re.compile(r"\bexpect\s+(?:(safe)|violation\s+([A-Za-z_][\w-]*)|executions\s+(\w+)\s+(\d+))\s*;")


class Case:
    def __init__(self, path, rel):
        self.path = path
        self.rel = rel
        text = open(path, encoding="utf-8", errors="replace").read()
        self.messages, self.stories, self.errors, self.warnings, self.model_errors = [], [], [], [], []
        self.strategies = None
        self.args = []
        self.timeout = 60.0
        self.partial = False
        self.exit = None
        self.incomplete = []
        self.story_lacks = []
        self.bounded = False
        self.problems = []  # malformed directives
        for line in text.split("\n"):
            m = DIRECTIVE.match(line)
            if not m:
                continue
            key, value = m.group(1), m.group(2)
            if key == "message":
                self.messages.append(value)
            elif key == "story":
                self.stories.append(value)
            elif key == "story-lacks":
                self.story_lacks.append(value)
            elif key == "model-error":
                self.model_errors.append(value)
            elif key == "incomplete":
                self.incomplete.append(value)
            elif key == "bounded":
                self.bounded = value == "yes"
            elif key in ("error", "warning"):
                d = re.match(r"^(\d+):(\d+): (.+)$", value)
                if not d:
                    self.problems.append(f"malformed '// {key}:' directive (want LINE:COL: MESSAGE): {value}")
                    continue
                (self.errors if key == "error" else self.warnings).append(
                    (int(d.group(1)), int(d.group(2)), d.group(3)))
            elif key == "strategies":
                self.strategies = value.split()
                bad = [s for s in self.strategies if s not in STRATEGIES]
                if bad or not self.strategies:
                    self.problems.append(f"unknown strategies in '// strategies:': {value}")
            elif key == "args":
                self.args += value.split()
            elif key == "timeout":
                self.timeout = float(value)
            elif key == "diagnostics":
                self.partial = value == "partial"
            elif key == "exit":
                self.exit = int(value)
        code = strip_comments(text)
        self.expect = None  # ("safe",) or ("violation", KIND)
        self.executions = {}  # strategy -> N
        for m in EXPECT.finditer(code):
            if m.group(1):
                self.expect = ("safe",)
            elif m.group(2):
                self.expect = ("violation", m.group(2))
            else:
                self.executions[m.group(3)] = int(m.group(4))
        if self.strategies is None:
            self.strategies = list(DEFAULT_STRATEGIES)
        if not self.errors and not self.model_errors and not self.incomplete and self.expect is None \
                and not self.problems:
            self.problems.append("no 'expect safe;' / 'expect violation KIND;' and no '// error:', "
                                 "'// model-error:' or '// incomplete:' directive")
        if (self.model_errors or self.incomplete) and self.expect is not None:
            self.problems.append("an expect line and '// model-error:' or '// incomplete:'")


def limit_memory():
    # A sanitizer build reserves terabytes of shadow address space: an address-space limit would
    # kill every run before it starts (the sanitizer's own limits apply there instead).
    if "ASAN_OPTIONS" in os.environ or "UBSAN_OPTIONS" in os.environ:
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):
        pass


# The story is printed as wide as it needs: a sentence stays on one line, whole for `story:` (the
# wrapping to 80 columns is tested in tests/cli).
STORY_ENV = dict(os.environ, COLUMNS="1000")


def run(binary, args, timeout):
    """(returncode or 'timeout', stdout, stderr)."""
    try:
        p = subprocess.run([binary] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, preexec_fn=limit_memory, env=STORY_ENV)
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    return (p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


def abnormal(rc, stderr, timeout):
    if rc == "timeout":
        return f"hang: no answer within {timeout:g} s"
    if rc < 0:
        return f"crash: killed by signal {-rc}" + (f"; stderr: {short(stderr)}" if stderr.strip() else "")
    if rc not in (0, 1, 2, 3):
        return f"crash: exit code {rc}; stderr: {short(stderr)}"
    return None


def short(text, limit=300):
    text = " | ".join(line for line in text.strip().split("\n") if line.strip())
    return text if len(text) <= limit else text[:limit] + "..."


def diagnostics(stderr, path):
    """The set of (severity, line, col, message) that stderr reports for `path`."""
    found = set()
    for line in stderr.split("\n"):
        m = DIAG.match(line)
        if m and m.group("path") == path:
            found.add((m.group("sev"), int(m.group("line")), int(m.group("col")), m.group("msg")))
    return found


def message_pattern(message):
    """A directive's message as a regex: `...` stands for any text, the rest is literal."""
    return re.compile("^" + ".*".join(re.escape(part) for part in message.split("...")) + "$")


def check_diagnostics(case, stderr):
    wanted = [("error", l, c, msg) for l, c, msg in case.errors] + \
             [("warning", l, c, msg) for l, c, msg in case.warnings]
    found = diagnostics(stderr, case.path)
    matched = set()
    failures = []
    for sev, l, c, msg in wanted:
        pattern = message_pattern(msg)
        hits = [d for d in found if d[:3] == (sev, l, c) and pattern.match(d[3])]
        if hits:
            matched.update(hits)
        else:
            failures.append(f"missing {sev}: {case.path}:{l}:{c}: {sev}: {msg}")
    if not case.partial:
        for sev, l, c, msg in sorted(found - matched):
            failures.append(f"unexpected {sev}: {l}:{c}: {msg}")
    if failures and found:
        failures.append("stderr was: " + short(stderr, 600))
    return failures


def check_case(binary, case):
    """A list of failure reasons (empty: passed) and a short summary of what was checked."""
    if case.problems:
        return case.problems, ""
    if case.errors:
        rc, out, err = run(binary, ["check", "--format", "json"] + case.args + [case.path], case.timeout)
        bad = abnormal(rc, err, case.timeout)
        if bad:
            return [bad], ""
        failures = []
        want_rc = 2 if case.exit is None else case.exit
        if rc != want_rc:
            failures.append(f"exit code {rc}, expected {want_rc} (a compile error)")
        try:
            if json.loads(out).get("verdict") != "error":
                failures.append(f"verdict {json.loads(out).get('verdict')!r}, expected 'error'")
        except ValueError:
            failures.append(f"stdout is not JSON: {short(out)}")
        failures += check_diagnostics(case, err)
        return failures, f"{len(case.errors)} error(s)"

    failures = []
    strategies = list(case.strategies)
    for s in case.executions:
        if s not in strategies:
            strategies.append(s)
    verdicts = []
    for i, strategy in enumerate(strategies):
        args = ["check", "--format", "json", "--strategy", strategy] + case.args + [case.path]
        rc, out, err = run(binary, args, case.timeout)
        bad = abnormal(rc, err, case.timeout)
        if bad:
            failures.append(f"{strategy}: {bad}")
            continue
        try:
            result = json.loads(out)
        except ValueError:
            failures.append(f"{strategy}: stdout is not JSON: {short(out)}")
            continue
        if rc == 2 and "error" in result and "executions" not in result:  # a compile error: stop
            errors = [line for line in err.split("\n") if ": error: " in line]
            if case.bounded and any(line.startswith(case.path + ":") for line in errors):
                return [], f"a clear error: {errors[0]}"
            return [f"does not compile: {' | '.join(errors[:3]) or short(err)}"], ""
        if case.bounded and result.get("verdict") == "error":
            verdicts.append(f"{strategy}: model error: {result.get('error')}")
            continue
        if i == 0:
            failures += check_diagnostics(case, err)
        verdict = result.get("verdict")
        if case.model_errors:
            verdicts.append(f"{strategy}: {verdict}")
            if verdict != "error" or rc != (2 if case.exit is None else case.exit):
                first = (result.get("violations") or [None])[0]
                failures.append(f"{strategy}: expected a model error, got {verdict} (exit {rc})"
                                + (f": {first.get('kind')}: {first.get('message')}" if first else ""))
            else:
                for text in case.model_errors:
                    if text not in (result.get("error") or ""):
                        failures.append(f"{strategy}: the model error lacks {text!r}: {result.get('error')!r}")
            continue
        if verdict == "error":
            failures.append(f"{strategy}: the model failed: {result.get('error')}")
            continue
        if case.incomplete:
            verdicts.append(f"{strategy}: {verdict}")
            reasons = result.get("incomplete_reasons") or []
            if verdict != "incomplete" or rc != (3 if case.exit is None else case.exit):
                first = (result.get("violations") or [None])[0]
                failures.append(f"{strategy}: expected incomplete, got {verdict} (exit {rc})"
                                + (f": {first.get('kind')}: {first.get('message')}" if first else ""))
            else:
                for text in case.incomplete:
                    if not any(text in r for r in reasons):
                        failures.append(f"{strategy}: no incomplete reason has {text!r}: {reasons!r}")
            continue
        violations = result.get("violations") or []
        first = violations[0] if violations else None
        got = verdict if first is None else f"{verdict} {first.get('kind')}"
        verdicts.append(f"{strategy}: {got}")
        checks_verdict = strategy in case.strategies and case.expect is not None
        if checks_verdict and case.expect[0] == "safe":
            if verdict != "safe" or first is not None:
                detail = f": {first.get('message')}" if first else \
                    (f" ({'; '.join(result.get('incomplete_reasons') or [])})" if result.get("incomplete_reasons") else "")
                failures.append(f"{strategy}: expected safe, got {got}{detail}")
        elif checks_verdict:
            kind = case.expect[1]
            if first is None:
                failures.append(f"{strategy}: expected violation {kind}, got {got}")
            elif first.get("kind") != kind:
                failures.append(f"{strategy}: expected violation {kind}, got {first.get('kind')}: {first.get('message')}")
            else:
                for text in case.messages:
                    if text not in (first.get("message") or ""):
                        failures.append(f"{strategy}: message lacks {text!r}: {first.get('message')!r}")
        if checks_verdict:
            want_rc = case.exit if case.exit is not None else (0 if case.expect[0] == "safe" else 1)
            if rc != want_rc:
                failures.append(f"{strategy}: exit code {rc}, expected {want_rc}")
        if strategy in case.executions and result.get("executions") != case.executions[strategy]:
            failures.append(f"{strategy}: {result.get('executions')} executions, expected {case.executions[strategy]}")
    if case.stories or case.story_lacks:
        strategy = case.strategies[0]
        rc, out, err = run(binary, ["check", "--strategy", strategy] + case.args + [case.path], case.timeout)
        bad = abnormal(rc, err, case.timeout)
        if bad:
            failures.append(f"{strategy} (text): {bad}")
        else:
            for text in case.stories:
                if text not in out:
                    failures.append(f"{strategy}: the story lacks {text!r}")
            for text in case.story_lacks:
                if text in out:
                    line = next(l for l in out.split("\n") if text in l)
                    failures.append(f"{strategy}: the story has {text!r}: {line.strip()!r}")
    return failures, ", ".join(verdicts)


def known_failures(directory):
    path = os.path.join(directory, "KNOWN_FAILURES")
    known = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            entry = line.split("#", 1)[0].strip()
            if entry:
                known[entry] = True
    return known


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("directory")
    parser.add_argument("-j", "--jobs", type=int, default=max(1, os.cpu_count() or 1))
    parser.add_argument("-k", "--filter", default="", help="only the cases whose path contains this")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print what each passing case checked")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    directory = options.directory.rstrip("/") or "/"
    if not os.access(binary, os.X_OK):
        print(f"run.py: {binary} is not an executable", file=sys.stderr)
        return 2
    cases = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".scn"):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, directory)
                if options.filter in rel:
                    cases.append(Case(path, rel))
    cases.sort(key=lambda c: c.rel)
    if not cases:
        print(f"run.py: no *.scn files under {directory}", file=sys.stderr)
        return 2
    known = known_failures(directory)
    counts = {"PASS": 0, "FAIL": 0, "XFAIL": 0, "XPASS": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        results = list(pool.map(lambda c: check_case(binary, c), cases))
    for case, (failures, summary) in zip(cases, results):
        listed = case.rel in known
        if failures:
            status = "XFAIL" if listed else "FAIL"
            print(f"{status} {case.rel}: {failures[0]}")
            for more in failures[1:]:
                print(f"     {'':{len(status) - 4}}{more}")
        else:
            status = "XPASS" if listed else "PASS"
            if listed:
                print(f"XPASS {case.rel}: passes now, but KNOWN_FAILURES lists it: remove it from "
                      f"{os.path.join(directory, 'KNOWN_FAILURES')} !!!")
            else:
                print(f"PASS {case.rel}" + (f" ({summary})" if options.verbose and summary else ""))
        counts[status] += 1
    present = {c.rel for c in cases}
    stale = [k for k in known if k not in present and not options.filter]
    for entry in stale:
        print(f"FAIL KNOWN_FAILURES: lists {entry}, which is not a case under {directory}")
    print(f"{len(cases)} cases: {counts['PASS']} passed, {counts['FAIL']} failed, "
          f"{counts['XFAIL']} known failures (XFAIL), {counts['XPASS']} unexpectedly passed (XPASS)")
    return 1 if counts["FAIL"] or counts["XPASS"] or stale else 0


if __name__ == "__main__":
    sys.exit(main())
