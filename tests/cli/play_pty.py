#!/usr/bin/env python3
"""Plays `preempt play` at a terminal: runs a command with stdin and stdout on a pseudo-terminal and
types one answer after each prompt (output ending in "> "), as a user would, keys and all.

    play_pty.py OUT ANSWERS COMMAND...

ANSWERS is a file of answers, one a line, each typed followed by Enter (escape sequences such as
the arrow keys' ESC [ D are typed as they are in the file). Everything the command writes to the
terminal goes to the file OUT; exits with the command's exit code (124 if it runs over 60 s).
"""
import os
import pty
import select
import sys
import time


def main():
    out_path, answers_path, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    answers = open(answers_path, "rb").read().split(b"\n")
    if answers and answers[-1] == b"":
        answers.pop()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.pop("COLUMNS", None)
        os.execvp(command[0], command)
    captured = bytearray()
    since_answer = bytearray()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        captured += chunk
        since_answer += chunk
        if since_answer.endswith(b"> ") and answers:
            os.write(fd, answers.pop(0) + b"\r")
            since_answer.clear()
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        open(out_path, "wb").write(bytes(captured))
        return 124
    _, status = os.waitpid(pid, 0)
    open(out_path, "wb").write(bytes(captured))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
