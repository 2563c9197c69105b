"""What one report holds, built from the facts of a case: coarse, canonical and free of free text.

Every field except the identifiers is a canonical token (``jd_finance``, ``unfreezing_fee``,
``phone_call``, an amount range, an hour); anything else the conversation put in a slot (the
user's own words) becomes ``other`` or is dropped, so no name or number can slip in through
them. Identifiers come from ``reports.identifiers`` only.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .buckets import UNKNOWN, amount_bucket, hour_of
from .identifiers import Identifier

OTHER = "other"
_TOKEN = re.compile(r"[a-z0-9][a-z0-9_]{1,39}")
_DIGITS = re.compile(r"\d{4,}")
# Crockford base32 without I, L, O, U: easy to read out on the phone to the police.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PREFIX = "R-"


@dataclass(frozen=True)
class CaseFacts:
    """The facts of one case as the conversation collected them (canonical values or None)."""

    risk_level: str
    region: str | None = None
    contact_channel: str | None = None
    platform: str | None = None
    fee_types: list[str] = field(default_factory=list)
    amount_asked: float | None = None
    money_sent: str | None = None
    amount_sent: float | None = None
    red_flags: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """One stored report (see docs/reports.md for the columns)."""

    reference: str
    reported_hour: str
    risk_level: str
    region: str | None
    contact_channel: str | None
    platform: str | None
    fee_types: list[str]
    amount_asked: str
    money_sent: str
    money_lost: str
    red_flags: list[str]
    patterns: list[str]
    identifiers: list[Identifier]

    def row(self) -> dict[str, Any]:
        """The ``reports`` table row (lists stay lists; the store serialises them)."""
        data = asdict(self)
        del data["identifiers"]
        return data


def token(value: Any) -> str | None:
    """A canonical value, ``other`` for anything else that was given, None for nothing."""
    if value in (None, "", UNKNOWN, "none"):
        return None
    text = str(value)
    return text if _TOKEN.fullmatch(text) and not _DIGITS.search(text) else OTHER


def tokens(values: list[Any] | None) -> list[str]:
    """Canonical values of a list, de-duplicated and sorted."""
    kept = {token(v) for v in values or []}
    return sorted(v for v in kept if v)


def new_reference() -> str:
    """A short random reference number for the user ("R-7K3M9Q")."""
    return REFERENCE_PREFIX + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def build_report(
    case: CaseFacts, identifiers: list[Identifier], now: datetime, reference: str | None = None
) -> Report:
    """The report for ``case`` filed at ``now``, with the scammer's ``identifiers``."""
    money_sent = case.money_sent if case.money_sent in ("yes", "no") else UNKNOWN
    if money_sent == "yes":
        lost = amount_bucket(case.amount_sent)
    else:
        lost = "0" if money_sent == "no" else UNKNOWN
    return Report(
        reference=reference or new_reference(),
        reported_hour=hour_of(now),
        risk_level=token(case.risk_level) or UNKNOWN,
        region=token(case.region),
        contact_channel=token(case.contact_channel),
        platform=token(case.platform),
        fee_types=tokens(case.fee_types),
        amount_asked=amount_bucket(case.amount_asked),
        money_sent=money_sent,
        money_lost=lost,
        red_flags=tokens(case.red_flags),
        patterns=tokens(case.patterns),
        identifiers=sorted(set(identifiers)),
    )
