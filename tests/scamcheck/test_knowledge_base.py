"""The knowledge base validates, cites its sources, and builds into searchable SQLite."""

import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from scamcheck.knowledge import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from scamcheck.quoted_numbers import untraced_faq_numbers, untraced_text_numbers
from scamcheck.store import build, ensure_built, read_knowledge, stored_digest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def kb_dir(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def _edit(directory: Path, name: str, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_shipped_knowledge_base_is_valid():
    kb = load_knowledge()
    assert len(kb.patterns) >= 15 and len(kb.red_flags) >= 40


def test_a_pattern_without_a_source_is_refused(kb_dir):
    _edit(kb_dir, "patterns.yaml", lambda d: d["patterns"][0].update(sources=[]))
    with pytest.raises(KnowledgeError, match="has no source"):
        load_knowledge(kb_dir)


def test_a_duplicate_id_is_refused(kb_dir):
    _edit(kb_dir, "red_flags.yaml", lambda d: d["red_flags"].append(dict(d["red_flags"][0])))
    with pytest.raises(KnowledgeError, match="duplicate id 'upfront_fee'"):
        load_knowledge(kb_dir)


def test_a_red_flag_without_chinese_is_refused(kb_dir):
    _edit(kb_dir, "red_flags.yaml", lambda d: d["red_flags"][0]["label"].pop("zh"))
    with pytest.raises(KnowledgeError, match="both languages"):
        load_knowledge(kb_dir)


def test_an_unknown_source_or_concept_is_refused(kb_dir):
    _edit(kb_dir, "advice.yaml", lambda d: d["steps"][0].update(sources=["made_up"]))
    with pytest.raises(KnowledgeError, match="unknown source 'made_up'"):
        load_knowledge(kb_dir)


def test_every_number_an_faq_answer_quotes_is_a_hotline_or_stated_by_its_cited_source():
    assert untraced_faq_numbers(ROOT / "domain" / "faq.yml", load_knowledge()) == []


def test_every_number_the_bot_texts_quote_is_a_sourced_hotline():
    assert untraced_text_numbers(ROOT / "actions" / "texts.yml", load_knowledge()) == []


def test_a_number_no_cited_source_states_is_reported(tmp_path):
    faq = tmp_path / "faq.yml"
    faq.write_text(
        "responses:\n"
        "  # https://example.org/no-such-source\n"
        "  utter_faq/x:\n"
        "  - text: Call 95188 or 110, about 360 IOU, since 2025.\n", encoding="utf-8")
    assert untraced_faq_numbers(faq, load_knowledge()) == ["utter_faq/x: 95188"]


def test_every_phone_number_in_advice_is_listed_with_a_source():
    kb = load_knowledge()
    for step in kb.advice:
        for phone in step.get("phones", []):
            assert phone in step["text"]["en"] and phone in step["text"]["zh"]
            assert step["sources"]


def test_unconfirmed_platform_numbers_never_appear():
    text = "".join((KNOWLEDGE_DIR / name).read_text(encoding="utf-8") for name in
                   ("advice.yaml", "patterns.yaml", "red_flags.yaml"))
    for unconfirmed in ("95118", "95745", "95055", "95786", "10107888", "400 622 7186"):
        assert unconfirmed not in text


def test_build_writes_searchable_tables():
    db = sqlite_utils.Database(memory=True)
    build(db, load_knowledge())
    assert {"patterns", "red_flags", "triggers", "sources", "advice", "hotlines"} <= set(
        db.table_names())
    hits = list(db["triggers"].search("解冻费"))
    assert any(row["concept"] == "fee" for row in hits)
    assert db["pattern_flags"].count > 0


def test_database_is_rebuilt_only_when_the_source_changes(kb_dir, tmp_path):
    db_path = tmp_path / "kb.db"
    assert ensure_built(db_path, kb_dir) is True
    assert ensure_built(db_path, kb_dir) is False
    first = stored_digest(db_path)
    _edit(kb_dir, "patterns.yaml", lambda d: d["patterns"][0]["name"].update(en="Changed name"))
    assert ensure_built(db_path, kb_dir) is True
    assert stored_digest(db_path) != first
    assert read_knowledge(db_path).patterns[0]["name"]["en"] == "Changed name"
