"""``action_forget_me``: after the user confirmed, this conversation is deleted.

Reads ``language``. Sends one message (``forget_me_done``: what was deleted and what was not)
and returns ``SlotSet(forget_me_confirmed, True)``: the mark the tracker store
(``privacy.tracker_store.PrivateSQLTrackerStore``) looks for when Rasa saves the turn, to delete
every event of this sender instead of saving them. The action server never touches the store.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names
from .conversation import language
from .texts import say


class ActionForgetMe(Action):
    """Tells the user the conversation is deleted and marks the turn for deletion."""

    def name(self) -> str:
        """Action name used in rules."""
        return names.ACTION_FORGET_ME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters ``forget_me_done``; returns the deletion mark."""
        dispatcher.utter_message(text=say("forget_me_done", language(tracker)))
        return [SlotSet(names.FORGET_ME_CONFIRMED, True)]
