"""Follow the processes a test started, and only those: never the machine's process table.

Other developers run TeX on the same machine, so "is any xelatex running?" says nothing
about this test. Linux lists each process's children in /proc/<pid>/task/<tid>/children;
walking that from the test's own child finds exactly the TeX run the build started.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running or stopped; a zombie has exited and only waits for its parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def zombies(pid: int) -> list[str]:
    """The commands of the processes under `pid` that have ended but were never reaped."""
    return [
        command(c) or str(c)
        for c in descendants(pid)
        if Path(f"/proc/{c}").exists() and not alive(c)
    ]


@dataclass
class TexRun:
    """TeX's process group under one build, and every process of it seen so far."""

    group: int
    seen: set[int] = field(default_factory=set)

    def gone(self, wait: float = 5.0) -> bool:
        """SIGKILL is delivered at once, but a process takes a moment to be gone."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(self.group, 0)
            except ProcessLookupError:
                return True
            if not any(alive(pid) for pid in self.seen):
                return True
            time.sleep(0.1)
        return False


def wait_for_tex(build: subprocess.Popen[str], timeout: float = 60.0) -> TexRun:
    """Wait until the build has started xelatex; fails the test if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        family = descendants(build.pid)
        tex = [pid for pid in family if {"xelatex", "cv.tex"} <= set(command(pid).split())]
        if tex:
            try:
                group = os.getpgid(tex[0])
            except ProcessLookupError:
                continue
            assert group != os.getpgid(build.pid), "TeX must run in its own process group"
            return TexRun(group, family)
        if build.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError("the build never started TeX")


def on_a_terminal(args: list[str], columns: int = 120) -> tuple[int, bytes]:
    """`build-cv ARGS` with a pseudo-terminal for its output, as a person at a terminal
    runs it: its exit status and every byte it wrote there."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "build_cv", *args], stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return proc.wait(timeout=120), seen
