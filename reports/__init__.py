"""Anonymous case reports: what users agree to share about a scam, for the police and analysts.

Pure Python (sqlite-utils, or PostgreSQL through SQLAlchemy); never imports rasa or rasa_sdk::

    from reports import CaseFacts, extract_identifiers, file_report, get_store
    reference = file_report(CaseFacts(risk_level="high", fee_types=["unfreezing_fee"]),
                            extract_identifiers("their number is 13800138000"))
    get_store().lookup("138 0013 8000").to_dict()
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from .identifiers import Identifier, extract_identifiers
from .record import CaseFacts, Report, build_report
from .store import LookupResult, ReportStore

__all__ = [
    "CaseFacts", "Identifier", "LookupResult", "Report", "ReportStore", "build_report",
    "extract_identifiers", "file_report", "get_store",
]


@lru_cache(maxsize=1)
def get_store() -> ReportStore:
    """The process's store (``REPORTS_DB_URL``), opened once; expired reports are deleted first."""
    store = ReportStore()
    store.purge()
    return store


def file_report(
    case: CaseFacts, identifiers: list[Identifier], now: datetime | None = None,
    store: ReportStore | None = None,
) -> str:
    """Builds and stores the report for ``case``; returns the reference number for the user."""
    report = build_report(case, identifiers, now or datetime.now(timezone.utc))
    return (store or get_store()).add(report)
