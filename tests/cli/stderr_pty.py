#!/usr/bin/env python3
"""Runs a command with its stderr on a pseudo-terminal, as a user at a terminal sees it.

    stderr_pty.py OUT ERR COMMAND...

stdout goes to the file OUT (a pipe, not a terminal), everything the command writes to its stderr
(the terminal) to the file ERR; exits with the command's exit code.
"""
import os
import subprocess
import sys


def main():
    out_path, err_path, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    master, slave = os.openpty()
    with open(out_path, "wb") as out:
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
    os.close(slave)
    captured = bytearray()
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the terminal's last writer closed it
            break
        if not chunk:
            break
        captured += chunk
    os.close(master)
    with open(err_path, "wb") as err:
        err.write(captured)
    sys.exit(child.wait())


if __name__ == "__main__":
    main()
