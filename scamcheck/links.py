"""Which links in a message are unknown, and which imitate a brand they do not belong to.

A link whose host is an official domain of the knowledge base (``official_domain``), or a
sub-domain of one, is known; any other link, and every short link, is *unknown*. A host that
names a brand (``brand_word``, also with digits for letters: "amaz0n") without being under one
of the official domains is a *look-alike* ("royalmail-redeliver.com", "paypal.com.verify.info").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_HOST = re.compile(r"(?:https?\s?:?\s?/+\s?)?(?:www\.)?((?:[\w-]+\.)+[a-z]{2,})", re.IGNORECASE)
_LOOKS = str.maketrans("0134578", "oleasbt")
SOURCES = ("link", "short_link")


class LinkReader:
    """Classifies link hits against the knowledge base's official domains and brand words."""

    def __init__(self, official_domains: Iterable[str], brand_words: Iterable[str]) -> None:
        self.official = {d.lower().strip(".") for d in official_domains}
        self.brands = {b.lower() for b in brand_words if b}

    def host(self, link: str) -> str | None:
        """The host of ``link`` in lower case, without ``www.`` (None if it has none)."""
        m = _HOST.search(link.lower())
        return m.group(1).strip(".") if m else None

    def is_official(self, host: str) -> bool:
        """Whether ``host`` is an official domain or one of its sub-domains."""
        return any(host == d or host.endswith("." + d) for d in self.official)

    def imitates_brand(self, host: str) -> bool:
        """Whether a non-official ``host`` uses a brand name in one of its labels."""
        if self.is_official(host):
            return False
        labels = [label.translate(_LOOKS) for label in re.split(r"[.-]", host)[:-1]]
        for label in labels:
            for brand in self.brands:
                if label == brand or (len(brand) >= 4 and label.startswith(brand)):
                    return True
        return False

    def read(self, hits: Sequence) -> list:
        """Hits of ``unknown_link`` and ``lookalike_link`` derived from the link hits."""
        from .matcher import Hit  # local import: matcher imports this module

        out, seen = [], set()
        for hit in hits:
            if hit.concept not in SOURCES or hit.negated:
                continue
            host = self.host(hit.text) or ""
            if (hit.start, host) in seen:
                continue
            seen.add((hit.start, host))
            if hit.concept == "link" and host and self.is_official(host):
                continue
            out.append(Hit("unknown_link", hit.start, hit.end, hit.text, False))
            if hit.concept == "link" and host and self.imitates_brand(host):
                out.append(Hit("lookalike_link", hit.start, hit.end, hit.text, False))
        return out
