"""``action_quiz_start``: starts a 5-item quiz ("quiz", "test me", "考考我", "测一测").

Draws the items with ``scamcheck.awareness.draw_quiz`` (one legitimate case and scam items that
show every common loan-scam script), says what the quiz is and shows the first item. Reads
``language``; returns ``SlotSet`` for ``quiz_active`` (True) and ``quiz_state``.
"""

from __future__ import annotations

import random

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scamcheck.awareness import QUIZ_SIZE, draw_quiz, get_awareness

from . import names
from .action_quiz_flow import QuizState, send_item
from .conversation import language
from .texts import say


class ActionQuizStart(Action):
    """Starts (or restarts) the quiz and asks the first item."""

    def name(self) -> str:
        """Action name used in rules and stories."""
        return names.ACTION_QUIZ_START

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the introduction and item 1; sets the quiz slots."""
        lang = language(tracker)
        items = draw_quiz(get_awareness().quiz, random.Random())
        state = QuizState(items=[item.id for item in items])
        dispatcher.utter_message(text=say("quiz_intro", lang, total=QUIZ_SIZE))
        send_item(dispatcher, state, items[0], lang)
        return state.events()
