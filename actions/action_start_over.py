"""``action_start_over``: "start over" forgets the case, after a confirmation when typed.

A typed "start over" (or anything the model took for it, such as "he told me to log in again")
only asks "Start over and forget what you've told me?" and pauses the interview
(``pending_confirmation`` = "start_over"). The "Yes" button (a ``/start_over`` payload) or a
"yes" to that question clears every slot except the reply language and whether the user pinned
it, and says so. Returns ``ActiveLoop(None)`` in both cases.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names
from .conversation import is_button_payload, language, latest_intent, latest_text
from .texts import say


class ActionStartOver(Action):
    """Asks before it forgets; forgets when confirmed."""

    def name(self) -> str:
        """Run for the start_over intent, and for "yes" to its confirmation."""
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Clears the case when confirmed, else asks for the confirmation."""
        lang = language(tracker)
        confirmed = is_button_payload(latest_text(tracker)) or (
            latest_intent(tracker) == "affirm"
            and tracker.get_slot(names.PENDING_CONFIRMATION) == names.START_OVER
        )
        if not confirmed:
            dispatcher.utter_message(text=say("confirm_start_over", lang), buttons=[
                {"title": say("button_yes_start_over", lang), "payload": "/start_over"},
                {"title": say("button_no_carry_on", lang), "payload": "/deny"},
            ])
            return [ActiveLoop(None), SlotSet(names.PENDING_CONFIRMATION, names.START_OVER)]
        dispatcher.utter_message(text=say("started_over", lang))
        return [
            ActiveLoop(None),
            AllSlotsReset(),
            SlotSet(names.LANGUAGE, tracker.get_slot(names.LANGUAGE)),
            SlotSet(names.LANGUAGE_PINNED, tracker.get_slot(names.LANGUAGE_PINNED)),
        ]
