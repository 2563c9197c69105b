"""The only module that knows the reports tables: filing, lookup and retention.

SQLite through sqlite-utils by default (``build/reports.db``, WAL mode, so several action-server
processes can write at once; each report is one ``BEGIN IMMEDIATE`` transaction), or PostgreSQL
through SQLAlchemy when ``REPORTS_DB_URL`` is a ``postgresql://`` URL. Both hold the same two
tables (docs/reports.md):

- ``reports``: one row per report; list columns hold JSON arrays of canonical ids.
- ``identifiers``: the scammer's identifiers, one row per (report, kind, value).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from . import settings
from .buckets import hour_of
from .identifiers import lookup_values
from .record import Report, new_reference

LIST_COLUMNS = ("fee_types", "red_flags", "patterns")
REPORT_COLUMNS: dict[str, type] = {
    "reference": str, "reported_hour": str, "risk_level": str, "region": str,
    "contact_channel": str, "platform": str, "fee_types": str, "amount_asked": str,
    "money_sent": str, "money_lost": str, "red_flags": str, "patterns": str,
}
IDENTIFIER_COLUMNS: dict[str, type] = {
    "report_reference": str, "kind": str, "value": str, "reported_hour": str,
}
_POSTGRES_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS reports ("
    + ", ".join(f"{name} TEXT" + (" PRIMARY KEY" if name == "reference" else "")
                for name in REPORT_COLUMNS) + ")",
    "CREATE TABLE IF NOT EXISTS identifiers (report_reference TEXT NOT NULL REFERENCES "
    "reports(reference) ON DELETE CASCADE, kind TEXT NOT NULL, value TEXT NOT NULL, "
    "reported_hour TEXT NOT NULL, PRIMARY KEY (report_reference, kind, value))",
    "CREATE INDEX IF NOT EXISTS identifiers_value ON identifiers (value)",
    "CREATE INDEX IF NOT EXISTS reports_reported_hour ON reports (reported_hour)",
)


@dataclass(frozen=True)
class LookupResult:
    """How often a value was reported (``scam-check --lookup``'s JSON object)."""

    value: str
    reports: int
    first_seen: str | None
    last_seen: str | None
    patterns: list[str]

    def to_dict(self) -> dict[str, Any]:
        """``{"value", "reports", "first_seen", "last_seen", "patterns"}``."""
        return {
            "value": self.value, "reports": self.reports, "first_seen": self.first_seen,
            "last_seen": self.last_seen, "patterns": self.patterns,
        }


class _Backend(Protocol):
    def transaction(self) -> Any: ...
    def insert(self, table: str, row: dict[str, Any]) -> None: ...
    def query(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...
    def execute(self, sql: str, params: dict[str, Any]) -> int: ...
    def close(self) -> None: ...


class DuplicateReference(Exception):
    """A reference number already in use (drawn again)."""


class _SqliteBackend:
    """sqlite-utils on one connection, WAL mode, waiting up to 30 s for another writer."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=30, check_same_thread=False))
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.enable_wal()
        self.db.execute("PRAGMA foreign_keys = ON")
        with self.transaction():
            self.db["reports"].create(REPORT_COLUMNS, pk="reference", not_null={"reported_hour"},
                                      if_not_exists=True)
            self.db["identifiers"].create(
                IDENTIFIER_COLUMNS, pk=("report_reference", "kind", "value"),
                foreign_keys=[("report_reference", "reports", "reference")], if_not_exists=True,
            )
            self.db["identifiers"].create_index(["value"], if_not_exists=True)
            self.db["reports"].create_index(["reported_hour"], if_not_exists=True)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads first
        # cannot wait for another writer in WAL mode (SQLITE_BUSY_SNAPSHOT).
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.conn.rollback()
            raise
        self.db.conn.commit()

    def insert(self, table: str, row: dict[str, Any]) -> None:
        try:
            self.db[table].insert(row)
        except sqlite3.IntegrityError as exc:
            raise DuplicateReference(str(exc)) from exc

    def query(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def execute(self, sql: str, params: dict[str, Any]) -> int:
        return self.db.execute(sql, params).rowcount

    def close(self) -> None:
        self.db.close()


class _PostgresBackend:
    """The same tables in PostgreSQL (SQLAlchemy Core, psycopg2)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy

        self._sa = sqlalchemy
        self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True, future=True)
        self._conn: Any = None
        # DDL (even "IF NOT EXISTS") locks the tables and can deadlock with other processes'
        # inserts, so it only runs when something is missing, by one process at a time.
        exists = "SELECT to_regclass('identifiers_value') IS NOT NULL AND " \
                 "to_regclass('reports_reported_hour') IS NOT NULL"
        with self.engine.begin() as conn:
            if not conn.execute(sqlalchemy.text(exists)).scalar():
                conn.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(1151)"))
                for statement in _POSTGRES_SCHEMA:
                    conn.execute(sqlalchemy.text(statement))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.engine.begin() as conn:
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    def _run(self, sql: str, params: dict[str, Any]) -> Any:
        statement = self._sa.text(sql)
        if self._conn is not None:
            return self._conn.execute(statement, params)
        with self.engine.begin() as conn:
            result = conn.execute(statement, params)
            return result.mappings().all() if result.returns_rows else result.rowcount

    def insert(self, table: str, row: dict[str, Any]) -> None:
        columns = ", ".join(row)
        values = ", ".join(f":{name}" for name in row)
        encoded = {k: json.dumps(v) if isinstance(v, list) else v for k, v in row.items()}
        try:
            self._run(f"INSERT INTO {table} ({columns}) VALUES ({values})", encoded)
        except self._sa.exc.IntegrityError as exc:
            raise DuplicateReference(str(exc)) from exc

    def query(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        result = self._run(sql, params)
        rows = result if isinstance(result, list) else result.mappings().all()
        return [dict(row) for row in rows]

    def execute(self, sql: str, params: dict[str, Any]) -> int:
        result = self._run(sql, params)
        return result if isinstance(result, int) else result.rowcount

    def close(self) -> None:
        self.engine.dispose()


class ReportStore:
    """Files reports, looks identifiers up and deletes reports past the retention period."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or settings.database_url()
        if self.url.startswith("sqlite:///"):
            self._backend: _Backend = _SqliteBackend(Path(self.url.removeprefix("sqlite:///")))
        elif self.url.startswith(("postgresql://", "postgresql+psycopg2://", "postgres://")):
            self._backend = _PostgresBackend(self.url.replace("postgres://", "postgresql://", 1))
        else:
            raise ValueError("REPORTS_DB_URL must start with sqlite:/// or postgresql://")

    def add(self, report: Report) -> str:
        """Stores ``report`` and its identifiers in one transaction; returns its reference."""
        for attempt in range(5):
            reference = report.reference if attempt == 0 else new_reference()
            row = {**report.row(), "reference": reference}
            try:
                with self._backend.transaction():
                    self._backend.insert("reports", row)
                    for identifier in report.identifiers:
                        self._backend.insert("identifiers", {
                            "report_reference": reference, "kind": identifier.kind,
                            "value": identifier.value, "reported_hour": report.reported_hour,
                        })
                return reference
            except DuplicateReference:
                continue
        raise RuntimeError("Could not draw a free reference number")

    def lookup(self, value: str) -> LookupResult:
        """Reports naming ``value`` (normalised like the stored identifiers)."""
        values = lookup_values(value)
        shown = values[0] if values else value.strip()
        if not values:
            return LookupResult(shown, 0, None, None, [])
        marks = ", ".join(f":v{i}" for i in range(len(values)))
        rows = self._backend.query(
            "SELECT DISTINCT r.reference, r.reported_hour, r.patterns FROM identifiers i "
            f"JOIN reports r ON r.reference = i.report_reference WHERE i.value IN ({marks})",
            {f"v{i}": v for i, v in enumerate(values)},
        )
        if not rows:
            return LookupResult(shown, 0, None, None, [])
        hours = sorted(row["reported_hour"] for row in rows)
        counts = Counter(p for row in rows for p in json.loads(row["patterns"] or "[]"))
        patterns = [p for p, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
        return LookupResult(shown, len(rows), hours[0], hours[-1], patterns)

    def purge(self, days: int | None = None, now: datetime | None = None) -> int:
        """Deletes reports older than ``days`` (the retention setting); returns how many."""
        days = settings.retention_days() if days is None else days
        cutoff = hour_of((now or datetime.now(timezone.utc)) - timedelta(days=days))
        with self._backend.transaction():
            self._backend.execute(
                "DELETE FROM identifiers WHERE report_reference IN "
                "(SELECT reference FROM reports WHERE reported_hour < :cutoff)", {"cutoff": cutoff})
            return self._backend.execute(
                "DELETE FROM reports WHERE reported_hour < :cutoff", {"cutoff": cutoff})

    def reports(self) -> list[dict[str, Any]]:
        """Every report row, lists decoded, oldest first."""
        rows = self._backend.query("SELECT * FROM reports ORDER BY reported_hour, reference", {})
        for row in rows:
            for column in LIST_COLUMNS:
                row[column] = json.loads(row[column] or "[]")
        return rows

    def identifiers(self) -> list[dict[str, Any]]:
        """Every identifier row."""
        return self._backend.query(
            "SELECT * FROM identifiers ORDER BY report_reference, kind, value", {})

    def close(self) -> None:
        """Closes the connection."""
        self._backend.close()
