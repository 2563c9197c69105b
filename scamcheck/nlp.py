"""spaCy pipelines (blank, nothing downloaded) and the English normaliser with typo tolerance.

English: ``spacy.blank("en")`` tokens get a ``norm_`` that is lower-cased, typo-corrected against
the knowledge base's own vocabulary ("unfreze" -> "unfreeze", "custmer" -> "customer") and
crudely stemmed ("fees" -> "fee", "asked" -> "ask"), so a ``PhraseMatcher(attr="NORM")`` matches
inflections and common misspellings. Chinese: ``spacy.blank("zh")`` with its character
segmenter, so knowledge-base phrases match wherever they occur, whatever a word segmenter
would have made of the surrounding text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

_WORD = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=1)
def english() -> Language:
    """A blank English pipeline (tokenizer only)."""
    return spacy.blank("en")


@lru_cache(maxsize=1)
def chinese() -> Language:
    """A blank Chinese pipeline with character segmentation (no jieba/pkuseg model needed)."""
    return spacy.blank("zh")


def stem(word: str) -> str:
    """A deliberately small English stemmer: enough to match plurals and past tenses."""
    if len(word) <= 3 or not _WORD.match(word):
        return word
    for suffix, replacement, min_len in (
        ("ies", "y", 5), ("ied", "y", 5), ("ing", "", 6), ("ed", "", 5), ("es", "", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            base = word[: -len(suffix)] + replacement
            if suffix == "es" and not base.endswith(("sh", "ch", "x", "z", "s")):
                base = word[:-1]
            return base
    return word


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class TypoCorrector:
    """Maps a misspelled word to a known vocabulary word at edit distance one.

    Only words of six or more letters are corrected, and only to a word with the same first
    letter, so short everyday words are never changed.
    """

    MIN_LENGTH = 6

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = {w for w in vocabulary if _WORD.match(w)}
        self._index: dict[str, set[str]] = {}
        for word in self.vocabulary:
            if len(word) >= self.MIN_LENGTH - 1:
                self._index.setdefault(word, set()).add(word)
                for variant in _deletes(word):
                    self._index.setdefault(variant, set()).add(word)

    def correct(self, word: str) -> str:
        """Return the vocabulary word ``word`` most likely meant, or ``word`` itself."""
        if word in self.vocabulary or len(word) < self.MIN_LENGTH or not _WORD.match(word):
            return word
        candidates: set[str] = set(self._index.get(word, ()))
        for variant in _deletes(word):
            candidates |= self._index.get(variant, set())
            if variant in self.vocabulary:
                candidates.add(variant)
        candidates = {c for c in candidates if c[0] == word[0] and abs(len(c) - len(word)) <= 1}
        if not candidates:
            return word
        return min(candidates, key=lambda c: (abs(len(c) - len(word)), c))


def normalise_english(doc: Doc, corrector: TypoCorrector | None) -> Doc:
    """Set each token's ``norm_`` to its lower-cased, typo-corrected stem."""
    for token in doc:
        word = token.lower_
        if word in ("n't", "nt"):
            token.norm_ = "not"
            continue
        if corrector is not None:
            word = corrector.correct(word)
        token.norm_ = stem(word)
    return doc


_CJK_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+)")


def english_view(text: str) -> str:
    """Text with CJK runs replaced by same-length spaces, so English matching keeps offsets.

    Offsets into the returned string are offsets into ``text``.
    """
    return _CJK_RUN.sub(lambda m: " " * len(m.group(0)), text)
