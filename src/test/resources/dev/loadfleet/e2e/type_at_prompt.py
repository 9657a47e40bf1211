"""Runs a command on a real pseudo-terminal and types at its passphrase prompts, as an operator would.

usage: LF_TYPE=TEXT python3 type_at_prompt.py COMMAND [ARG]...
TEXT (typed at each prompt) comes in the environment, which the command does not inherit.
Everything the command prints on the terminal is copied to standard output as it comes; the exit
status is the command's (128 + N when signal N ended it).
"""
import os
import pty
import sys

PROMPTS = (b"Passphrase for ", b"Wrong passphrase; again for ")


def main():
    text = os.environ.pop("LF_TYPE", None)
    if text is None or len(sys.argv) < 2:
        sys.exit("usage: LF_TYPE=TEXT python3 type_at_prompt.py COMMAND [ARG]...")
    out = sys.stdout.buffer
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    unread = b""  # what came after the last prompt answered
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the command closed the terminal's last descriptor
            break
        if not data:
            break
        out.write(data)
        out.flush()
        unread += data
        while True:
            found = [(unread.find(p), p) for p in PROMPTS if unread.find(p) >= 0]
            if not found:
                unread = unread[-64:]  # a prompt cut between two reads
                break
            at, prompt = min(found)
            os.write(fd, text.encode() + b"\n")
            unread = unread[at + len(prompt):]
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


main()
