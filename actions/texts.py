"""The action server's own wording (``texts.yml``), looked up by key and language.

The verdict headlines (``verdict_low``, ``verdict_medium``, ``verdict_high``) come from
``knowledge/verdict.yaml`` through :mod:`scamcheck.verdict`, the wording ``scam-check`` prints too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from scamcheck.verdict import headlines

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yml"
LANGUAGES = ("en", "zh")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Any]:
    """All texts, read once per process."""
    texts = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    texts.update({f"verdict_{risk.value}": dict(wording) for risk, wording in headlines().items()})
    return texts


def say(key: str, language: str | None, **values: Any) -> str:
    """The text ``key`` in ``language`` (English when unknown), with ``values`` filled in."""
    entry = catalogue()[key]
    text = entry[language if language in LANGUAGES else "en"]
    return text.format(**values) if values else text


def label(kind: str, value: str | None, language: str | None) -> str | None:
    """Display name of a canonical value (``label("platform", "jd_finance", "zh")`` -> 京东金融)."""
    names = catalogue()["labels"].get(kind, {}).get(value)
    if not names:
        return None
    return names[language if language in LANGUAGES else "en"]
