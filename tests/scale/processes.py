"""Helpers for tests that start launchers: child processes from /proc, output read in a thread."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (read from /proc; zombies count as gone)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.5) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass; return the last result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class OutputReader:
    """Collects the lines a process prints, without blocking the test."""

    def __init__(self, popen: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(popen,), daemon=True)
        self._thread.start()

    def _read(self, popen: subprocess.Popen[str]) -> None:
        assert popen.stdout is not None
        for line in popen.stdout:
            self.lines.append(line)

    def text(self) -> str:
        """Everything printed so far."""
        return "".join(self.lines)

    def saw(self, needle: str) -> bool:
        """Whether ``needle`` was printed."""
        return needle in self.text()


def kill_leftovers(pids: set[int]) -> None:
    """Last-resort clean-up after a failed test: SIGKILL the processes it started."""
    for pid in pids:
        try:
            os.kill(pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
