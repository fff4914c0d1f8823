#!/usr/bin/env python3
"""Runs `preempt lsp` on recorded sessions and compares its messages with the expected ones.

Usage: run.py PREEMPT_BINARY SESSION_DIR
       run.py --print PREEMPT_BINARY SESSION.jsonl   (show one session's messages, both ways)

Each SESSION_DIR/*.jsonl is one session, one JSON value a line (blank lines and lines starting
with // are ignored):
  {"send": MESSAGE}         a client message (jsonrpc "2.0" is added), framed with Content-Length
  {"send_raw": "TEXT"}      bytes sent as they are (malformed framing, broken JSON)
  {"send_padding": N}       a message whose Content-Length is N and whose body is N spaces
  {"open": "FILE.scn"}      textDocument/didOpen of tests/lsp/FILE.scn, uri file:///FILE.scn
  {"open_text": "TEXT", "uri": "NAME.scn", "repeat": N}
                            textDocument/didOpen of uri file:///NAME.scn with TEXT repeated N times
  {"change": "FILE.scn", "uri": "OTHER.scn"}
                            textDocument/didChange of uri file:///OTHER.scn to the text of FILE.scn
  {"expect": MESSAGE}       the server's next message matches MESSAGE (below)
  {"exit_code": N}          the server's exit code (default 0)
The whole input is sent, then stdin is closed; the server's messages must match the expectations
one by one, in order, and there must be no other message.

MESSAGE matches structurally: an object matches when each of its keys matches the actual value's
(other keys are allowed); a list matches a list of the same length element by element; any other
value matches an equal one. {"$contains": [A, B]} matches a list with an element matching A and
one matching B; {"$contains": "text"} a string containing text; {"$lacks": [A]} a list with no
element matching A; {"$absent": true} as an object's value: the key is absent.
"""
import json
import pathlib
import subprocess
import sys


def matches(expected, actual, path="$"):
    """None if `actual` matches `expected`, else a message saying where it differs."""
    if isinstance(expected, dict) and "$contains" in expected:
        want = expected["$contains"]
        if isinstance(want, str):
            ok = isinstance(actual, str) and want in actual
            return None if ok else f"{path}: {actual!r} does not contain {want!r}"
        if not isinstance(actual, list):
            return f"{path}: expected a list, got {actual!r}"
        for w in want:
            if all(matches(w, a) is not None for a in actual):
                return f"{path}: no element matches {json.dumps(w)}"
        return None
    if isinstance(expected, dict) and "$lacks" in expected:
        if not isinstance(actual, list):
            return f"{path}: expected a list, got {actual!r}"
        for w in expected["$lacks"]:
            if any(matches(w, a) is None for a in actual):
                return f"{path}: an element matches {json.dumps(w)}"
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {json.dumps(actual)[:200]}"
        for key, value in expected.items():
            if isinstance(value, dict) and value.get("$absent"):
                if key in actual:
                    return f"{path}.{key}: should be absent"
                continue
            if key not in actual:
                return f"{path}: no key {key!r} in {json.dumps(actual)[:200]}"
            why = matches(value, actual[key], f"{path}.{key}")
            if why:
                return why
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {len(expected)} elements, got {json.dumps(actual)[:300]}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            why = matches(e, a, f"{path}[{i}]")
            if why:
                return why
        return None
    return None if expected == actual else f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)[:300]}"


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def parse_output(data: bytes):
    """The server's messages; raises on bad framing (the server must always frame correctly)."""
    messages = []
    while data:
        header, sep, rest = data.partition(b"\r\n\r\n")
        if not sep or not header.startswith(b"Content-Length: "):
            raise ValueError(f"bad framing in the server's output: {data[:80]!r}")
        length = int(header[len(b"Content-Length: "):])
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


def run_session(binary, session: pathlib.Path):
    stdin = b""
    expected = []
    exit_code = 0
    for number, line in enumerate(session.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        step = json.loads(line)
        if "send" in step:
            stdin += frame(json.dumps({"jsonrpc": "2.0", **step["send"]}).encode())
        elif "send_raw" in step:
            stdin += step["send_raw"].encode()
        elif "send_padding" in step:
            stdin += frame(b" " * step["send_padding"])
        elif "open" in step:
            text = (session.parent / step["open"]).read_text()
            params = {"textDocument": {"uri": "file:///" + step["open"], "languageId": "scn",
                                       "version": 1, "text": text}}
            stdin += frame(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": params}).encode())
        elif "open_text" in step:
            params = {"textDocument": {"uri": "file:///" + step["uri"], "languageId": "scn", "version": 1,
                                       "text": step["open_text"] * step.get("repeat", 1)}}
            stdin += frame(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": params}).encode())
        elif "change" in step:
            text = (session.parent / step["change"]).read_text()
            params = {"textDocument": {"uri": "file:///" + step["uri"], "version": 2},
                      "contentChanges": [{"text": text}]}
            stdin += frame(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params}).encode())
        elif "expect" in step:
            expected.append((number, step["expect"]))
        elif "exit_code" in step:
            exit_code = step["exit_code"]
        else:
            return [f"{session.name}:{number}: unknown step {line}"]
    proc = subprocess.run([binary, "lsp"], input=stdin, capture_output=True, timeout=120)
    failures = []
    try:
        actual = parse_output(proc.stdout)
    except ValueError as e:
        return [f"{session.name}: {e}"]
    for i, (number, want) in enumerate(expected):
        if i >= len(actual):
            failures.append(f"{session.name}:{number}: no message from the server (it sent {len(actual)})")
            break
        why = matches(want, actual[i])
        if why:
            failures.append(f"{session.name}:{number}: {why}")
    for extra in actual[len(expected):]:
        failures.append(f"{session.name}: unexpected message {json.dumps(extra)[:300]}")
    if proc.returncode != exit_code:
        failures.append(f"{session.name}: exit code {proc.returncode}, expected {exit_code}; stderr: "
                        f"{proc.stderr.decode(errors='replace')[:500]}")
    return failures


def print_session(binary, session: pathlib.Path):
    """Plays one session message by message and prints each message ("-->" the client's, "<--" the
    server's) as one line of JSON; after each client message it reads as many server messages as
    the session expects there."""
    steps = []
    for line in session.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            steps.append(json.loads(line))
    proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read_one():
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            c = proc.stdout.read(1)
            if not c:
                raise EOFError("the server closed its output")
            header += c
        length = int(header.split(b":")[1])
        return json.loads(proc.stdout.read(length))

    for step in steps:
        if "send" in step:
            message = {"jsonrpc": "2.0", **step["send"]}
        elif "open" in step:
            message = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": "file:///" + step["open"], "languageId": "scn", "version": 1,
                "text": (session.parent / step["open"]).read_text()}}}
        elif "expect" in step:
            print("<--", json.dumps(read_one()))
            continue
        else:
            continue
        shown = json.loads(json.dumps(message))
        if "open" in step:
            shown["params"]["textDocument"]["text"] = "<the text of %s>" % step["open"]
        print("-->", json.dumps(shown))
        proc.stdin.write(frame(json.dumps(message).encode()))
        proc.stdin.flush()
    proc.stdin.close()
    return proc.wait(timeout=60)


def main():
    if sys.argv[1] == "--print":
        print_session(sys.argv[2], pathlib.Path(sys.argv[3]))
        return 0
    binary, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    sessions = sorted(folder.glob("*.jsonl"))
    if not sessions:
        print(f"no sessions in {folder}")
        return 1
    failures = []
    for session in sessions:
        found = run_session(binary, session)
        print(f"{'FAIL' if found else 'PASS'} {session.name}")
        failures += found
    for f in failures:
        print(f)
    print(f"{len(sessions) - len({f.split(':')[0] for f in failures})}/{len(sessions)} sessions pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
