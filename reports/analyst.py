"""``python -m reports.analyst``: the analyst view, Datasette on the reports database.

Read-only: Datasette opens a database it did not create in read-only mode (``mode=ro``), no
installed plugin writes, and downloading the whole file is switched off. Every request needs
HTTP Basic credentials (datasette-auth-passwords, user ``analyst``): set ``ANALYST_PASSWORD``
(hashed here with PBKDF2) or ``ANALYST_PASSWORD_HASH`` (``datasette hash-password``).
``DATASETTE_SECRET`` signs Datasette's cookies (a random one per start when unset).
Canned queries, the dashboard (datasette-dashboards) and the column descriptions live in
``analyst/metadata.yml``::

    ANALYST_PASSWORD=... python -m reports.analyst --port 8001
    python -m reports.analyst --print-command     # the command line, without starting it
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from . import settings
from .store import ReportStore

METADATA = settings.ROOT / "analyst" / "metadata.yml"
DEFAULT_PORT = 8001
# Fewer rounds than the plugin's default (480,000): with Basic auth every request checks the
# password, and the hash never leaves this process's environment.
HASH_ITERATIONS = 100_000


class AnalystSetupError(RuntimeError):
    """The analyst view cannot start; the message says what to set."""


def database_path(url: str | None = None) -> Path:
    """The SQLite file behind ``REPORTS_DB_URL`` (Datasette reads SQLite only)."""
    url = url or settings.database_url()
    if not url.startswith("sqlite:///"):
        raise AnalystSetupError(
            "The analyst view reads SQLite: point REPORTS_DB_URL at a sqlite:/// file "
            "(export PostgreSQL reports to SQLite first)."
        )
    return Path(url.removeprefix("sqlite:///"))


def datasette_command(port: int = DEFAULT_PORT, host: str = "127.0.0.1",
                      db_path: Path | None = None) -> list[str]:
    """The Datasette command line for the reports database."""
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path or database_path()),
        "--metadata", str(METADATA), "--host", host, "--port", str(port),
        "--setting", "allow_download", "off",
        "--setting", "default_cache_ttl", "0",
        "--setting", "sql_time_limit_ms", "3000",
    ]


def datasette_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Datasette needs: the analyst's password hash and a cookie secret."""
    env = dict(os.environ if environ is None else environ)
    if not env.get("ANALYST_PASSWORD_HASH"):
        password = env.pop("ANALYST_PASSWORD", "")
        if not password:
            raise AnalystSetupError(
                "Set ANALYST_PASSWORD (or ANALYST_PASSWORD_HASH): the reports are not public."
            )
        from datasette_auth_passwords.utils import hash_password

        env["ANALYST_PASSWORD_HASH"] = hash_password(password, iterations=HASH_ITERATIONS)
    env.pop("ANALYST_PASSWORD", None)
    env.setdefault("DATASETTE_SECRET", secrets.token_hex(32))
    return env


def main(argv: list[str] | None = None) -> int:
    """Starts Datasette in place of this process (or prints its command line)."""
    parser = argparse.ArgumentParser(prog="python -m reports.analyst", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: loopback only)")
    parser.add_argument("--print-command", action="store_true", help="print the command and exit")
    args = parser.parse_args(argv)
    try:
        db = database_path()
        command = datasette_command(args.port, args.host, db)
        if args.print_command:
            print(" ".join(command))
            return 0
        env = datasette_env()
    except AnalystSetupError as exc:
        print(exc, file=sys.stderr)
        return 2
    ReportStore(f"sqlite:///{db}").close()  # creates the file and tables if nothing was filed yet
    os.execve(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
