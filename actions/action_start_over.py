"""``action_start_over``: "start over" forgets everything the user told in this conversation.

Resets every slot (the offer, the interview, the verdict, where the user is) except the reply
language and whether the user asked for it explicitly. Returns ``AllSlotsReset`` plus the
language ``SlotSet`` events; sends no message (``utter_start_over`` follows in the rule).
Used instead of ``action_restart``, after which Rasa 3.6 has no state to predict ``action_listen``
from (it answered with the fallback in tests).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names


class ActionStartOver(Action):
    """Clears the conversation's slots but keeps the language."""

    def name(self) -> str:
        """Action name used in rules."""
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Returns the reset events."""
        return [
            AllSlotsReset(),
            SlotSet(names.LANGUAGE, tracker.get_slot(names.LANGUAGE)),
            SlotSet(names.LANGUAGE_PINNED, tracker.get_slot(names.LANGUAGE_PINNED)),
        ]
