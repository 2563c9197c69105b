"""The verdict headline file: every risk level in both languages, or a clear error."""

from pathlib import Path

import pytest

from scamcheck import RiskLevel
from scamcheck.knowledge import KnowledgeError
from scamcheck.verdict import headline, headlines, load_headlines


def test_every_risk_level_has_a_headline_in_both_languages():
    assert set(headlines()) == set(RiskLevel)
    assert all(wording["en"] and wording["zh"] for wording in headlines().values())


def test_unknown_language_falls_back_to_english():
    assert headline(RiskLevel.HIGH, "fr") == headlines()[RiskLevel.HIGH]["en"]
    assert headline(RiskLevel.HIGH, None) == headline(RiskLevel.HIGH, "en")


def test_a_missing_translation_is_a_clear_error(tmp_path: Path):
    (tmp_path / "verdict.yaml").write_text(
        "headline:\n  high: {en: High, zh: 高}\n  medium: {en: Medium, zh: 中}\n  low: {en: Low}\n",
        encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'low' needs both languages"):
        load_headlines(tmp_path)
