"""Tokenizer for Simplified, Traditional and mixed Chinese/English messages.

Rasa's ``JiebaTokenizer`` keeps the single spaces between Latin words as tokens and its
``token_pattern`` cannot drop them (engineering notes §8), and ``WhitespaceTokenizer`` cannot
segment Chinese. This component:

1. converts Traditional characters to Simplified with OpenCC (``t2s``) while keeping every
   character at its offset (a phrase conversion that would change the length falls back to
   character-by-character conversion), and writes the converted text back to the message, so
   lookup tables, regexes and entity values all see Simplified Chinese;
2. segments runs of Chinese characters with jieba, plus the loan-scam words in ``zh_words.txt``
   and, learned at training time, the Chinese entity values annotated in the training data;
   any word that would cut through an annotated entity boundary ("支付宝客服" when only
   "支付宝" is the entity) is removed from jieba's dictionary, so annotations line up with
   tokens. Both word lists are stored in the model, so it segments the same way wherever it runs;
3. splits everything else on whitespace, trims punctuation at the edges of each word and keeps
   numbers such as ``2,000`` or ``1.5`` and contractions such as ``don't`` whole;
4. never emits whitespace-only or punctuation-only tokens (emoji and currency signs are kept).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

WORDS_FILE = Path(__file__).resolve().parent / "zh_words.txt"
_HAN_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+"
)
# A word: letters/digits with inner apostrophes, dots or commas ("don't", "2,000", "1.5"),
# or any other single non-space character (punctuation is dropped later, emoji are kept).
_WORD = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*|\S")


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


WORD_FREQUENCY = 2000   # high enough for jieba to prefer our words over its own splits
MAX_WORD_CHARS = 12


def read_words(path: str | Path) -> list[str]:
    """Words of a ``zh_words.txt``-style file (one per line, optional frequency, # comments)."""
    words = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words


@lru_cache(maxsize=8)
def _segmenter(words: tuple[str, ...], removed: tuple[str, ...] = ()) -> Any:
    """One jieba tokenizer per word list and process (initialising costs ~0.5 s)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    for word in words:
        segmenter.add_word(word, WORD_FREQUENCY)
    for word in removed:
        segmenter.del_word(word)
    return segmenter


def to_simplified_same_length(text: str) -> str:
    """Traditional -> Simplified, guaranteed to keep the length (and so every offset)."""
    if not _HAN_RUN.search(text):
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    chars = []
    for char in text:
        single = _converter().convert(char)
        chars.append(single if len(single) == 1 else char)
    return "".join(chars)


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def split_mixed(
    text: str, words: tuple[str, ...] | None = None, removed: tuple[str, ...] = ()
) -> list[tuple[str, int]]:
    """Split ``text`` into ``(word, start)`` pairs: jieba for Chinese runs, whitespace otherwise."""
    words = tuple(read_words(WORDS_FILE)) if words is None else words
    pieces: list[tuple[str, int]] = []
    position = 0
    for run in _HAN_RUN.finditer(text):
        pieces.extend(_split_latin(text[position : run.start()], position))
        segmenter = _segmenter(words, removed)
        for word, start, _end in segmenter.tokenize(run.group()):
            pieces.append((word, run.start() + start))
        position = run.end()
    pieces.extend(_split_latin(text[position:], position))
    return pieces


def _annotated(training_data: TrainingData) -> list[tuple[str, list[tuple[int, int]]]]:
    """(Simplified text, entity spans) of every example with positioned entities."""
    out = []
    for example in training_data.training_examples:
        text = example.get(TEXT) or ""
        spans = [
            (e["start"], e["end"]) for e in example.get(ENTITIES) or []
            if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
        ]  # entities in stories have no offsets
        if spans and _HAN_RUN.search(text):
            out.append((to_simplified_same_length(text), spans))
    return out


def training_words(training_data: TrainingData) -> list[str]:
    """Chinese entity values annotated in the training data (Simplified)."""
    words = set()
    for text, spans in _annotated(training_data):
        for start, end in spans:
            candidate = text[start:end].strip()
            if _HAN_RUN.fullmatch(candidate) and 1 < len(candidate) <= MAX_WORD_CHARS:
                words.add(candidate)
    return sorted(words)


def fit_to_entities(
    training_data: TrainingData, words: tuple[str, ...], rounds: int = 4
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Drops every word that cuts through an annotated entity boundary; returns (words, removed)."""
    annotated = _annotated(training_data)
    removed: set[str] = set()
    for _ in range(rounds):
        crossing = set()
        for text, spans in annotated:
            bounds = {b for span in spans for b in span}
            for word, start in split_mixed(text, words, tuple(sorted(removed))):
                end = start + len(word)
                if any(start < b < end for b in bounds):
                    crossing.add(word)
        if not crossing - removed:
            break
        removed |= crossing
        words = tuple(w for w in words if w not in removed)
    return words, tuple(sorted(removed))


def _split_latin(segment: str, offset: int) -> list[tuple[str, int]]:
    out = []
    for match in _WORD.finditer(segment):
        word = match.group()
        if len(word) == 1 and _is_punctuation(word):
            continue
        out.append((word, offset + match.start()))
    return out


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class MixedChineseTokenizer(Tokenizer):
    """Tokenizes English, Simplified and Traditional Chinese and any mix of them."""

    WORDS_IN_MODEL = "jieba_words.txt"
    REMOVED_IN_MODEL = "jieba_removed_words.txt"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the component's default config (see ``Tokenizer``)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Extra jieba words, one per line; defaults to nlu_components/zh_words.txt.
            "words_file": None,
        }

    @staticmethod
    def supported_languages() -> list[str] | None:
        """Every language: the model serves English and Chinese together."""
        return None

    @staticmethod
    def required_packages() -> list[str]:
        """Python packages this component needs."""
        return ["jieba", "opencc"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        words: list[str] | None = None,
        removed: list[str] | None = None,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        if words is None:
            words = read_words(config.get("words_file") or WORDS_FILE)
        self._words = tuple(dict.fromkeys(words))
        self._removed = tuple(removed or ())
        _segmenter(self._words, self._removed)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MixedChineseTokenizer:
        """Creates an untrained tokenizer (bundled words only)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the training data's Chinese entity words and stores them in the model."""
        words = tuple(dict.fromkeys([*self._words, *training_words(training_data)]))
        self._words, self._removed = fit_to_entities(training_data, words)
        with self._model_storage.write_to(self._resource) as directory:
            for name, values in ((self.WORDS_IN_MODEL, self._words),
                                 (self.REMOVED_IN_MODEL, self._removed)):
                (Path(directory) / name).write_text("\n".join(values), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MixedChineseTokenizer:
        """Loads the tokenizer with the words stored at training time."""
        try:
            with model_storage.read_from(resource) as directory:
                words = read_words(Path(directory) / cls.WORDS_IN_MODEL)
                removed = read_words(Path(directory) / cls.REMOVED_IN_MODEL)
        except (ValueError, FileNotFoundError):
            words, removed = None, []
        return cls(config, model_storage, resource, words, removed)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Converts the attribute to Simplified Chinese in place, then tokenizes it."""
        text = message.get(attribute) or ""
        simplified = to_simplified_same_length(text)
        if simplified != text and attribute == TEXT:
            message.set(TEXT, simplified)
        pieces = split_mixed(simplified, self._words, self._removed)
        tokens = [Token(word, start) for word, start in pieces]
        return self._apply_token_pattern(tokens)
