"""Redaction of personal data before anything is written outside the tracker.

Phone numbers, bank card numbers, Chinese resident ID numbers, e-mail addresses and names
introduced by common phrases ("my name is ...", "我叫...") become placeholders.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
    # Chinese resident ID: 17 digits + digit or X.
    (re.compile(r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?!\d)"), "[ID]"),
    # Bank cards: 13-19 digits, optionally grouped by spaces or dashes.
    (re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)"), "[CARD]"),
    # Phone numbers: optional +country code, 7-15 digits with separators.
    (re.compile(r"(?<![\w])(?:\+|00)?\d[\d ()-]{5,16}\d(?!\d)"), "[PHONE]"),
]
_NAME_EN = re.compile(
    r"\b(my name is|i am called|i'm called|this is|name:)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
_NAME_ZH = re.compile(r"(我叫|我的名字是|我是|姓名[:：]?)([\u4e00-\u9fff]{2,3})(?=[，。,. ]|$)")


def redact(text: str) -> str:
    """Replace phone, card and ID numbers, e-mail addresses and self-introduced names."""
    if not text:
        return text
    out = _NAME_EN.sub(lambda m: f"{m.group(1)} [NAME]", text)
    out = _NAME_ZH.sub(lambda m: f"{m.group(1)}[NAME]", out)
    for pattern, placeholder in _RULES:
        out = pattern.sub(placeholder, out)
    return out
