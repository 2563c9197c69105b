"""The only module that knows table names: builds the knowledge base into SQLite and reads it back.

Tables: ``sources``, ``patterns``, ``red_flags``, ``pattern_flags``, ``triggers`` (every phrase
of every concept, per language), ``concepts``, ``advice``, ``hotlines`` and ``meta`` (the source
digest). Full-text search covers patterns, red flags and triggers.
"""

from __future__ import annotations

import json
import os
import sqlite3
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from .knowledge import KNOWLEDGE_DIR, Knowledge, load_knowledge, source_digest

BUILD_DIR = Path(__file__).resolve().parent.parent / "build"


@lru_cache(maxsize=1)
def default_db() -> Path:
    """The knowledge database: ``$SCAMCHECK_DB``, else ``build/knowledge.db`` (read once)."""
    return Path(os.environ.get("SCAMCHECK_DB") or BUILD_DIR / "knowledge.db")


def build(db: sqlite_utils.Database, kb: Knowledge) -> None:
    """Write every table of the knowledge base into an empty ``db``."""
    if db.table_names():
        raise ValueError("build() expects an empty database")
    db["sources"].insert_all(
        ({"id": s["id"], "url": s["url"], "publisher": s.get("publisher", ""),
          "quality": s.get("quality", "")} for s in kb.sources.values()),
        pk="id",
    )
    db["concepts"].insert_all(
        ({"id": name, "kind": terms.get("kind", "term")} for name, terms in kb.concepts.items()),
        pk="id",
    )
    db["triggers"].insert_all(
        (
            {"concept": name, "language": lang, "phrase": phrase}
            for name, terms in kb.concepts.items()
            for lang in ("en", "zh", "regex")
            for phrase in terms.get(lang, []) or []
        ),
        foreign_keys=[("concept", "concepts")],
    )
    db["red_flags"].insert_all(
        (
            {
                "id": f["id"], "category": f.get("category", "loan"), "weight": f.get("weight", 20),
                "critical": bool(f.get("critical", False)),
                "label_en": f["label"]["en"], "label_zh": f["label"]["zh"],
                "why_en": f["why"]["en"], "why_zh": f["why"]["zh"],
                "match": json.dumps(f.get("match", [])), "unless": json.dumps(f.get("unless", [])),
                "facts": json.dumps(f.get("facts", {})), "stage": f.get("stage"),
                "sources": json.dumps(f["sources"]),
            }
            for f in kb.red_flags
        ),
        pk="id",
    )
    db["patterns"].insert_all(
        (
            {
                "id": p["id"], "kind": p.get("kind", "loan"), "name_en": p["name"]["en"],
                "name_zh": p["name"]["zh"], "summary_en": p["summary"]["en"],
                "summary_zh": p["summary"]["zh"], "key_flags": json.dumps(p.get("key_flags", [])),
                "advice": json.dumps(p.get("advice", [])), "sources": json.dumps(p["sources"]),
            }
            for p in kb.patterns
        ),
        pk="id",
    )
    db["pattern_flags"].insert_all(
        ({"pattern": p["id"], "flag": f} for p in kb.patterns for f in p.get("flags", [])),
        pk=("pattern", "flag"),
        foreign_keys=[("pattern", "patterns"), ("flag", "red_flags")],
    )
    db["advice"].insert_all(
        (
            {
                "id": s["id"], "stages": json.dumps(s.get("stages", [])),
                "regions": json.dumps(s.get("regions", [])), "priority": s.get("priority", 50),
                "text_en": s["text"]["en"], "text_zh": s["text"]["zh"],
                "phones": json.dumps(s.get("phones", [])), "sources": json.dumps(s["sources"]),
            }
            for s in kb.advice
        ),
        pk="id",
    )
    db["hotlines"].insert_all(
        (
            {
                "id": h["id"], "region": h["region"], "number": h.get("number", ""),
                "url": h.get("url", ""), "name_en": h["name"]["en"], "name_zh": h["name"]["zh"],
                "sources": json.dumps(h["sources"]),
            }
            for h in kb.hotlines
        ),
        pk="id",
    )
    db["negation"].insert_all(
        ({"language": lang, "cue": cue} for lang, cues in kb.negation.items() for cue in cues)
    )
    db["patterns"].enable_fts(["name_en", "name_zh", "summary_en", "summary_zh"], replace=True)
    db["red_flags"].enable_fts(["label_en", "label_zh", "why_en", "why_zh"], replace=True)
    db["triggers"].enable_fts(["phrase"], replace=True)
    db["meta"].insert({"key": "digest", "value": kb.digest}, pk="key", replace=True)


def stored_digest(path: Path) -> str | None:
    """The source digest recorded in the database at ``path``, or None if absent/unreadable."""
    if not path.exists():
        return None
    try:
        db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        row = db.execute("select value from meta where key = 'digest'").fetchone()
        db.conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def ensure_built(path: Path | None = None, directory: Path = KNOWLEDGE_DIR) -> bool:
    """Rebuild the database when the knowledge files changed. Returns True if it rebuilt."""
    path = path or default_db()
    if stored_digest(path) == source_digest(directory):
        return False
    kb = load_knowledge(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    db = sqlite_utils.Database(tmp)
    with db.conn:
        build(db, kb)
    db.conn.close()
    os.replace(tmp, path)  # atomic: readers never see a half-built database
    return True


def read_knowledge(path: Path | None = None) -> Knowledge:
    """Read the knowledge base back from SQLite (opened read-only)."""
    path = path or default_db()
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                               check_same_thread=False))
    try:
        sources = {r["id"]: r for r in db["sources"].rows}
        concepts: dict[str, dict[str, list[str]]] = {c["id"]: {"en": [], "zh": [], "regex": []}
                                                     for c in db["concepts"].rows}
        for row in db["triggers"].rows:
            concepts[row["concept"]][row["language"]].append(row["phrase"])
        pattern_flags: dict[str, list[str]] = {}
        for row in db["pattern_flags"].rows:
            pattern_flags.setdefault(row["pattern"], []).append(row["flag"])
        flags = [
            {
                "id": r["id"], "category": r["category"], "weight": r["weight"],
                "critical": bool(r["critical"]),
                "label": {"en": r["label_en"], "zh": r["label_zh"]},
                "why": {"en": r["why_en"], "zh": r["why_zh"]},
                "match": json.loads(r["match"]), "unless": json.loads(r["unless"]),
                "facts": json.loads(r["facts"]), "stage": r["stage"],
                "sources": json.loads(r["sources"]),
            }
            for r in db["red_flags"].rows
        ]
        patterns = [
            {
                "id": r["id"], "kind": r["kind"], "name": {"en": r["name_en"], "zh": r["name_zh"]},
                "summary": {"en": r["summary_en"], "zh": r["summary_zh"]},
                "flags": pattern_flags.get(r["id"], []), "key_flags": json.loads(r["key_flags"]),
                "advice": json.loads(r["advice"]), "sources": json.loads(r["sources"]),
            }
            for r in db["patterns"].rows
        ]
        advice = [
            {
                "id": r["id"], "stages": json.loads(r["stages"]), "regions": json.loads(r["regions"]),
                "priority": r["priority"], "text": {"en": r["text_en"], "zh": r["text_zh"]},
                "phones": json.loads(r["phones"]), "sources": json.loads(r["sources"]),
            }
            for r in db["advice"].rows
        ]
        hotlines = [
            {
                "id": r["id"], "region": r["region"], "number": r["number"], "url": r["url"],
                "name": {"en": r["name_en"], "zh": r["name_zh"]}, "sources": json.loads(r["sources"]),
            }
            for r in db["hotlines"].rows
        ]
        negation: dict[str, list[str]] = {}
        for row in db["negation"].rows:
            negation.setdefault(row["language"], []).append(row["cue"])
        digest = db.execute("select value from meta where key = 'digest'").fetchone()[0]
    finally:
        db.conn.close()
    return Knowledge(sources=sources, concepts=concepts, red_flags=flags, patterns=patterns,
                     advice=advice, hotlines=hotlines, negation=negation, digest=digest)
