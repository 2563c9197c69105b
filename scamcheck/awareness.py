"""Public-awareness material: the quiz, real case stories and tips, as sourced data.

``knowledge/quiz.yaml``, ``knowledge/case_stories.yaml`` and ``knowledge/tips.yaml`` are
validated like the rest of the knowledge base (both languages, a known source for each entry,
valid pattern ids) and built into their own tables of the same SQLite file: ``quiz_items``,
``quiz_habit``, ``case_stories`` and ``tips``, with their digest in ``meta``
(``awareness_digest``). Also draws a quiz that covers the common loan-scam scripts.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlite_utils

from .knowledge import KNOWLEDGE_DIR, LANGUAGES, KnowledgeError, read_mapping, source_digest
from .store import default_db, ensure_built

FILES = ("quiz.yaml", "case_stories.yaml", "tips.yaml")
# Files the awareness entries are checked against (their ids must exist there).
REFERENCED = ("sources.yaml", "patterns.yaml")
ANSWERS = ("scam", "legit")
CHOICES = ("scam", "legit", "unsure")
# The five most common loan-scam scripts; every quiz shows all of them and one legitimate case.
COMMON_SCRIPTS = ("upfront_fee", "unfreezing_fee", "flow_transfer", "screen_or_code", "fake_app")
LEGIT = "legit"
THEMES = (*COMMON_SCRIPTS, LEGIT)
QUIZ_SIZE = 5
DIGEST_KEY = "awareness_digest"
TABLES = ("quiz_items", "quiz_habit", "case_stories", "tips")

Text = dict[str, str]


@dataclass(frozen=True)
class QuizItem:
    """One quiz question: a message or situation and its answer key."""

    id: str
    answer: str
    pattern: str | None
    themes: tuple[str, ...]
    text: Text
    explain: Text
    sources: tuple[str, ...]

    def is_correct(self, choice: str) -> bool:
        """Whether ``choice`` ("scam", "legit" or "unsure") is the right answer."""
        return choice == self.answer


@dataclass(frozen=True)
class CaseStory:
    """A real police case: what the victim was told, what they paid, how it could have stopped."""

    id: str
    pattern: str
    title: Text
    told: Text
    paid: Text
    stop: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Tip:
    """One short anti-fraud habit."""

    id: str
    text: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Awareness:
    """Everything the quiz, the stories and the tips need."""

    quiz: tuple[QuizItem, ...]
    habit: Text
    habit_sources: tuple[str, ...]
    stories: tuple[CaseStory, ...]
    tips: tuple[Tip, ...]
    digest: str = ""

    def item(self, item_id: str) -> QuizItem | None:
        """The quiz item with this id, if any."""
        return next((i for i in self.quiz if i.id == item_id), None)


def awareness_digest(directory: Path = KNOWLEDGE_DIR) -> str:
    """Hash of the awareness files and the files they refer to."""
    return source_digest(directory, (*FILES, *REFERENCED))


def _ids(entries: Any) -> set[str]:
    return {e["id"] for e in entries or [] if isinstance(e, dict) and e.get("id")}


def _bilingual(where: str, entry: dict[str, Any], key: str) -> Text:
    value = entry.get(key)
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGUAGES
    ):
        raise KnowledgeError(f"{where}: '{entry.get('id')}' needs '{key}' in both languages (en and zh)")
    return {lang: value[lang].strip() for lang in LANGUAGES}


def _sources(where: str, entry: dict[str, Any], known: set[str]) -> tuple[str, ...]:
    ids = entry.get("sources") or []
    if not ids:
        raise KnowledgeError(f"{where}: '{entry.get('id')}' has no source")
    for source_id in ids:
        if source_id not in known:
            raise KnowledgeError(f"{where}: '{entry.get('id')}' cites unknown source '{source_id}'")
    return tuple(ids)


def _entries(where: str, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError(f"{where}: expected a non-empty list")
    seen: set[str] = set()
    for entry in raw:
        if not isinstance(entry, dict) or not entry.get("id"):
            raise KnowledgeError(f"{where}: an entry has no id: {entry!r:.80}")
        if entry["id"] in seen:
            raise KnowledgeError(f"{where}: duplicate id '{entry['id']}'")
        seen.add(entry["id"])
    return raw


def _quiz_item(entry: dict[str, Any], sources: set[str], patterns: set[str]) -> QuizItem:
    where = "quiz.yaml"
    answer = entry.get("answer")
    if answer not in ANSWERS:
        raise KnowledgeError(f"{where}: '{entry['id']}' needs answer 'scam' or 'legit'")
    pattern = entry.get("pattern")
    if answer == "scam" and pattern not in patterns:
        raise KnowledgeError(f"{where}: '{entry['id']}' needs a pattern id from patterns.yaml")
    if answer == "legit" and pattern is not None:
        raise KnowledgeError(f"{where}: '{entry['id']}' is legitimate and cannot name a pattern")
    themes = tuple(entry.get("themes") or ())
    unknown = [t for t in themes if t not in THEMES]
    if unknown:
        raise KnowledgeError(f"{where}: '{entry['id']}' has unknown theme(s) {unknown}")
    if (answer == "legit") != (LEGIT in themes):
        raise KnowledgeError(f"{where}: '{entry['id']}': the theme 'legit' goes with answer 'legit'")
    return QuizItem(
        id=entry["id"], answer=answer, pattern=pattern, themes=themes,
        text=_bilingual(where, entry, "text"), explain=_bilingual(where, entry, "explain"),
        sources=_sources(where, entry, sources),
    )


def _story(entry: dict[str, Any], sources: set[str], patterns: set[str]) -> CaseStory:
    where = "case_stories.yaml"
    if entry.get("pattern") not in patterns:
        raise KnowledgeError(f"{where}: '{entry['id']}' needs a pattern id from patterns.yaml")
    return CaseStory(
        id=entry["id"], pattern=entry["pattern"],
        **{key: _bilingual(where, entry, key) for key in ("title", "told", "paid", "stop")},
        sources=_sources(where, entry, sources),
    )


def load_awareness(directory: Path = KNOWLEDGE_DIR) -> Awareness:
    """Read and validate the awareness files; raise :class:`KnowledgeError` on the first problem."""
    sources = _ids(read_mapping(directory, "sources.yaml").get("sources"))
    patterns = _ids(read_mapping(directory, "patterns.yaml").get("patterns"))
    quiz_doc = read_mapping(directory, "quiz.yaml")
    quiz = tuple(_quiz_item(e, sources, patterns) for e in _entries("quiz.yaml", quiz_doc.get("items")))
    habit_entry = {"id": "habit", **(quiz_doc.get("habit") or {})}
    stories_raw = _entries("case_stories.yaml", read_mapping(directory, "case_stories.yaml").get("stories"))
    stories = tuple(_story(e, sources, patterns) for e in stories_raw)
    seen_patterns = [s.pattern for s in stories]
    if len(seen_patterns) != len(set(seen_patterns)):
        raise KnowledgeError("case_stories.yaml: one story per pattern")
    tips_raw = _entries("tips.yaml", read_mapping(directory, "tips.yaml").get("tips"))
    tips = tuple(
        Tip(id=e["id"], text=_bilingual("tips.yaml", e, "text"),
            sources=_sources("tips.yaml", e, sources))
        for e in tips_raw
    )
    awareness = Awareness(
        quiz=quiz, habit=_bilingual("quiz.yaml", habit_entry, "text"),
        habit_sources=_sources("quiz.yaml", habit_entry, sources), stories=stories, tips=tips,
        digest=awareness_digest(directory),
    )
    try:
        draw_quiz(awareness.quiz, random.Random(0))
    except ValueError as exc:
        raise KnowledgeError(f"quiz.yaml: {exc}") from exc
    return awareness


def draw_quiz(items: tuple[QuizItem, ...], rng: random.Random, size: int = QUIZ_SIZE) -> list[QuizItem]:
    """``size`` items: one legitimate case and scam items that show every common script.

    Raises ``ValueError`` when the bank cannot make such a quiz.
    """
    legit = [i for i in items if i.answer == "legit"]
    scams = [i for i in items if i.answer == "scam"]
    if not legit or len(scams) < size - 1:
        raise ValueError(f"a quiz needs 1 legitimate item and {size - 1} scam items")
    rng.shuffle(scams)
    chosen = [rng.choice(legit)]
    uncovered = set(COMMON_SCRIPTS)
    while len(chosen) < size:
        best = max(scams, key=lambda i: len(uncovered & set(i.themes)))
        scams.remove(best)
        uncovered -= set(best.themes)
        chosen.append(best)
    if uncovered:
        raise ValueError(f"no {size}-item quiz shows all of {sorted(COMMON_SCRIPTS)}")
    rng.shuffle(chosen)
    return chosen


def _bi(prefix: str, text: Text) -> dict[str, str]:
    return {f"{prefix}_{lang}": text[lang] for lang in LANGUAGES}


def build_awareness(db: sqlite_utils.Database, aw: Awareness) -> None:
    """(Re)write the awareness tables of ``db`` and record their digest."""
    for table in TABLES:
        db[table].drop(ignore=True)
    db["quiz_items"].insert_all(
        (
            {"id": i.id, "position": n, "answer": i.answer, "pattern": i.pattern,
             "themes": json.dumps(i.themes), **_bi("text", i.text), **_bi("explain", i.explain),
             "sources": json.dumps(i.sources)}
            for n, i in enumerate(aw.quiz)
        ),
        pk="id",
    )
    db["quiz_habit"].insert(
        {"id": "habit", **_bi("text", aw.habit), "sources": json.dumps(aw.habit_sources)}, pk="id"
    )
    db["case_stories"].insert_all(
        (
            {"id": s.id, "position": n, "pattern": s.pattern, **_bi("title", s.title),
             **_bi("told", s.told), **_bi("paid", s.paid), **_bi("stop", s.stop),
             "sources": json.dumps(s.sources)}
            for n, s in enumerate(aw.stories)
        ),
        pk="id",
    )
    db["tips"].insert_all(
        ({"id": t.id, "position": n, **_bi("text", t.text), "sources": json.dumps(t.sources)}
         for n, t in enumerate(aw.tips)),
        pk="id",
    )
    db["meta"].insert({"key": DIGEST_KEY, "value": aw.digest}, pk="key", replace=True)


def _stored_digest(db: sqlite_utils.Database) -> str | None:
    if "meta" not in db.table_names():
        return None
    row = db.execute("select value from meta where key = ?", [DIGEST_KEY]).fetchone()
    return row[0] if row else None


def ensure_awareness_built(path: Path | None = None, directory: Path = KNOWLEDGE_DIR) -> bool:
    """Build the checker's database if needed, then (re)build the awareness tables if they changed.

    Returns True if the awareness tables were rebuilt.
    """
    path = path or default_db()
    ensure_built(path, directory)
    db = sqlite_utils.Database(path)
    try:
        if _stored_digest(db) == awareness_digest(directory) and set(TABLES) <= set(db.table_names()):
            return False
        awareness = load_awareness(directory)
        with db.conn:
            build_awareness(db, awareness)
    finally:
        db.conn.close()
    return True


def _text(row: dict[str, Any], prefix: str) -> Text:
    return {lang: row[f"{prefix}_{lang}"] for lang in LANGUAGES}


def read_awareness(path: Path | None = None) -> Awareness:
    """Read the awareness tables back from SQLite (opened read-only)."""
    path = path or default_db()
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    try:
        quiz = tuple(
            QuizItem(
                id=r["id"], answer=r["answer"], pattern=r["pattern"],
                themes=tuple(json.loads(r["themes"])), text=_text(r, "text"),
                explain=_text(r, "explain"), sources=tuple(json.loads(r["sources"])),
            )
            for r in db["quiz_items"].rows_where(order_by="position")
        )
        habit = next(iter(db["quiz_habit"].rows))
        stories = tuple(
            CaseStory(
                id=r["id"], pattern=r["pattern"], title=_text(r, "title"), told=_text(r, "told"),
                paid=_text(r, "paid"), stop=_text(r, "stop"), sources=tuple(json.loads(r["sources"])),
            )
            for r in db["case_stories"].rows_where(order_by="position")
        )
        tips = tuple(
            Tip(id=r["id"], text=_text(r, "text"), sources=tuple(json.loads(r["sources"])))
            for r in db["tips"].rows_where(order_by="position")
        )
        digest = _stored_digest(db) or ""
    finally:
        db.conn.close()
    return Awareness(quiz=quiz, habit=_text(habit, "text"),
                     habit_sources=tuple(json.loads(habit["sources"])), stories=stories,
                     tips=tips, digest=digest)


def source_of(source_id: str, path: Path | None = None) -> dict[str, str]:
    """The publisher and url of a source, from the knowledge base."""
    return _sources_table(str(path or default_db())).get(source_id, {"publisher": source_id, "url": ""})


@lru_cache(maxsize=4)
def _sources_table(path: str) -> dict[str, dict[str, str]]:
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    try:
        return {r["id"]: {"publisher": r["publisher"], "url": r["url"]} for r in db["sources"].rows}
    finally:
        db.conn.close()


@lru_cache(maxsize=1)
def get_awareness() -> Awareness:
    """The awareness material of this process's knowledge base, built if needed, read once."""
    ensure_awareness_built(default_db())
    return read_awareness(default_db())
