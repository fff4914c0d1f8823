#!/usr/bin/env python3
"""The docs show real output: every fenced block in README.md and docs/*.md that starts with a
`$ ...` command line running build/preempt is run (from the source root, stdin empty) and the lines it shows must appear
in the real output, in order. A line `...` stands for lines left out, `...` inside a line for any
text, and timings (`0.001 s`) match any timing. Usage: doc_examples_test.py PREEMPT_BINARY SOURCE_DIR"""
import glob
import os
import re
import subprocess
import sys

TIMING = re.compile(r"\d+\.\d+ s\b")


def normalize(line):
    return TIMING.sub("T s", line.rstrip())


def blocks(path):
    """(line number, command, expected lines) for each example block of one markdown file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("```") and i + 1 < len(lines) and lines[i + 1].startswith("$ ") and \
                "build/preempt" in lines[i + 1]:
            start = i + 1
            j = start
            command = lines[j][2:]
            while command.endswith("\\"):
                j += 1
                command = command[:-1].rstrip() + " " + lines[j].strip()
            end = j + 1
            while not lines[end].startswith("```"):
                end += 1
            yield start + 1, command, lines[j + 1:end]
            i = end + 1
        else:
            i += 1


def matches(expected, actual):
    """The first expected line that is not found in order in the actual output, or None."""
    actual = [normalize(a) for a in actual]
    at = 0
    for line in expected:
        if line.strip() == "..." or not line.strip():
            continue
        pattern = re.compile(
            "^" + ".*".join(re.escape(part) for part in normalize(line).split("...")) + "$")
        while at < len(actual) and not pattern.match(actual[at]):
            at += 1
        if at == len(actual):
            return line
        at += 1
    return None


def main():
    binary, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.chdir(root)
    files = ["README.md"] + sorted(glob.glob("docs/*.md"))
    checked = failed = 0
    for path in files:
        for line_number, command, expected in blocks(path):
            run = subprocess.run(command.replace("build/preempt", binary, 1), shell=True, stdin=subprocess.DEVNULL,
                                 capture_output=True, text=True, timeout=300)
            missing = matches(expected, run.stdout.split("\n"))
            checked += 1
            if missing is not None:
                failed += 1
                print(f"FAIL {path}:{line_number}: `{command}` does not print:\n  {missing}\nit prints:\n{run.stdout}")
    print(f"doc examples: {checked - failed} passed, {failed} failed")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
