"""Coarse values that keep a report useful without pinpointing a person: hours and amount ranges.

Amounts are in the currency the user spoke of (mostly yuan); the ranges are the same for all.
"""

from __future__ import annotations

from datetime import datetime, timezone

# (upper bound, exclusive) -> label; anything at or above the last bound is "100k+".
AMOUNT_BUCKETS: tuple[tuple[float, str], ...] = (
    (1, "0"),
    (1_000, "1-999"),
    (5_000, "1k-5k"),
    (10_000, "5k-10k"),
    (50_000, "10k-50k"),
    (100_000, "50k-100k"),
)
TOP_BUCKET = "100k+"
UNKNOWN = "unknown"
BUCKET_LABELS = (*(label for _, label in AMOUNT_BUCKETS), TOP_BUCKET, UNKNOWN)


def amount_bucket(amount: float | None) -> str:
    """The range ``amount`` falls in ("1k-5k"), or "unknown" when no amount was given."""
    if amount is None or amount < 0:
        return UNKNOWN
    for bound, label in AMOUNT_BUCKETS:
        if amount < bound:
            return label
    return TOP_BUCKET


def hour_of(moment: datetime) -> str:
    """``moment`` rounded down to the hour, in UTC, as ISO 8601 ("2026-12-02T10:00:00Z")."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    hour = moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return hour.strftime("%Y-%m-%dT%H:00:00Z")
