#!/usr/bin/env python3
"""Every #include of the engine's sources points to its own layer or one below it.

    tests/layers/layers_test.py SOURCE_DIR

The layers (docs/architecture.md), each a folder, and the folders each may include. The build
enforces the same rule with per-library include directories (checker/CMakeLists.txt); this test
says which file breaks it and why, and also covers headers that no target compiles.
"""
import os
import re
import sys

ALLOWED = {
    "checker/rt": {"checker/rt"},
    "models": {"models", "checker/rt"},
    "checker/explore": {"checker/explore", "models", "checker/rt"},
    "checker/lang": {"checker/lang", "checker/rt"},
    "checker/interp": {"checker/interp", "checker/lang", "checker/explore", "models", "checker/rt"},
    "checker/report": {"checker/report", "checker/explore", "models", "checker/rt"},
    "checker/api": {"checker/api", "checker/explore", "models", "checker/rt"},
    "checker/cli": {"checker/cli", "checker/report", "checker/interp", "checker/lang", "checker/api",
                    "checker/explore", "models", "checker/rt"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path):
    for folder in sorted(ALLOWED, key=len, reverse=True):
        if path == folder or path.startswith(folder + "/"):
            return folder
    return None


def main():
    root = sys.argv[1]
    problems = []
    checked = 0
    for folder in ALLOWED:
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if not name.endswith((".cpp", ".hpp", ".def")):
                continue
            rel = f"{folder}/{name}"
            with open(os.path.join(root, rel), encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    checked += 1
                    target = layer_of(m.group(1))
                    if target is None:
                        problems.append(f"{rel}:{number}: includes {m.group(1)}, which is in no layer")
                    elif target not in ALLOWED[folder]:
                        problems.append(f"{rel}:{number}: {folder} includes {m.group(1)} of {target}, a layer above it")
    for p in problems:
        print(p)
    print(f"{checked} includes checked, {len(problems)} upward")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
