"""Server processes started by the tooling: environment, logs, health checks and stopping.

Every process runs in its own process group with its output in a log file. :func:`stop_all`
sends each group its stop signal at once, then SIGKILL to whatever is left after a short grace
period (well inside the 10 s a container runtime waits), and only to the processes started here.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO


class StackError(RuntimeError):
    """A server could not be started; the message says which one and where its log is."""


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment for child processes: quiet, and no telemetry leaves the machine."""
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """Whether `url` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # noqa: S310 (local URLs)
            return reply.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def tail(path: Path, lines: int = 25) -> str:
    """Return the last `lines` lines of a log file."""
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def set_parent_death_signal() -> None:
    """Runs in the child between fork and exec: SIGTERM this process when its parent dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the launcher's own clean-up still applies
        pass


def stop_all(processes: list[ManagedProcess], grace: float = 6.0) -> None:
    """Stop several servers at once: each one's stop signal, SIGKILL after ``grace`` seconds.

    Signalling them together keeps the whole shutdown within ``grace`` plus a moment, so a
    supervisor's own deadline (Docker waits 10 s before SIGKILL) is not reached first.
    """
    for process in processes:
        process.signal_group(process.stop_signal)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for process in processes:
        if process.running():
            process.signal_group(signal.SIGKILL)
    for process in processes:
        try:
            process.popen.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass
        process.close_log()


def wait_until_healthy(processes: list[ManagedProcess], timeout: float,
                       log_dir: Path | None = None) -> None:
    """Wait until every process's health URL answers 200; raise StackError if one dies or stalls.

    Processes without a health URL are not waited for.
    """
    deadline = time.monotonic() + timeout
    pending = [p for p in processes if p.health_url]
    while pending:
        for process in list(pending):
            if not process.running():
                raise StackError(
                    f"The {process.name} server stopped while starting "
                    f"(exit code {process.popen.returncode}). Last lines of "
                    f"{process.log_path}:\n{tail(process.log_path)}"
                )
            if http_ok(process.health_url):
                pending.remove(process)
        if pending and time.monotonic() > deadline:
            names = ", ".join(p.name for p in pending)
            raise StackError(f"Timed out waiting for: {names}. Logs: {log_dir or 'see above'}")
        if pending:
            time.sleep(0.5)


@dataclass
class ManagedProcess:
    """One server started by this module."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    health_url: str
    log_file: IO[bytes] | None = None
    stop_signal: signal.Signals = signal.SIGTERM

    def running(self) -> bool:
        """Whether the process is still alive."""
        return self.popen.poll() is None

    def rss_bytes(self) -> int:
        """Resident memory of every live process in this server's process group, in bytes."""
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getpgid(int(entry.name)) != self.popen.pid:
                    continue
                status = (entry / "status").read_text()
            except (OSError, ProcessLookupError):
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def signal_group(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the process group of this server, if it is still running."""
        if not self.running():
            return
        try:
            os.killpg(self.popen.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def close_log(self) -> None:
        """Close the log file (once)."""
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None

    def stop(self, grace: float = 15.0) -> None:
        """Stop the process group: its stop signal (SIGTERM), then SIGKILL after ``grace`` s."""
        stop_all([self], grace)


