"""Load and validate the human-edited knowledge base in ``knowledge/*.yaml``.

The YAML files are the source of truth; :mod:`scamcheck.store` builds them into SQLite.
Validation fails with a clear message on a missing or unknown source, a duplicate id, a red flag
or pattern without both languages, or a rule that names an unknown concept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
FILES = ("sources.yaml", "lexicon.yaml", "red_flags.yaml", "patterns.yaml", "advice.yaml")
LANGUAGES = ("en", "zh")


class KnowledgeError(ValueError):
    """The knowledge base is invalid; the message says where and why."""


@dataclass
class Knowledge:
    """Everything the checker and advice need, as plain dictionaries from YAML."""

    sources: dict[str, dict[str, Any]]
    concepts: dict[str, dict[str, list[str]]]
    red_flags: list[dict[str, Any]]
    patterns: list[dict[str, Any]]
    advice: list[dict[str, Any]]
    hotlines: list[dict[str, Any]]
    negation: dict[str, list[str]] = field(default_factory=dict)
    digest: str = ""


def source_digest(directory: Path = KNOWLEDGE_DIR, files: tuple[str, ...] = FILES) -> str:
    """Hash of knowledge files (by default the core ones), to rebuild SQLite only when they change."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()[:16]


def read_mapping(directory: Path, name: str) -> dict[str, Any]:
    """One knowledge file as a mapping, with a clear error when it is missing or malformed."""
    path = directory / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path}: file is missing") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping at the top level")
    return data


def load_knowledge(directory: Path = KNOWLEDGE_DIR) -> Knowledge:
    """Read and validate every knowledge file."""
    sources_raw = read_mapping(directory, "sources.yaml").get("sources", [])
    lexicon = read_mapping(directory, "lexicon.yaml")
    flags = read_mapping(directory, "red_flags.yaml").get("red_flags", [])
    patterns = read_mapping(directory, "patterns.yaml").get("patterns", [])
    advice_doc = read_mapping(directory, "advice.yaml")
    _unique_ids("sources.yaml", sources_raw)
    sources = {s["id"]: s for s in sources_raw}
    knowledge = Knowledge(
        sources=sources,
        concepts=lexicon.get("concepts", {}),
        red_flags=flags,
        patterns=patterns,
        advice=advice_doc.get("steps", []),
        hotlines=advice_doc.get("hotlines", []),
        negation=lexicon.get("negation", {}),
        digest=source_digest(directory),
    )
    validate(knowledge)
    return knowledge


def _unique_ids(where: str, items: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for item in items:
        item_id = item.get("id")
        if not item_id:
            raise KnowledgeError(f"{where}: an entry has no id: {item!r:.80}")
        if item_id in seen:
            raise KnowledgeError(f"{where}: duplicate id '{item_id}'")
        seen.add(item_id)


def _check_sources(where: str, item: dict[str, Any], sources: dict[str, Any]) -> None:
    ids = item.get("sources") or []
    if not ids:
        raise KnowledgeError(f"{where}: '{item['id']}' has no source")
    for source_id in ids:
        if source_id not in sources:
            raise KnowledgeError(f"{where}: '{item['id']}' cites unknown source '{source_id}'")


def _check_bilingual(where: str, item: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        value = item.get(key)
        if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
            raise KnowledgeError(
                f"{where}: '{item['id']}' needs '{key}' in both languages (en and zh)"
            )


def validate(kb: Knowledge) -> None:
    """Raise :class:`KnowledgeError` on the first problem found."""
    for source_id, source in kb.sources.items():
        if not str(source.get("url", "")).startswith(("http://", "https://")):
            raise KnowledgeError(f"sources.yaml: '{source_id}' needs an http(s) url")
    for name, terms in kb.concepts.items():
        if not isinstance(terms, dict) or not any(terms.get(k) for k in (*LANGUAGES, "regex")):
            raise KnowledgeError(f"lexicon.yaml: concept '{name}' has no terms")
    _unique_ids("red_flags.yaml", kb.red_flags)
    _unique_ids("patterns.yaml", kb.patterns)
    _unique_ids("advice.yaml steps", kb.advice)
    _unique_ids("advice.yaml hotlines", kb.hotlines)
    flag_ids = {f["id"] for f in kb.red_flags}
    for flag in kb.red_flags:
        _check_bilingual("red_flags.yaml", flag, ("label", "why"))
        _check_sources("red_flags.yaml", flag, kb.sources)
        for key, wanted in (flag.get("facts") or {}).items():
            if wanted != "any" and not all(isinstance(v, str) for v in wanted):
                raise KnowledgeError(
                    f"red_flags.yaml: '{flag['id']}' facts.{key} must list strings (quote yes/no)"
                )
        if not flag.get("match") and not flag.get("facts"):
            raise KnowledgeError(f"red_flags.yaml: '{flag['id']}' has neither match rules nor facts")
        for rule in flag.get("match", []) + [[c] for c in flag.get("unless", [])]:
            for concept in rule:
                if concept not in kb.concepts:
                    raise KnowledgeError(
                        f"red_flags.yaml: '{flag['id']}' uses unknown concept '{concept}'"
                    )
    for pattern in kb.patterns:
        _check_bilingual("patterns.yaml", pattern, ("name", "summary"))
        _check_sources("patterns.yaml", pattern, kb.sources)
        for flag_id in pattern.get("flags", []):
            if flag_id not in flag_ids:
                raise KnowledgeError(f"patterns.yaml: '{pattern['id']}' names unknown flag '{flag_id}'")
    for step in kb.advice:
        _check_bilingual("advice.yaml", step, ("text",))
        _check_sources("advice.yaml", step, kb.sources)
    for hotline in kb.hotlines:
        _check_bilingual("advice.yaml", hotline, ("name",))
        _check_sources("advice.yaml", hotline, kb.sources)
