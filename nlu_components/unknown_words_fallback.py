"""Low-confidence fallback for messages made of words the model has never seen.

DIET's character n-grams make it confident about keyboard mashing ("asdkjh qwpoeiru" -> inform
0.67, "jjjjjjjj" -> inform 1.00), so the FallbackClassifier's threshold misses it. This component
learns the words of the training data and, when less than a third of a message's words are known,
predicts ``nlu_fallback`` exactly the way the FallbackClassifier does (first in the ranking), so
the conversation asks the user to rephrase and ``rasa test nlu`` can undo it like any fallback.
Messages without words (numbers, emoji, button payloads) are left alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_WORD = re.compile(r"^(?:[^\W\d_]{2,}|[\u3400-\u9fff\uf900-\ufaff]+)(?:['’][^\W\d_]+)?$")
VOCABULARY_FILE = "vocabulary.txt"


def words_of(message: Message) -> list[str]:
    """The message's word tokens, lower-cased (numbers, emoji and single letters are skipped)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return [t.text.lower() for t in tokens if _WORD.match(t.text)]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class UnknownWordsFallbackClassifier(GraphComponent):
    """Predicts ``nlu_fallback`` when most words of a message are unknown."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``min_known_share``: below this share of known words the message falls back."""
        return {"min_known_share": 0.34}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: set[str] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or set()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsFallbackClassifier:
        """Creates an untrained component (no known words yet: it never falls back)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns every word of the training examples and lookup tables."""
        vocabulary: set[str] = set()
        for example in training_data.training_examples:
            vocabulary.update(words_of(example))
        for table in training_data.lookup_tables:
            elements = table.get("elements")
            if isinstance(elements, list):
                for element in elements:
                    vocabulary.update(str(element).lower().split())
        self._vocabulary = vocabulary
        with self._model_storage.write_to(self._resource) as directory:
            (Path(directory) / VOCABULARY_FILE).write_text(
                "\n".join(sorted(vocabulary)), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsFallbackClassifier:
        """Loads the known words stored at training time."""
        try:
            with model_storage.read_from(resource) as directory:
                text = (Path(directory) / VOCABULARY_FILE).read_text(encoding="utf-8")
        except (ValueError, FileNotFoundError):
            text = ""
        return cls(config, model_storage, resource, set(text.split("\n")) - {""})

    def known_share(self, message: Message) -> float | None:
        """Share of the message's words seen in training (None when it has no words)."""
        words = words_of(message)
        if not words or not self._vocabulary:
            return None
        return sum(word in self._vocabulary for word in words) / len(words)

    def process(self, messages: list[Message]) -> list[Message]:
        """Puts ``nlu_fallback`` first when too few words are known."""
        for message in messages:
            share = self.known_share(message)
            if share is None or share >= self._config["min_known_share"]:
                continue
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == DEFAULT_NLU_FALLBACK_INTENT_NAME:
                continue
            fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                        PREDICTED_CONFIDENCE_KEY: round(share, 3)}
            message.data[INTENT] = fallback
            message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, fallback)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are left unchanged."""
        return training_data
