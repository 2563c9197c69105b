"""Every setting of the reports store, read from the environment (no I/O here).

``REPORTS_DB_URL``: where reports live. ``sqlite:///path/to/reports.db`` (the default is
``build/reports.db`` in the project) or ``postgresql://user:password@host:5432/db`` for the
scale-out deployment. ``REPORTS_RETENTION_DAYS``: how long a report is kept (default 365).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "build" / "reports.db"
DEFAULT_RETENTION_DAYS = 365


def database_url() -> str:
    """The store's URL: ``REPORTS_DB_URL`` or the SQLite file ``build/reports.db``."""
    return os.environ.get("REPORTS_DB_URL") or f"sqlite:///{DEFAULT_DB}"


def retention_days() -> int:
    """Days a report is kept: ``REPORTS_RETENTION_DAYS`` (a positive whole number) or 365."""
    raw = os.environ.get("REPORTS_RETENTION_DAYS", "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"REPORTS_RETENTION_DAYS must be a positive number of days, not {raw!r}")
    return int(raw)
