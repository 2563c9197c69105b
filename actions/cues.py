"""Small, pure readers of the user's words that the NLU model does not cover.

* whether the user says money was already sent ("I already paid 2000", "还没转钱");
* the amount written in a message ("2,000 yuan", "3万");
* which of two values a correction means ("it was 360 IOU, not JD" -> 360 IOU).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_MONEY_EN = r"(money|cash|yuan|rmb|cny|dollars?|pounds?|usd|gbp|sgd|fee|deposit|payment|them|\d)"
_PAID_EN = re.compile(
    r"\b(i|we|i've|we've|i have|we have|i had|already)\s+(already\s+|just\s+)?"
    r"(paid|sent|transferred|wired|gave)\b[^.!?\n]{0,40}?" + _MONEY_EN
    + r"|\b(i|we)\s+did\s+(pay|send|transfer|wire)\b",
    re.IGNORECASE,
)
_NOT_PAID_EN = re.compile(
    r"\b(haven'?t|have not|hasn'?t|didn'?t|did not|not yet|never|won'?t|will not)\s+"
    r"(yet\s+)?(paid|sent|transferred|wired|pay|send|transfer)\b"
    r"|\b(nothing|no money)\s+(paid|sent|transferred)\b"
    r"|\bnot\s+(paid|sent|transferred)\b",
    re.IGNORECASE,
)
_PAID_ZH = re.compile(
    r"(已经|已|我)(给他们|给对方|给他)?(转|付|交|汇|打)(了|过|账了|款了)"
    r"|(转|付|交|汇|打)(了|过)\s*[\d一二两三四五六七八九十百千万]"
    r"|被骗了?\s*[\d一二两三四五六七八九十百千万]"
)
_NOT_PAID_ZH = re.compile(r"(还没|没有|没|未|还未)(有)?(转|付|交|汇|打)(钱|款|账|过)?")

_AMOUNT = re.compile(
    r"(?:[¥$£￥]|rmb|cny|usd|sgd|gbp)?\s?\d[\d,]*(?:\.\d+)?\s?"
    r"(?:万|千|元|块钱|块|yuan|rmb|dollars?|pounds?|k\b)?",
    re.IGNORECASE,
)
_NEGATION_BEFORE = re.compile(
    r"(\bnot|n't|\bnever|\binstead of|\brather than|不是|并非|而非|没|而不是)\W{0,3}$",
    re.IGNORECASE,
)


def money_sent_cue(text: str) -> str | None:
    """``"yes"`` or ``"no"`` when the text clearly says whether money was sent, else None."""
    if not text or text.startswith("/"):
        return None
    if _NOT_PAID_EN.search(text) or _NOT_PAID_ZH.search(text):
        return "no"
    if _PAID_EN.search(text) or _PAID_ZH.search(text):
        return "yes"
    return None


def amount_in(text: str) -> str | None:
    """The first money amount written in ``text`` (as written, trimmed), or None."""
    if not text or text.startswith("/"):
        return None
    for match in _AMOUNT.finditer(text):
        written = match.group().strip()
        digits = re.sub(r"\D", "", written)
        # A bare 1-2 digit number is more likely a date or a count than an amount.
        if len(digits) >= 3 or written != digits:
            return written
    return None


def amount_value(written: str | None) -> float | None:
    """``"2,000 yuan"`` -> 2000.0, ``"3万"`` -> 30000.0, ``"5k"`` -> 5000.0; None if no number."""
    if not written:
        return None
    match = re.search(r"\d[\d,]*(?:\.\d+)?", written)
    if not match:
        return None
    value = float(match.group().replace(",", ""))
    rest = written[match.end():].strip().lower()
    if rest.startswith("万"):
        value *= 10_000
    elif rest.startswith("千") or rest.startswith("k"):
        value *= 1_000
    return value


def corrected_value(text: str, entities: Iterable[dict]) -> str | None:
    """The value a correction means: the last entity that is not negated ("not JD", "不是京东")."""
    candidates = [e for e in entities if e.get("value") is not None]
    if not candidates:
        return None
    kept = [
        e for e in candidates
        if not _NEGATION_BEFORE.search(text[: int(e.get("start", 0) or 0)])
    ]
    chosen = (kept or candidates)[-1]
    return str(chosen["value"])
