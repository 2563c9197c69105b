"""PostgreSQL, Redis and nginx for the scale-out deployment, run by the project itself.

Each service runs in the foreground as a child of the launcher (never as a system daemon), with
its data under ``build/scale/`` and its log in ``build/scale/logs/``. When the launcher runs as
root, PostgreSQL drops to the ``postgres`` user (it refuses to run as root; its directory must
be reachable by that user, as ``build/`` is) and nginx's worker runs as ``www-data``. Everything
listens on 127.0.0.1 only. Passwords are generated once and kept in ``build/scale/secrets.json`` (mode 0600).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tooling.paths import ROOT
from tooling.processes import ManagedProcess, base_env, http_ok, set_parent_death_signal, tail

DEPLOY = ROOT / "deploy"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DEBIAN_PACKAGES = ("postgresql", "redis-server", "nginx")
DB_NAME = "rasa"
DB_USER = "rasa"


class ServiceError(RuntimeError):
    """A service could not be set up or started; the message says why and where the log is."""


class StoreUnavailable(ServiceError):
    """PostgreSQL or Redis is not installed or could not be started on this machine."""


def missing_programs() -> list[str]:
    """The Debian packages whose programs are not installed (empty when all are)."""
    wanted = {"postgresql": PG_BIN / "postgres", "redis-server": Path("/usr/bin/redis-server"),
              "nginx": Path("/usr/sbin/nginx")}
    return [package for package, program in wanted.items()
            if not program.exists() and shutil.which(program.name) is None]


def program(name: str) -> str:
    """Full path of a service program (PostgreSQL's are not on PATH on Debian)."""
    candidate = PG_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        raise ServiceError(f"{name} is not installed: run `make scale-deps`.")
    return found


@dataclass(frozen=True)
class Account:
    """The operating-system user a service runs as (None: the launcher's own user)."""

    name: str | None

    @classmethod
    def for_service(cls, user: str) -> Account:
        """``user`` when running as root (and it exists), else the current user."""
        if os.geteuid() != 0:
            return cls(None)
        try:
            pwd.getpwnam(user)
        except KeyError:
            return cls(None)
        return cls(user)

    def own(self, *paths: Path) -> None:
        """Give ``paths`` to this account (no-op for the current user)."""
        if self.name is None:
            return
        entry = pwd.getpwnam(self.name)
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def preexec(self) -> Callable[[], None] | None:
        """Drop to this account in the child, after fork and before exec."""
        if self.name is None:
            return None
        entry = pwd.getpwnam(self.name)

        def drop() -> None:
            os.setgid(entry.pw_gid)
            os.initgroups(entry.pw_name, entry.pw_gid)
            os.setuid(entry.pw_uid)

        return drop

    def run(self, command: list[str], log: Path, cwd: Path) -> None:
        """Run a set-up command as this account; raise ServiceError with its output if it fails."""
        with log.open("ab") as out:
            done = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT, preexec_fn=self.preexec(),
                                  env=base_env({"LC_ALL": "C.UTF-8"}), check=False)
        if done.returncode != 0:
            raise ServiceError(f"{command[0]} failed. Last lines of {log}:\n{tail(log)}")


def load_secrets(path: Path) -> dict[str, str]:
    """The deployment's passwords, generated on first use and kept readable by the owner only."""
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    values = {"db_password": secrets.token_urlsafe(24), "redis_password": secrets.token_urlsafe(24)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(values, out)
    return values


def read_settings(path: Path) -> list[str]:
    """``name = value`` lines of a PostgreSQL settings file, as ``-c name=value`` arguments."""
    args: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, value = (part.strip() for part in line.split("=", 1))
            args += ["-c", f"{name}={value.strip(chr(39))}"]
    return args


def spawn(name: str, command: list[str], log_dir: Path, health: str,
          account: Account = Account(None), cwd: Path = ROOT,
          stop_signal: signal.Signals = signal.SIGTERM,
          env: dict[str, str] | None = None) -> ManagedProcess:
    """Start one service in its own process group, its output in ``log_dir/<name>.log``."""
    log_path = log_dir / f"{name}.log"
    log_file = log_path.open("ab")
    drop = account.preexec()

    def prepare() -> None:
        set_parent_death_signal()
        if drop is not None:
            drop()

    popen = subprocess.Popen(command, cwd=cwd, env=base_env({"LC_ALL": "C.UTF-8", **(env or {})}),
                             stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                             start_new_session=True, preexec_fn=prepare)
    return ManagedProcess(name, popen, log_path, health, log_file, stop_signal=stop_signal)


def wait_for(process: ManagedProcess, ready: Callable[[], bool], timeout: float) -> None:
    """Wait until ``ready()``; raise ServiceError if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while not ready():
        if not process.running():
            raise ServiceError(f"{process.name} stopped while starting. Last lines of "
                               f"{process.log_path}:\n{tail(process.log_path)}")
        if time.monotonic() > deadline:
            raise ServiceError(f"{process.name} did not start within {timeout:.0f} s "
                               f"(log: {process.log_path})")
        time.sleep(0.3)


class Postgres:
    """A PostgreSQL cluster in ``<home>/data`` serving the ``rasa`` database on 127.0.0.1."""

    def __init__(self, home: Path, port: int, password: str, log_dir: Path) -> None:
        self.home = home
        self.port = port
        self.password = password
        self.log_dir = log_dir
        self.data = home / "data"
        self.sockets = home / "run"
        self.account = Account.for_service("postgres")

    def _initialise(self) -> None:
        log = self.log_dir / "postgres-setup.log"
        self.home.mkdir(parents=True, exist_ok=True)
        self.sockets.mkdir(mode=0o700, exist_ok=True)
        self.account.own(self.home, self.sockets)
        if (self.data / "PG_VERSION").exists():
            return
        pwfile = self.home / "superuser.pw"
        pwfile.write_text(secrets.token_urlsafe(24), encoding="utf-8")
        pwfile.chmod(0o600)
        self.account.own(pwfile)
        try:
            # Local socket: trust (the socket directory is 0700, its owner only); TCP: password.
            self.account.run([program("initdb"), "-D", str(self.data), "-U", "postgres",
                              f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8",
                              "--auth-local=trust", "--auth-host=scram-sha-256"], log, self.home)
        finally:
            pwfile.unlink(missing_ok=True)

    def _psql(self, sql: str) -> None:
        self.account.run([program("psql"), "-h", str(self.sockets), "-p", str(self.port),
                          "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                          "-q", "-c", sql], self.log_dir / "postgres-setup.log", self.home)

    def _ready(self) -> bool:
        done = subprocess.run([program("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port),
                               "-q"], check=False)
        return done.returncode == 0

    def start(self, timeout: float = 60.0) -> ManagedProcess:
        """Create the cluster if needed, start it, and make sure the role and database exist."""
        self._initialise()
        command = [program("postgres"), "-D", str(self.data), "-p", str(self.port),
                   "-c", f"unix_socket_directories={self.sockets}",
                   *read_settings(DEPLOY / "postgresql.conf")]
        # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect.
        process = spawn("postgres", command, self.log_dir, "", self.account, cwd=self.home,
                        stop_signal=signal.SIGINT)
        try:
            wait_for(process, self._ready, timeout)
            literal = self.password.replace("'", "''")
            self._psql(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                       f"'{DB_USER}') THEN CREATE ROLE {DB_USER} LOGIN; END IF; END$$; "
                       f"ALTER ROLE {DB_USER} PASSWORD '{literal}';")
            exists = subprocess.run(
                [program("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", DB_USER,
                 "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'"],
                capture_output=True, text=True, check=False,
                env=base_env({"PGPASSWORD": self.password}),
            ).stdout.strip()
            if exists != "1":
                self._psql(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}")
        except BaseException:
            process.stop()
            raise
        return process


class Redis:
    """A Redis server with a password, on 127.0.0.1 only, keeping nothing on disk."""

    def __init__(self, home: Path, port: int, password: str, log_dir: Path) -> None:
        self.home = home
        self.port = port
        self.password = password
        self.log_dir = log_dir
        self.account = Account(None)

    def _config(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        self.account.own(self.home)
        path = self.home / "redis.conf"
        path.write_text(f"include {DEPLOY / 'redis.conf'}\nport {self.port}\ndir {self.home}\n"
                        f"requirepass {self.password}\n", encoding="utf-8")
        path.chmod(0o600)
        self.account.own(path)
        return path

    def _ready(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, password=self.password,
                                    socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self, timeout: float = 30.0) -> ManagedProcess:
        """Start Redis and wait until it answers PING."""
        process = spawn("redis", [program("redis-server"), str(self._config())], self.log_dir, "",
                        self.account, cwd=self.home)
        try:
            wait_for(process, self._ready, timeout)
        except BaseException:
            process.stop()
            raise
        return process


class Nginx:
    """nginx rendered from deploy/nginx.conf.template into ``<home>/nginx.conf``."""

    def __init__(self, home: Path, public_port: int, actions_port: int, rasa_ports: list[int],
                 action_ports: list[int], webchat_port: int, log_dir: Path) -> None:
        self.home = home
        self.public_port = public_port
        self.actions_port = actions_port
        self.rasa_ports = rasa_ports
        self.action_ports = action_ports
        self.webchat_port = webchat_port
        self.log_dir = log_dir

    def render(self) -> str:
        """The nginx configuration for these ports."""
        def servers(ports: list[int]) -> str:
            # max_fails=1 fail_timeout=5s: a dead replica is skipped for 5 s, then tried again.
            return "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
                             for port in ports)

        user = "user www-data;" if Account.for_service("www-data").name else ""
        values = {
            "user_directive": user, "prefix": str(self.home),
            "rasa_servers": servers(self.rasa_ports), "action_servers": servers(self.action_ports),
            "webchat_server": f"127.0.0.1:{self.webchat_port}",
            "public_port": str(self.public_port), "actions_port": str(self.actions_port),
        }
        text = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    def _write_checked(self) -> Path:
        conf = self.home / "nginx.conf"
        conf.write_text(self.render(), encoding="utf-8")
        check = subprocess.run([program("nginx"), "-t", "-p", str(self.home), "-c", str(conf)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise ServiceError(f"nginx configuration rejected:\n{check.stderr}")
        return conf

    def reload(self, process: ManagedProcess, rasa_ports: list[int]) -> None:
        """Send traffic to ``rasa_ports`` only, without dropping connections (SIGHUP reload)."""
        self.rasa_ports = rasa_ports
        self._write_checked()
        process.popen.send_signal(signal.SIGHUP)
        time.sleep(1.0)  # new workers take over; old ones finish their requests

    def start(self, timeout: float = 20.0) -> ManagedProcess:
        """Write the configuration, check it with ``nginx -t``, start nginx and wait for it."""
        temp = self.home / "tmp"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (temp / sub).mkdir(parents=True, exist_ok=True)
            Account.for_service("www-data").own(temp / sub)
        conf = self._write_checked()
        health = f"http://127.0.0.1:{self.public_port}/lb-health"
        process = spawn("nginx", [program("nginx"), "-p", str(self.home), "-c", str(conf)],
                        self.log_dir, health, cwd=self.home)
        try:
            wait_for(process, lambda: http_ok(health), timeout)
        except BaseException:
            process.stop()
            raise
        return process
