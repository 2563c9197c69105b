"""The scale-out deployment on this machine (``make scale``): PostgreSQL, Redis, nginx, N replicas.

    python scripts/scale.py deps                      # apt-get install postgresql redis-server nginx
    python scripts/scale.py up --replicas 2 --actions 2

``up`` starts, all on 127.0.0.1 and all stopped together on Ctrl-C, SIGTERM or SIGHUP:

* PostgreSQL (SQL tracker store, database ``rasa``) and Redis (lock store in db 1, WeChat
  de-dup claims and access token in db 2), both with generated passwords;
* M action servers and N ``rasa run`` replicas reading deploy/endpoints.yml;
* the web chat server, and nginx in front: round robin for REST and WeChat, sticky sessions for
  socket.io, and a second nginx port the replicas use to reach the action servers.

Ports (run / tests) are listed in :data:`RUN_PORTS` and docs/scaling.md. Data and logs live in
``build/scale/``. The model is trained first if needed (``tooling/model.py``).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tooling.model import ensure_model  # noqa: E402
from tooling.paths import BIN  # noqa: E402
from tooling.ports import port_is_free  # noqa: E402
from tooling.processes import ManagedProcess, StackError, stop_all, tail, wait_until_healthy  # noqa: E402
from tooling.services import (  # noqa: E402
    DB_NAME,
    DB_USER,
    DEBIAN_PACKAGES,
    Nginx,
    Postgres,
    Redis,
    ServiceError,
    StoreUnavailable,
    load_secrets,
    missing_programs,
    spawn,
)

MAX_REPLICAS = 4
MAX_ACTION_SERVERS = 3


@dataclass(frozen=True)
class ScalePorts:
    """Where everything listens: nginx (public and for actions), web chat, replicas, stores."""

    public: int
    actions_lb: int
    web: int
    first_replica: int
    first_action_server: int
    postgres: int
    redis: int

    def replicas(self, count: int) -> list[int]:
        """Ports of ``count`` Rasa replicas."""
        return [self.first_replica + i for i in range(count)]

    def action_servers(self, count: int) -> list[int]:
        """Ports of ``count`` action servers."""
        return [self.first_action_server + i for i in range(count)]


RUN_PORTS = ScalePorts(public=8000, actions_lb=8003, web=8002, first_replica=5101,
                       first_action_server=5151, postgres=5433, redis=6380)
TEST_PORTS = ScalePorts(public=15150, actions_lb=15151, web=15152, first_replica=15153,
                        first_action_server=15157, postgres=15432, redis=16379)


@dataclass
class ScaleConfig:
    """What to start: how many replicas and action servers, where, and with which model."""

    model: Path
    replicas: int = 2
    action_servers: int = 2
    ports: ScalePorts = RUN_PORTS
    home: Path = ROOT / "build" / "scale"
    credentials: Path = ROOT / "credentials.yml"
    endpoints: Path = ROOT / "deploy" / "endpoints.yml"
    web: bool = True
    startup_timeout: float = 600.0
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        """The one URL users and WeChat talk to (nginx)."""
        return f"http://127.0.0.1:{self.ports.public}"

    @property
    def log_dir(self) -> Path:
        """Where every process writes its log."""
        return self.home / "logs"


class Deployment:
    """PostgreSQL, Redis, action servers, Rasa replicas, web chat and nginx, started together."""

    def __init__(self, config: ScaleConfig) -> None:
        """Prepare (not start) the deployment described by ``config``."""
        if not 1 <= config.replicas <= MAX_REPLICAS:
            raise ValueError(f"replicas must be 1-{MAX_REPLICAS}")
        if not 1 <= config.action_servers <= MAX_ACTION_SERVERS:
            raise ValueError(f"action servers must be 1-{MAX_ACTION_SERVERS}")
        self.config = config
        self.secrets = load_secrets(config.home / "secrets.json")
        self.services: list[ManagedProcess] = []   # postgres, redis
        self.servers: list[ManagedProcess] = []    # action servers, web chat, nginx
        self.replicas: dict[int, ManagedProcess] = {}
        self.nginx: Nginx | None = None

    # -- settings shared by every replica ------------------------------------------------------
    def replica_env(self) -> dict[str, str]:
        """Environment for deploy/endpoints.yml and the WeChat stores."""
        p = self.config.ports
        return {
            "PYTHONPATH": str(ROOT),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{p.actions_lb}/webhook",
            "DB_HOST": "127.0.0.1", "DB_PORT": str(p.postgres), "DB_NAME": DB_NAME,
            "DB_USER": DB_USER, "DB_PASSWORD": self.secrets["db_password"],
            "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(p.redis),
            "REDIS_PASSWORD": self.secrets["redis_password"],
            "WECHAT_REDIS_URL": self.redis_url(db=2),
            "SQL_POOL_SIZE": "10",
            **self.config.extra_env,
        }

    def redis_url(self, db: int) -> str:
        """``redis://`` URL of the deployment's Redis."""
        return f"redis://:{self.secrets['redis_password']}@127.0.0.1:{self.config.ports.redis}/{db}"

    def db_dsn(self) -> str:
        """libpq connection string of the tracker database (for tests and reports)."""
        p = self.config.ports
        return (f"host=127.0.0.1 port={p.postgres} dbname={DB_NAME} user={DB_USER} "
                f"password={self.secrets['db_password']}")

    def replica_url(self, index: int) -> str:
        """Base URL of replica ``index`` (0-based), bypassing nginx."""
        return f"http://127.0.0.1:{self.config.ports.first_replica + index}"

    # -- lifecycle -------------------------------------------------------------------------------
    def _check_ports(self) -> None:
        c = self.config
        p = c.ports
        wanted = [p.public, p.actions_lb, p.postgres, p.redis, *p.replicas(c.replicas),
                  *p.action_servers(c.action_servers)] + ([p.web] if c.web else [])
        busy = [port for port in wanted if not port_is_free(port)]
        if busy:
            raise ServiceError(f"Already in use: ports {busy}. Is another deployment running?")

    def start(self) -> Deployment:
        """Start everything and wait until each part answers; raise ServiceError if not."""
        c = self.config
        if not c.model.exists():
            raise ServiceError(f"No model at {c.model}: train one with `make train`.")
        missing = missing_programs()
        if missing:
            raise StoreUnavailable(f"Not installed: {', '.join(missing)} "
                                   "(run `make scale-deps`).")
        self._check_ports()
        c.log_dir.mkdir(parents=True, exist_ok=True)
        p = c.ports
        try:
            self._start_stores()
            for index, port in enumerate(p.action_servers(c.action_servers)):
                self.servers.append(spawn(
                    f"actions-{index + 1}",
                    [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(port)],
                    c.log_dir, f"http://127.0.0.1:{port}/health",
                    env={"SANIC_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)}))
            if c.web:
                self.servers.append(spawn(
                    "webchat", [sys.executable, "-m", "webchat.server", "--host", "127.0.0.1",
                                "--port", str(p.web), "--rasa-url", c.public_url],
                    c.log_dir, f"http://127.0.0.1:{p.web}/healthz"))
            self.nginx = Nginx(c.home / "nginx", p.public, p.actions_lb, p.replicas(c.replicas),
                               p.action_servers(c.action_servers), p.web, c.log_dir)
            self.servers.append(self.nginx.start())
            for index in range(c.replicas):
                self._spawn_replica(index)
            self._wait_until_healthy([*self.servers, *self.replicas.values()])
        except BaseException:
            self.stop()
            raise
        return self

    def _start_stores(self) -> None:
        c = self.config
        try:
            self.services.append(Redis(c.home / "redis", c.ports.redis,
                                       self.secrets["redis_password"], c.log_dir).start())
            self.services.append(Postgres(c.home / "postgres", c.ports.postgres,
                                          self.secrets["db_password"], c.log_dir).start())
        except ServiceError as error:
            raise StoreUnavailable(str(error)) from error

    def _spawn_replica(self, index: int, log_suffix: str = "") -> ManagedProcess:
        c = self.config
        port = c.ports.first_replica + index
        command = [str(BIN / "rasa"), "run", "--model", str(c.model),
                   "--credentials", str(c.credentials), "--endpoints", str(c.endpoints),
                   "--interface", "127.0.0.1", "--port", str(port), "--cors", c.public_url]
        process = spawn(f"rasa-{index + 1}{log_suffix}", command, c.log_dir,
                        f"http://127.0.0.1:{port}/", env=self.replica_env())
        self.replicas[index] = process
        return process

    def _wait_until_healthy(self, processes: list[ManagedProcess]) -> None:
        try:
            wait_until_healthy(processes, self.config.startup_timeout, self.config.log_dir)
        except StackError as error:
            raise ServiceError(str(error)) from error

    def kill_replica(self, index: int) -> None:
        """SIGKILL replica ``index``, as a crash or an OOM kill would (tests use it)."""
        process = self.replicas.pop(index)
        process.signal_group(signal.SIGKILL)
        process.popen.wait(timeout=10)
        process.close_log()

    def restart_replica(self, index: int, wait: bool = True) -> ManagedProcess:
        """Start replica ``index`` again (after :meth:`kill_replica`).

        Call it from the main thread: servers are started with a parent-death signal, which
        Linux ties to the *thread* that started them, so a replica started from a worker thread
        would be stopped when that thread ends. Wait for it with :meth:`wait_until_healthy`.
        """
        process = self._spawn_replica(index, log_suffix=".restarted")
        if wait:
            self._wait_until_healthy([process])
        return process

    def wait_until_healthy(self, process: ManagedProcess) -> None:
        """Block until ``process`` answers (safe to call from a worker thread)."""
        self._wait_until_healthy([process])

    def route_to(self, count: int) -> None:
        """Let nginx send REST, WeChat and socket.io traffic to the first ``count`` replicas."""
        if self.nginx is None:
            raise ServiceError("nginx is not running")
        front = next(p for p in self.servers if p.name == "nginx")
        self.nginx.reload(front, self.config.ports.replicas(count))

    def all_processes(self) -> list[ManagedProcess]:
        """Every running part, front first."""
        return [*reversed(self.servers), *self.replicas.values(), *self.services]

    def stop(self) -> None:
        """Stop the front and the replicas first, then the stores (so nothing is cut mid-write)."""
        stop_all([*reversed(self.servers), *self.replicas.values()])
        stop_all(list(reversed(self.services)), grace=10.0)
        self.servers.clear()
        self.replicas.clear()
        self.services.clear()

    def __enter__(self) -> Deployment:
        """Start the deployment."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the deployment."""
        self.stop()

    def banner(self) -> str:
        """What to tell the person who ran `make scale`."""
        c = self.config
        p = c.ports
        return "\n".join([
            "",
            f"The scale-out deployment is running: {c.replicas} Rasa replicas, "
            f"{c.action_servers} action servers.",
            f"  Web chat:     {c.public_url}/",
            f"  REST:         curl -s {c.public_url}/webhooks/rest/webhook "
            "-d '{\"sender\": \"me\", \"message\": \"hello\"}'",
            f"  WeChat:       {c.public_url}/webhooks/wechat/webhook (when WECHAT_TOKEN is set)",
            f"  Replicas:     {', '.join(str(x) for x in p.replicas(c.replicas))}; action "
            f"servers {', '.join(str(x) for x in p.action_servers(c.action_servers))} "
            f"(behind nginx :{p.actions_lb})",
            f"  PostgreSQL:   127.0.0.1:{p.postgres} (database {DB_NAME}); Redis 127.0.0.1:{p.redis}"
            f"; passwords in {(c.home / 'secrets.json').relative_to(ROOT)}",
            f"  Logs:         {c.log_dir.relative_to(ROOT)}/",
            "Press Ctrl-C to stop everything.",
            "",
        ])


def install_debian_packages() -> int:
    """``apt-get install -y`` PostgreSQL, Redis and nginx when one is missing (needs root)."""
    missing = missing_programs()
    if not missing:
        print("PostgreSQL, Redis and nginx are installed.")
        return 0
    print(f"Installing Debian packages: {' '.join(DEBIAN_PACKAGES)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", *DEBIAN_PACKAGES]):
        if subprocess.run(command, env=env, check=False).returncode != 0:
            print(f"`{' '.join(command)}` failed (root is needed).", file=sys.stderr)
            return 1
    return 0


class StopRequested(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP: stop the deployment."""


def _stop(signum: int, frame: FrameType | None) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # a second signal must not cut the shutdown short
    raise StopRequested


def serve(config: ScaleConfig) -> int:
    """Start the deployment, report where it is, and run until stopped."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    deployment = Deployment(config)
    try:
        print(f"Starting PostgreSQL, Redis, nginx and {config.replicas} replicas (each loads "
              "the model)…", flush=True)
        deployment.start()
        print(deployment.banner(), flush=True)
        while True:
            for process in deployment.all_processes():
                if not process.running():
                    print(f"{process.name} stopped unexpectedly. Last lines of "
                          f"{process.log_path}:\n{tail(process.log_path)}", file=sys.stderr)
                    return 1
            time.sleep(1)
    except ServiceError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        deployment.stop()
        print("Stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description="The scale-out deployment on this machine.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("deps", help="install PostgreSQL, Redis and nginx from Debian packages")
    up = sub.add_parser("up", help="start everything; Ctrl-C stops it")
    up.add_argument("--replicas", type=int, default=2, help=f"Rasa replicas (1-{MAX_REPLICAS})")
    up.add_argument("--actions", type=int, default=2,
                    help=f"action servers (1-{MAX_ACTION_SERVERS})")
    up.add_argument("--model", type=Path, help="model to load (default: train if needed)")
    args = parser.parse_args(argv)
    if args.command == "deps":
        return install_debian_packages()
    model = args.model or ensure_model()
    return serve(ScaleConfig(model=model, replicas=args.replicas, action_servers=args.actions))


if __name__ == "__main__":
    sys.exit(main())
