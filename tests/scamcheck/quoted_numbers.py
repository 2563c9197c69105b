"""Numbers quoted in bot texts must be traceable to a source, like the knowledge base's own.

A number in an FAQ answer (``domain/faq.yml``) is traced when it is a hotline of the knowledge
base (``advice.yaml``, itself sourced) or a number listed under ``numbers`` by one of the sources
cited in the comment above the answer. A number in the action server's texts
(``actions/texts.yml``) must be a hotline. Years ("2025") and the digits of platform names
("360 IOU") are not telephone numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from scamcheck.knowledge import Knowledge

_NUMBER = re.compile(r"\(?\d[\d() -]*\d")
_YEAR = re.compile(r"(19|20)\d\d")
_URL = re.compile(r"https?://[^\s;)]+")
_ANSWER_KEY = re.compile(r"^  (utter_[\w/]+):\s*$")


def quoted_numbers(text: str, names: set[str]) -> list[str]:
    """Telephone-like numbers (3 or more digits) in ``text``, as written."""
    found = []
    for match in _NUMBER.finditer(text):
        written = match.group().strip(" -(")
        digits = re.sub(r"\D", "", written)
        if len(digits) < 3 or (len(digits) == 4 and _YEAR.fullmatch(digits)):
            continue
        tail = (digits + text[match.end(): match.end() + 12]).lower()
        if any(tail.startswith(name) for name in names):
            continue
        found.append(written)
    return found


def platform_names(kb: Knowledge) -> set[str]:
    """Names that start with digits ("360 iou", "360借条"): not numbers to trace."""
    names: set[str] = set()
    for concept in kb.concepts.values():
        for words in concept.values():
            names |= {str(w).lower() for w in words or [] if str(w)[:1].isdigit()}
    return names


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def untraced_faq_numbers(faq_path: Path, kb: Knowledge) -> list[str]:
    """``"utter_faq/x: 95188"`` for every FAQ number no hotline or cited source states."""
    hotlines = _hotline_digits(kb)
    by_url = {s["url"].rstrip("/"): s for s in kb.sources.values()}
    names = platform_names(kb)
    problems = []
    comment_urls: list[str] = []
    answers: dict[str, list[str]] = {}
    for line in faq_path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment_urls += [u.rstrip("/") for u in _URL.findall(stripped)]
        elif key := _ANSWER_KEY.match(line):
            answers[key.group(1)] = comment_urls
            comment_urls = []
    responses = yaml.safe_load(faq_path.read_text(encoding="utf-8"))["responses"]
    for key, variations in responses.items():
        cited = {_digits(n) for url in answers.get(key, []) for n in by_url.get(url, {}).get("numbers", [])}
        for variation in variations:
            for number in quoted_numbers(variation.get("text", ""), names):
                if _digits(number) not in hotlines | cited:
                    problems.append(f"{key}: {number}")
    return problems


def untraced_text_numbers(texts_path: Path, kb: Knowledge) -> list[str]:
    """``"key: number"`` for every number in the action server's texts that is not a hotline."""
    hotlines = _hotline_digits(kb)
    names = platform_names(kb)
    problems = []

    def walk(node: object, key: str) -> None:
        if isinstance(node, dict):
            for child_key, child in node.items():
                walk(child, child_key if key == "" else key)
        elif isinstance(node, str):
            problems.extend(f"{key}: {n}" for n in quoted_numbers(node, names)
                            if _digits(n) not in hotlines)

    walk(yaml.safe_load(texts_path.read_text(encoding="utf-8")), "")
    return problems


def _hotline_digits(kb: Knowledge) -> set[str]:
    numbers = {h["number"] for h in kb.hotlines if h.get("number")}
    numbers |= {p for step in kb.advice for p in step.get("phones", [])}
    return {_digits(n) for n in numbers}
