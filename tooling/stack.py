"""The assistant's three servers started and stopped together: action server, Rasa, web chat.

Used by ``scripts/run_all.py`` (``make run``) and by the tests that need real servers::

    from tooling.ports import TEST_PORTS
    from tooling.stack import Stack, StackConfig

    with Stack(StackConfig(model=path, ports=TEST_PORTS, tracker_db=tmp / "tracker.db")) as s:
        print(s.urls.web)

``stop()`` stops every server at once (see :func:`tooling.processes.stop_all`). With
``die_with_parent`` each server also gets SIGTERM from the kernel if the launcher itself is killed.
Rasa gets a generated endpoints file whose action URL matches the chosen action-server port;
everything else (tracker store, lock store, ...) is copied from ``endpoints.yml``, except the
SQLite tracker database when ``tracker_db`` is given (tests use a temporary one).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tooling.paths import BIN, ROOT
from tooling.ports import RUN_PORTS, Ports, port_is_free
from tooling.processes import (
    ManagedProcess,
    StackError,
    base_env,
    set_parent_death_signal,
    stop_all,
    wait_until_healthy,
)


@dataclass(frozen=True)
class Urls:
    """Where each server answers."""

    actions: str
    rasa: str
    web: str

    @property
    def rest(self) -> str:
        """Rasa's REST channel webhook."""
        return f"{self.rasa}/webhooks/rest/webhook"

    @property
    def wechat(self) -> str:
        """The WeChat channel webhook (served only when configured)."""
        return f"{self.rasa}/webhooks/wechat/webhook"


@dataclass
class StackConfig:
    """What to start and where.

    Attributes:
        model: the trained model archive Rasa loads.
        ports: action server, Rasa and web chat ports.
        host: interface every server binds to (loopback by default).
        public_host: host name the browser uses to reach Rasa and the page.
        endpoints: the endpoints.yml to copy settings from.
        credentials: the credentials.yml with the channels to serve.
        tracker_db: if set, a SQLite tracker store at this path replaces endpoints.yml's.
        log_dir: where each process writes its log.
        web: whether to start the web chat server.
        rasa: whether to start Rasa (``--shell`` runs Rasa itself in the foreground).
        startup_timeout: seconds to wait for all servers to answer.
        project: directory the action server and Rasa run in (holds ``actions/``).
        extra_env: environment variables added for every server.
        die_with_parent: ask the kernel to send each server SIGTERM when the process that
            started it dies, even by SIGKILL (Linux; used by ``make run``).
        stop_grace: seconds each server gets to exit after SIGTERM before SIGKILL.

    """

    model: Path
    ports: Ports = RUN_PORTS
    host: str = "127.0.0.1"
    public_host: str = "localhost"
    endpoints: Path = ROOT / "endpoints.yml"
    credentials: Path = ROOT / "credentials.yml"
    tracker_db: Path | None = None
    log_dir: Path = ROOT / "build" / "logs"
    web: bool = True
    rasa: bool = True
    startup_timeout: float = 300.0
    project: Path = ROOT
    extra_env: dict[str, str] = field(default_factory=dict)
    die_with_parent: bool = False
    stop_grace: float = 6.0

    @property
    def urls(self) -> Urls:
        """Public URLs of the servers."""
        return Urls(
            actions=f"http://{self.host}:{self.ports.actions}",
            rasa=f"http://{self.public_host}:{self.ports.rasa}",
            web=f"http://{self.public_host}:{self.ports.web}",
        )

    @property
    def cors_origins(self) -> list[str]:
        """The exact origins allowed to call Rasa from a browser: the web chat page only."""
        hosts = dict.fromkeys([self.public_host, "localhost", "127.0.0.1"])
        return [f"http://{h}:{self.ports.web}" for h in hosts]


def write_endpoints(source: Path, action_url: str, dest: Path,
                    tracker_db: Path | None = None) -> Path:
    """Write `dest`: `source`'s endpoints with the action URL (and tracker db) replaced."""
    settings: dict[str, Any] = {}
    if source.exists():
        settings = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    settings["action_endpoint"] = {**(settings.get("action_endpoint") or {}), "url": action_url}
    if tracker_db is not None:
        settings["tracker_store"] = {"type": "SQL", "dialect": "sqlite", "db": str(tracker_db)}
    dest.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return dest


class Stack:
    """The action server, Rasa and the web chat server, started and stopped together."""

    def __init__(self, config: StackConfig) -> None:
        """Prepare (not start) the servers described by `config`."""
        self.config = config
        self.processes: list[ManagedProcess] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="stack-")
        self.endpoints_path = write_endpoints(
            config.endpoints, f"{config.urls.actions}/webhook",
            Path(self._tmp.name) / "endpoints.yml", config.tracker_db,
        )

    @property
    def urls(self) -> Urls:
        """Public URLs of the servers."""
        return self.config.urls

    # -- commands ----------------------------------------------------------------------
    def actions_command(self) -> list[str]:
        """The action server command."""
        return [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                "-p", str(self.config.ports.actions)]

    def rasa_command(self) -> list[str]:
        """The Rasa server command (no HTTP API; CORS only for the web chat's origins)."""
        c = self.config
        return [str(BIN / "rasa"), "run", "--model", str(c.model),
                "--credentials", str(c.credentials), "--endpoints", str(self.endpoints_path),
                "--interface", c.host, "--port", str(c.ports.rasa),
                "--cors", *c.cors_origins]

    def shell_command(self) -> list[str]:
        """``rasa shell`` against the same model and action server."""
        c = self.config
        return [str(BIN / "rasa"), "shell", "--model", str(c.model),
                "--endpoints", str(self.endpoints_path),
                "--interface", c.host, "--port", str(c.ports.rasa)]

    def web_command(self) -> list[str]:
        """The web chat server command."""
        c = self.config
        return [sys.executable, "-m", "webchat.server", "--host", c.host,
                "--port", str(c.ports.web), "--rasa-url", c.urls.rasa]

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> Stack:
        """Start every configured server and wait until each answers; raise StackError if not."""
        c = self.config
        if c.rasa and not Path(c.model).exists():
            raise StackError(f"No model at {c.model}: train one with `make train`.")
        wanted = [("actions", c.ports.actions)]
        wanted += [("rasa", c.ports.rasa)] if c.rasa else []
        wanted += [("web chat", c.ports.web)] if c.web else []
        busy = [f"{name} port {port}" for name, port in wanted if not port_is_free(port, c.host)]
        if busy:
            raise StackError("Already in use: " + ", ".join(busy)
                             + ". Is another copy running? Stop it first.")
        c.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in self._names():
                self._spawn(name, *self._recipe(name))
            self._wait_until_healthy(self.processes)
        except BaseException:
            self.stop()
            raise
        return self

    def _names(self) -> list[str]:
        c = self.config
        return ["actions"] + (["rasa"] if c.rasa else []) + (["webchat"] if c.web else [])

    def _recipe(self, name: str) -> tuple[list[str], str, dict[str, str] | None]:
        """Command, health URL and extra environment of one server."""
        c = self.config
        if name == "actions":
            return self.actions_command(), f"{c.urls.actions}/health", {"SANIC_HOST": c.host}
        if name == "rasa":
            # Rasa loads the model before it answers anything, so "/" answering means ready.
            return self.rasa_command(), f"http://{c.host}:{c.ports.rasa}/", None
        return self.web_command(), f"http://{c.host}:{c.ports.web}/healthz", None

    def _spawn(self, name: str, command: list[str], health_url: str,
               env: dict[str, str] | None = None, log_name: str | None = None) -> None:
        log_path = self.config.log_dir / (log_name or f"{name}.log")
        log_file = log_path.open("wb")
        cwd = ROOT if name == "webchat" else self.config.project
        # PYTHONPATH: `channels` and `webchat` come from this project whatever the cwd.
        extra = {"PYTHONPATH": str(ROOT), **self.config.extra_env, **(env or {})}
        popen = subprocess.Popen(
            command, cwd=cwd, env=base_env(extra),
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=set_parent_death_signal if self.config.die_with_parent else None,
        )
        self.processes.append(ManagedProcess(name, popen, log_path, health_url, log_file))

    def _wait_until_healthy(self, processes: list[ManagedProcess]) -> None:
        wait_until_healthy(processes, self.config.startup_timeout, self.config.log_dir)

    def process(self, name: str) -> ManagedProcess:
        """The running process called `name` ("actions", "rasa" or "webchat")."""
        return next(p for p in self.processes if p.name == name)

    def stop_process(self, name: str) -> None:
        """Stop one server (tests use it to drop the browser's connection)."""
        process = self.process(name)
        process.stop(self.config.stop_grace)
        self.processes.remove(process)

    def start_process(self, name: str) -> None:
        """Start one stopped server again and wait until it answers."""
        self._spawn(name, *self._recipe(name), log_name=f"{name}.restarted.log")
        self._wait_until_healthy([self.processes[-1]])

    def stop(self) -> None:
        """Stop every server started here, all at once (see :func:`stop_all`)."""
        stop_all(list(reversed(self.processes)), self.config.stop_grace)
        self.processes.clear()

    def close(self) -> None:
        """Stop everything and remove the generated endpoints file."""
        self.stop()
        self._tmp.cleanup()

    def __enter__(self) -> Stack:
        """Start the stack."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the stack."""
        self.close()
