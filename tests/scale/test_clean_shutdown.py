"""`make run` / `make shell` leave nothing behind when stopped by SIGTERM, SIGHUP or SIGKILL.

Real servers (marked ``servers``): ``scripts/run_all.py`` on ports 15165-15167 with the trained
model that ``scripts/train_if_changed.py --print-path`` names (SCALE_TEST_MODEL overrides).
Each test sends the signal the way the world does: a supervisor or container runtime signals the
launcher's PID only; a closed terminal sends SIGHUP to the whole foreground process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scale.processes import OutputReader, alive, children, kill_leftovers, wait_until
from tooling.paths import ROOT
from tooling.ports import port_is_free

pytestmark = pytest.mark.servers
PORTS = {"--actions-port": 15165, "--rasa-port": 15166, "--web-port": 15167}
READY = "The loan scam assistant is running."
SHELL_STARTING = "Starting `rasa shell`"


class Launcher:
    """One run of scripts/run_all.py in its own session, as a terminal or supervisor runs it."""

    def __init__(self, model: Path, *extra: str) -> None:
        ports = [str(part) for pair in PORTS.items() for part in pair]
        self.popen = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "run_all.py"), "--model", str(model),
             *ports, *extra],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        self.output = OutputReader(self.popen)
        self.seen: set[int] = set()

    def servers(self) -> set[int]:
        """The launcher's live descendants (remembered, so they can be checked after it exits)."""
        current = children(self.popen.pid)
        self.seen |= current
        return current

    def wait_for(self, needle: str, timeout: float = 400.0) -> None:
        ready = wait_until(lambda: self.output.saw(needle) or self.popen.poll() is not None,
                           timeout)
        assert ready and self.output.saw(needle), f"never printed {needle!r}:\n{self.output.text()}"
        self.servers()

    def cleanup(self) -> None:
        kill_leftovers({pid for pid in self.seen | self.servers() if alive(pid)})
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=10)


@pytest.fixture
def launcher() -> Iterator[list[Launcher]]:
    started: list[Launcher] = []
    yield started
    for each in started:
        each.cleanup()


def assert_everything_stopped(run: Launcher, within: float = 15.0) -> None:
    assert run.seen, "the launcher started no servers"
    assert wait_until(lambda: run.popen.poll() is not None, within), "the launcher kept running"
    leftovers = wait_until(lambda: not any(alive(pid) for pid in run.seen), within)
    assert leftovers, f"still running after the launcher stopped: {sorted(run.seen)}"
    busy = [port for port in PORTS.values() if not port_is_free(port)]
    assert not busy, f"ports still served: {busy}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_the_launcher_alone_stops_every_server(launcher, model, sig):
    run = Launcher(model)
    launcher.append(run)
    run.wait_for(READY)
    assert len(run.servers()) >= 3  # action server, Rasa, web chat

    os.kill(run.popen.pid, sig)

    assert_everything_stopped(run)
    assert "Stopped." in run.output.text()


def test_servers_stop_even_when_the_launcher_is_killed_outright_during_start_up(launcher, model):
    run = Launcher(model)
    launcher.append(run)
    # Rasa is loading the model (the action server is up): the slowest moment to be stopped.
    assert wait_until(lambda: len(run.servers()) >= 3, 120), run.output.text()

    os.kill(run.popen.pid, signal.SIGKILL)

    assert_everything_stopped(run)


def test_closing_the_terminal_of_make_shell_stops_the_shell_and_the_action_server(launcher,
                                                                                 model):
    run = Launcher(model, "--shell")
    launcher.append(run)
    run.wait_for(SHELL_STARTING, timeout=180)
    assert wait_until(lambda: len(run.servers()) >= 2, 30)  # action server and rasa shell

    os.killpg(run.popen.pid, signal.SIGHUP)  # what a terminal does to its foreground job

    assert_everything_stopped(run)
