"""Tokenizer for Simplified, Traditional and mixed Chinese/English messages.

Rasa's ``JiebaTokenizer`` keeps the single spaces between Latin words as tokens and its
``token_pattern`` cannot drop them (engineering notes §8), and ``WhitespaceTokenizer`` cannot
segment Chinese. This component:

1. converts Traditional characters to Simplified with OpenCC (``t2s``) while keeping every
   character at its offset (a phrase conversion that would change the length falls back to
   character-by-character conversion), and writes the converted text back to the message, so
   lookup tables, regexes and entity values all see Simplified Chinese;
2. segments runs of Chinese characters with jieba (plus the loan-scam words in ``zh_words.txt``);
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
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

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


@lru_cache(maxsize=4)
def _segmenter(words_file: str) -> Any:
    """One jieba tokenizer per process (initialising it costs ~0.5 s), with our words added."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    for line in Path(words_file).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, freq = line.partition(" ")
        segmenter.add_word(word, int(freq) if freq.strip().isdigit() else None)
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


def split_mixed(text: str, words_file: str | Path = WORDS_FILE) -> list[tuple[str, int]]:
    """Split ``text`` into ``(word, start)`` pairs: jieba for Chinese runs, whitespace otherwise."""
    pieces: list[tuple[str, int]] = []
    position = 0
    for run in _HAN_RUN.finditer(text):
        pieces.extend(_split_latin(text[position : run.start()], position))
        segmenter = _segmenter(str(words_file))
        for word, start, _end in segmenter.tokenize(run.group()):
            pieces.append((word, run.start() + start))
        position = run.end()
    pieces.extend(_split_latin(text[position:], position))
    return pieces


def _split_latin(segment: str, offset: int) -> list[tuple[str, int]]:
    out = []
    for match in _WORD.finditer(segment):
        word = match.group()
        if len(word) == 1 and _is_punctuation(word):
            continue
        out.append((word, offset + match.start()))
    return out


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class MixedChineseTokenizer(Tokenizer):
    """Tokenizes English, Simplified and Traditional Chinese and any mix of them."""

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

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._words_file = str(config.get("words_file") or WORDS_FILE)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MixedChineseTokenizer:
        """Creates the tokenizer and warms up jieba once for this process."""
        tokenizer = cls(config)
        _segmenter(tokenizer._words_file)
        return tokenizer

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Converts the attribute to Simplified Chinese in place, then tokenizes it."""
        text = message.get(attribute) or ""
        simplified = to_simplified_same_length(text)
        if simplified != text and attribute == TEXT:
            message.set(TEXT, simplified)
        tokens = [Token(word, start) for word, start in split_mixed(simplified, self._words_file)]
        return self._apply_token_pattern(tokens)
