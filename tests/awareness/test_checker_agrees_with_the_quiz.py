"""The quiz never teaches what the checker contradicts: the checker agrees with every answer key."""

from __future__ import annotations

import pytest

from scamcheck import RiskLevel, check
from scamcheck.awareness import load_awareness

ITEMS = load_awareness().quiz


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_the_checker_agrees_with_the_answer_key(item, lang):
    assessment = check(item.text[lang], language=lang)
    found = [p.id for p in assessment.patterns]
    if item.answer == "legit":
        assert assessment.risk is RiskLevel.LOW, [f.id for f in assessment.red_flags]
    else:
        assert assessment.risk is not RiskLevel.LOW, [f.id for f in assessment.red_flags]
        assert item.pattern in found, found
