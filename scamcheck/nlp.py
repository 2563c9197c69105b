"""spaCy pipelines (blank, nothing downloaded) and the English normaliser with typo tolerance.

English: ``spacy.blank("en")`` tokens get a ``norm_`` that is lower-cased, typo-corrected against
the knowledge base's own vocabulary when they are not words at all ("unfreze" -> "unfreeze",
"custmer" -> "customer", but "lone" stays "lone") and
crudely stemmed ("fees" -> "fee", "asked" -> "ask"), so a ``PhraseMatcher(attr="NORM")`` matches
inflections and common misspellings. Chinese: ``spacy.blank("zh")`` with its character
segmenter, so knowledge-base phrases match wherever they occur, whatever a word segmenter
would have made of the surrounding text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_WORD = re.compile(r"^[a-z]+$")
INFLECTIONS = ("s", "es", "d", "ed", "ing", "ly")


@lru_cache(maxsize=1)
def known_words_file() -> Path:
    """The cached protected words: ``$SCAMCHECK_KNOWN_WORDS``, else ``build/known_words.json``."""
    build_dir = Path(__file__).resolve().parent.parent / "build"
    return Path(os.environ.get("SCAMCHECK_KNOWN_WORDS") or build_dir / "known_words.json")


@lru_cache(maxsize=1)
def spacy_module() -> ModuleType:
    """spaCy, imported on first use.

    spaCy's backend (thinc) probes for TensorFlow when imported, which costs seconds of cold
    start; the checker never needs it. It is hidden during that first import only, so Rasa
    (which does need it) can still import it later in the same process.
    """
    hide = "tensorflow" not in sys.modules and "thinc" not in sys.modules
    if hide:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if hide:
            del sys.modules["tensorflow"]
    return spacy


@lru_cache(maxsize=1)
def english() -> Language:
    """A blank English pipeline (tokenizer only)."""
    return spacy_module().blank("en")


@lru_cache(maxsize=1)
def chinese() -> Language:
    """A blank Chinese pipeline with character segmentation (no jieba/pkuseg model needed)."""
    return spacy_module().blank("zh")


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


def _deletes(word: str, depth: int = 1) -> set[str]:
    """Every string made by deleting up to ``depth`` letters from ``word``."""
    out, frontier = set(), {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, swaps."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


class TypoCorrector:
    """Maps a misspelled word to the knowledge-base word it most likely means.

    Only non-words are corrected: a word of the vocabulary or of ``known_words`` (real English
    words, see :func:`protected_words`) is left alone, so "lone" never becomes "loan". Only
    vocabulary words are targets, only with the same first letter, and only within a distance
    that grows with the word's length (:meth:`max_distance`).
    """

    def __init__(self, vocabulary: Iterable[str], known_words: Iterable[str] | None = None) -> None:
        self.vocabulary = {w for w in vocabulary if _WORD.match(w)}
        self.known = set(read_known_words(self.vocabulary) if known_words is None else known_words)
        self._index: dict[str, set[str]] = {}
        for word in self.vocabulary:
            depth = self.max_distance(len(word) + 1)
            if depth == 0:
                continue
            self._index.setdefault(word, set()).add(word)
            for variant in _deletes(word, depth):
                self._index.setdefault(variant, set()).add(word)

    @staticmethod
    def max_distance(length: int) -> int:
        """Edits allowed for a word of ``length`` letters: none below 5, one up to 8, then two."""
        if length < 5:
            return 0
        return 1 if length <= 8 else 2

    def candidates(self, word: str) -> set[str]:
        """Vocabulary words within the allowed distance of ``word`` (same first letter)."""
        limit = self.max_distance(len(word))
        if limit == 0:
            return set()
        found: set[str] = set(self._index.get(word, ()))
        for variant in _deletes(word, limit):
            found |= self._index.get(variant, set())
        return {c for c in found
                if c[0] == word[0] and c != word and edit_distance(word, c) <= limit}

    def correct(self, word: str) -> str:
        """Return the vocabulary word ``word`` most likely meant, or ``word`` itself."""
        if word in self.vocabulary or word in self.known or not _WORD.match(word):
            return word
        found = self.candidates(word)
        if not found:
            return word
        return min(found, key=lambda c: (edit_distance(word, c), abs(len(c) - len(word)), c))


def protected_words(vocabulary: Iterable[str]) -> set[str]:
    """Real English words that the corrector would otherwise turn into a vocabulary word.

    Computed when the knowledge base is built, from the ``english-words`` package's web2 and
    GCIDE lists, so that only non-words are ever corrected.
    """
    from english_words import get_english_words_set

    corrector = TypoCorrector(vocabulary)
    index, firsts = corrector._index, {w[0] for w in corrector.vocabulary}

    def near(word: str) -> bool:
        limit = corrector.max_distance(len(word))
        if limit == 0 or word[0] not in firsts or word in corrector.vocabulary:
            return False
        if word in index or any(v in index for v in _deletes(word, 1)):
            return bool(corrector.candidates(word))
        return limit > 1 and any(v in index for v in _deletes(word, 2)) and bool(
            corrector.candidates(word))

    def inflected(word: str) -> bool:
        """An inflection of a vocabulary word ("activated"): correcting it loses nothing."""
        return any(word.endswith(s) and (word[:-len(s)] in corrector.vocabulary
                                         or word[:-len(s)] + "e" in corrector.vocabulary)
                   for s in INFLECTIONS)

    words = get_english_words_set(["web2", "gcide"], lower=True, alpha=True)
    return {w for w in words if not inflected(w) and near(w)}


def vocabulary_digest(vocabulary: Iterable[str]) -> str:
    """Hash of a vocabulary, to tell whether cached known words belong to it."""
    return hashlib.sha256(" ".join(sorted(set(vocabulary))).encode()).hexdigest()[:16]


def read_known_words(vocabulary: Iterable[str], path: Path | None = None) -> set[str]:
    """The protected words cached for ``vocabulary`` at build time (empty when absent or stale)."""
    path = path or known_words_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return set(data.get("words", [])) if data.get("vocabulary") == vocabulary_digest(vocabulary) else set()


def ensure_known_words(vocabulary: Iterable[str], path: Path | None = None) -> bool | None:
    """Cache :func:`protected_words` for ``vocabulary``; True if rebuilt, None without a word list."""
    path = path or known_words_file()
    vocabulary = {w for w in vocabulary if _WORD.match(w)}
    digest = vocabulary_digest(vocabulary)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("vocabulary") == digest:
            return False
    except (OSError, ValueError):
        pass
    try:
        words = protected_words(vocabulary)
    except ImportError:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"vocabulary": digest, "words": sorted(words)}), encoding="utf-8")
    os.replace(tmp, path)
    return True


def english_vocabulary(concepts: dict) -> set[str]:
    """The English words of a knowledge base's concept phrases: the corrector's only targets."""
    return {word for terms in concepts.values() for phrase in terms.get("en", []) or []
            for word in re.findall(r"[a-z]+", phrase.lower())}


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
