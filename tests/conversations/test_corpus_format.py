"""The conversation corpus is well formed, big and mixed enough; the validator catches mistakes.

Fast: no servers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.run_conversations import load_corpus, validate_files

CORPUS = Path(__file__).parent
DEV, HELDOUT = CORPUS / "dev", CORPUS / "heldout"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*/*.yml")), ids=lambda p: p.name)
def test_every_corpus_file_validates(path: Path) -> None:
    assert validate_files([path]) == []


def test_conversation_ids_are_unique_across_dev_and_held_out() -> None:
    assert validate_files([DEV, HELDOUT]) == []


def test_the_corpus_is_big_and_mixed_enough() -> None:
    conversations = load_corpus([DEV, HELDOUT])
    langs = [c.lang for c in conversations]
    assert len(conversations) >= 63
    assert 0.4 <= langs.count("en") / len(langs) <= 0.6
    assert langs.count("zh-Hant") >= 5 and langs.count("mixed") >= 4
    legitimate = sum(c.expect.risk == ("low",) for c in conversations)
    assert 0.1 <= legitimate / len(conversations) <= 0.2


def test_about_a_third_is_held_out_with_every_language_in_both_parts() -> None:
    dev, held = load_corpus([DEV]), load_corpus([HELDOUT])
    assert 0.28 <= len(held) / (len(dev) + len(held)) <= 0.38
    assert {c.lang for c in dev} == {c.lang for c in held} == {"en", "zh", "zh-Hant", "mixed"}


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "corpus.yml"
    path.write_text("version: 1\nconversations:\n" + body, encoding="utf-8")
    return path


GOOD = """- id: en-one
  source: https://example.org/notice
  lang: en
  # summary: a one-line summary
  turns:
  - they want a fee
  - "no"
  expect:
    risk: high
    advice: [stop_do_not_pay]
"""


def test_a_well_formed_file_validates(tmp_path: Path) -> None:
    assert validate_files([write(tmp_path, GOOD)]) == []


@pytest.mark.parametrize("change, complaint", [
    (("- \"no\"", "- no"), "quote no/yes"),
    (("[stop_do_not_pay]", "[stop_paying_now]"), "unknown advice ids"),
    (("source: https://example.org/notice", "source: a police notice"), "source must be the URL"),
    (("lang: en", "lang: fr"), "lang must be one of"),
    (("risk: high", "risk: severe"), "expect.risk"),
    (("  # summary: a one-line summary\n", ""), "lack a `# summary:` comment"),
])
def test_the_validator_names_each_problem(tmp_path: Path, change: tuple[str, str],
                                          complaint: str) -> None:
    problems = validate_files([write(tmp_path, GOOD.replace(*change))])
    assert any(complaint in p for p in problems), problems


def test_the_validator_rejects_a_duplicate_id(tmp_path: Path) -> None:
    problems = validate_files([write(tmp_path, GOOD + GOOD)])
    assert any("id also used" in p for p in problems)
