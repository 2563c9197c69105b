"""The verdict headline per risk level and language (``knowledge/verdict.yaml``).

One wording for the chatbot and the ``scam-check`` command.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .knowledge import KNOWLEDGE_DIR, LANGUAGES, KnowledgeError, read_mapping
from .models import RiskLevel

VERDICT_FILE = "verdict.yaml"


def load_headlines(directory: Path = KNOWLEDGE_DIR) -> dict[RiskLevel, dict[str, str]]:
    """Every headline, checked for all risk levels in both languages."""
    raw = read_mapping(directory, VERDICT_FILE).get("headline")
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{VERDICT_FILE}: needs a 'headline' mapping")
    wording: dict[RiskLevel, dict[str, str]] = {}
    for risk in RiskLevel:
        entry = raw.get(risk.value)
        if not isinstance(entry, dict) or any(not str(entry.get(lang) or "").strip() for lang in LANGUAGES):
            raise KnowledgeError(f"{VERDICT_FILE}: headline '{risk.value}' needs both languages (en and zh)")
        wording[risk] = {lang: str(entry[lang]).strip() for lang in LANGUAGES}
    return wording


@lru_cache(maxsize=1)
def headlines() -> dict[RiskLevel, dict[str, str]]:
    """The headlines of ``knowledge/``, read once per process."""
    return load_headlines()


def headline(risk: RiskLevel, language: str | None) -> str:
    """The risk in plain words, in ``language`` (English when unknown)."""
    return headlines()[RiskLevel(risk)][language if language in LANGUAGES else "en"]
