"""The quiz bank, case stories and tips: validation, the SQLite build, and drawing a quiz."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from scamcheck.awareness import (
    COMMON_SCRIPTS,
    QUIZ_SIZE,
    build_awareness,
    draw_quiz,
    ensure_awareness_built,
    load_awareness,
    read_awareness,
)
from scamcheck.knowledge import KNOWLEDGE_DIR, KnowledgeError


@pytest.fixture(scope="module")
def awareness():
    return load_awareness()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of knowledge/ that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def edit(directory: Path, name: str, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_bank_has_at_least_20_items_in_each_language(awareness):
    for lang in ("en", "zh"):
        assert sum(1 for item in awareness.quiz if item.text[lang] and item.explain[lang]) >= 20


def test_every_scam_item_names_a_pattern_and_legitimate_ones_do_not(awareness):
    assert {i.answer for i in awareness.quiz} == {"scam", "legit"}
    for item in awareness.quiz:
        assert (item.pattern is not None) == (item.answer == "scam"), item.id


def test_case_stories_include_the_xingning_case_with_both_amounts(awareness):
    story = next(s for s in awareness.stories if s.id == "xingning_fake_360_iou")
    assert "9,000" in story.paid["en"] and "120,000" in story.paid["en"]
    assert "9000" in story.paid["zh"] and "12万" in story.paid["zh"]
    assert "xingning_police_2021" in story.sources


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("quiz.yaml", lambda d: d["items"][0].pop("sources"), "has no source"),
        ("quiz.yaml", lambda d: d["items"][0]["text"].pop("zh"), "both languages"),
        ("quiz.yaml", lambda d: d["items"][0]["explain"].update(en=""), "both languages"),
        ("quiz.yaml", lambda d: d["items"][0].update(sources=["nowhere"]), "unknown source"),
        ("quiz.yaml", lambda d: d["items"][0].update(pattern="no_such_pattern"), "pattern id"),
        ("quiz.yaml", lambda d: d["items"][1].update(id=d["items"][0]["id"]), "duplicate id"),
        ("case_stories.yaml", lambda d: d["stories"][0].pop("sources"), "has no source"),
        ("case_stories.yaml", lambda d: d["stories"][0]["paid"].pop("en"), "both languages"),
        ("tips.yaml", lambda d: d["tips"][0]["text"].pop("zh"), "both languages"),
        ("tips.yaml", lambda d: d["tips"][0].update(sources=[]), "has no source"),
    ],
)
def test_validation_fails_with_a_clear_message(knowledge_copy, name, change, message):
    edit(knowledge_copy, name, change)
    with pytest.raises(KnowledgeError, match=message):
        load_awareness(knowledge_copy)


def test_validation_fails_when_no_quiz_can_show_every_common_script(knowledge_copy):
    edit(knowledge_copy, "quiz.yaml", lambda d: d.update(
        items=[i for i in d["items"] if "fake_app" not in (i.get("themes") or [])]))
    with pytest.raises(KnowledgeError, match="shows all of"):
        load_awareness(knowledge_copy)


def test_build_writes_tables_that_read_back_the_same(awareness, tmp_path):
    db = sqlite_utils.Database(tmp_path / "kb.db")
    build_awareness(db, awareness)
    db.conn.close()
    again = read_awareness(tmp_path / "kb.db")
    assert again.quiz == awareness.quiz
    assert again.stories == awareness.stories
    assert again.tips == awareness.tips
    assert again.habit == awareness.habit


def test_the_build_runs_only_when_an_awareness_file_changed(knowledge_copy, tmp_path):
    path = tmp_path / "kb.db"
    assert ensure_awareness_built(path, knowledge_copy) is True
    assert ensure_awareness_built(path, knowledge_copy) is False
    edit(knowledge_copy, "tips.yaml", lambda d: d["tips"][0]["text"].update(en="Changed."))
    assert ensure_awareness_built(path, knowledge_copy) is True
    assert read_awareness(path).tips[0].text["en"] == "Changed."


@pytest.mark.parametrize("seed", range(30))
def test_every_quiz_shows_the_five_common_scripts_and_a_legitimate_case(awareness, seed):
    items = draw_quiz(awareness.quiz, random.Random(seed))
    assert len(items) == QUIZ_SIZE == len({i.id for i in items})
    assert sum(i.answer == "legit" for i in items) == 1
    shown = {theme for item in items for theme in item.themes}
    assert set(COMMON_SCRIPTS) <= shown
