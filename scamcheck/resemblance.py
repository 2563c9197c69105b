"""A statistical second signal: how much a message resembles the licensed corpus' scam texts.

A per-language logistic regression over character n-grams, trained only on the *train* part of
``knowledge/corpora/*.jsonl`` (openly licensed, labelled SMS; see its README). Each row goes to
the train or the benchmark part by a hash of its text, so the split never changes and duplicate
texts never straddle it. The model is built into ``build/resemblance.db`` when the corpus
changes (``python -m scamcheck.build``) and only ever lifts a low verdict to medium: the rules
alone give the red flags and every "why".
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .knowledge import KNOWLEDGE_DIR

CORPUS_DIR = KNOWLEDGE_DIR / "corpora"
BENCHMARK_PERCENT = 30          # share of the corpus held out as the benchmark part
NGRAMS = (2, 3, 4)              # character n-gram lengths
MAX_CHARS = 1_000               # the model reads a message's first 1,000 characters
MIN_ROWS_PER_CLASS = 20         # a language needs this many scam and legit rows to get a model
MIN_THRESHOLD = 0.75            # the lowest probability that counts as "resembles"
SCAM_LABELS = frozenset({"loan_scam", "other_scam"})
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|co|uk|biz|info|top|xyz|ly|me)\b\S*",
                  re.IGNORECASE)
_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


def split_of(text: str) -> str:
    """``"benchmark"`` or ``"train"``: a fixed function of the text's SHA-256."""
    digest = hashlib.sha256(_SPACE.sub(" ", text).strip().lower().encode("utf-8")).hexdigest()
    return "benchmark" if int(digest[:8], 16) % 100 < BENCHMARK_PERCENT else "train"


def load_corpus(directory: Path = CORPUS_DIR) -> list[dict]:
    """Every row of every ``*.jsonl`` file in ``directory`` (sorted by file name)."""
    rows: list[dict] = []
    for path in sorted(directory.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows


def corpus_part(part: str, directory: Path = CORPUS_DIR) -> list[dict]:
    """The ``"train"`` or ``"benchmark"`` rows of the licensed corpus."""
    return [row for row in load_corpus(directory) if split_of(row["text"]) == part]


def corpus_digest(directory: Path = CORPUS_DIR) -> str:
    """Hash of the corpus files and of the model's settings: the model is rebuilt when it changes."""
    digest = hashlib.sha256(repr((BENCHMARK_PERCENT, NGRAMS, MAX_CHARS, MIN_THRESHOLD)).encode())
    for path in sorted(directory.glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def features(text: str) -> dict[str, float]:
    """Character n-grams of the normalised text (links and digits folded), L2-normalised."""
    text = _URL.sub(" URL ", text[:MAX_CHARS])
    text = " " + _SPACE.sub(" ", _DIGITS.sub("0", text.lower())).strip() + " "
    grams = {text[i:i + n] for n in NGRAMS for i in range(len(text) - n + 1)}
    if not grams:
        return {}
    value = 1.0 / math.sqrt(len(grams))
    return {g: value for g in grams}


@dataclass
class Model:
    """One language's weights; ``probability`` is the logistic of the weighted n-grams."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, text: str) -> float:
        """How much ``text`` resembles the scam rows it was trained on (0..1)."""
        return _probability(self, features(text))


def train(rows: Iterable[dict], epochs: int = 12, rate: float = 0.5, l2: float = 1e-5) -> Model:
    """Logistic regression by AdaGrad over ``rows`` (text + label), in a fixed order."""
    data = sorted(((features(r["text"]), 1.0 if r["label"] in SCAM_LABELS else 0.0) for r in rows
                   if r["text"]), key=lambda item: sorted(item[0])[:3])
    positives = sum(y for _, y in data)
    # Balance the classes: scam rows are rarer than legit ones.
    weight_of = {1.0: len(data) / (2 * positives), 0.0: len(data) / (2 * (len(data) - positives))}
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_square = 0.0, 1e-8
    for _ in range(epochs):
        for x, y in data:
            z = bias + sum(weights.get(g, 0.0) * v for g, v in x.items())
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            error = (p - y) * weight_of[y]
            for g, v in x.items():
                grad = error * v + l2 * weights.get(g, 0.0)
                squares[g] = squares.get(g, 1e-8) + grad * grad
                weights[g] = weights.get(g, 0.0) - rate * grad / math.sqrt(squares[g])
            bias_square += error * error
            bias -= rate * error / math.sqrt(bias_square)
    model = Model({g: round(w, 5) for g, w in weights.items() if abs(w) >= 1e-4}, bias, MIN_THRESHOLD)
    legit = sorted(_probability(model, x) for x, y in data if y == 0.0)
    # Above every legit training row but one in a hundred, and never below MIN_THRESHOLD.
    if legit:
        model.threshold = max(MIN_THRESHOLD, legit[min(len(legit) - 1, int(len(legit) * 0.99))])
    return model


def _probability(model: Model, x: dict[str, float]) -> float:
    z = model.bias + sum(model.weights.get(g, 0.0) * v for g, v in x.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def train_by_language(rows: Iterable[dict]) -> dict[str, Model]:
    """A model for each language with enough scam and legit rows (others get none)."""
    by_lang: dict[str, list[dict]] = {}
    for row in rows:
        by_lang.setdefault(row["lang"], []).append(row)
    models = {}
    for lang, lang_rows in sorted(by_lang.items()):
        scams = sum(r["label"] in SCAM_LABELS for r in lang_rows)
        if min(scams, len(lang_rows) - scams) >= MIN_ROWS_PER_CLASS:
            models[lang] = train(lang_rows)
    return models


class Resemblance:
    """The trained models, by language; a language without a model never resembles anything."""

    def __init__(self, models: dict[str, Model]) -> None:
        self.models = models

    def probability(self, text: str, lang: str) -> float | None:
        """The model's probability for ``text``, or None when ``lang`` has no model."""
        model = self.models.get(lang)
        return None if model is None else model.probability(text)

    def resembles(self, text: str, lang: str) -> bool:
        """Whether ``text`` resembles the known scam messages of its language."""
        model = self.models.get(lang)
        return model is not None and model.probability(text) >= model.threshold


def write_model(path: Path, models: dict[str, Model], digest: str) -> None:
    """Write ``models`` to a fresh SQLite file at ``path`` (atomically replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    with conn:
        conn.execute("create table meta (key text primary key, value text)")
        conn.execute("create table models (lang text primary key, bias real, threshold real)")
        conn.execute("create table weights (lang text, ngram text, weight real)")
        conn.execute("insert into meta values ('digest', ?)", (digest,))
        for lang, model in models.items():
            conn.execute("insert into models values (?, ?, ?)", (lang, model.bias, model.threshold))
            conn.executemany("insert into weights values (?, ?, ?)",
                             ((lang, g, w) for g, w in sorted(model.weights.items())))
    conn.close()
    os.replace(tmp, path)


def stored_digest(path: Path) -> str | None:
    """The corpus digest recorded in the model file, or None when absent or unreadable."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        row = conn.execute("select value from meta where key = 'digest'").fetchone()
        conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


@lru_cache(maxsize=1)
def default_model() -> Path:
    """The model database: ``$SCAMCHECK_RESEMBLANCE_DB``, else ``build/resemblance.db`` (read once)."""
    build_dir = Path(__file__).resolve().parent.parent / "build"
    return Path(os.environ.get("SCAMCHECK_RESEMBLANCE_DB") or build_dir / "resemblance.db")


def ensure_model(path: Path | None = None, directory: Path = CORPUS_DIR) -> bool:
    """Retrain on the corpus train part when the corpus changed. Returns True if it retrained."""
    path = path or default_model()
    digest = corpus_digest(directory)
    if stored_digest(path) == digest:
        return False
    write_model(path, train_by_language(corpus_part("train", directory)), digest)
    return True


def read_model(path: Path | None = None) -> Resemblance:
    """Load the models written by :func:`write_model`."""
    path = path or default_model()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        models = {lang: Model({}, bias, threshold)
                  for lang, bias, threshold in conn.execute("select lang, bias, threshold from models")}
        for lang, gram, weight in conn.execute("select lang, ngram, weight from weights"):
            models[lang].weights[gram] = weight
    finally:
        conn.close()
    return Resemblance(models)
