"""``action_resume_case``: "no" to "start over?" keeps the case and carries on where it was.

Clears ``pending_confirmation``. If the interview was running, it restarts the form with no
open question, so the interview asks the question that is still missing (the "no" is not taken
as its answer); otherwise it only says that everything was kept.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from . import names
from .conversation import language
from .texts import say


class ActionResumeCase(Action):
    """Keeps everything and goes back to the interview if it was not finished."""

    def name(self) -> str:
        """Run for "no" while ``pending_confirmation`` is set."""
        return "action_resume_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Says "carry on"; restarts the form when the interview was running."""
        dispatcher.utter_message(text=say("carry_on", language(tracker)))
        events: list[EventType] = [SlotSet(names.PENDING_CONFIRMATION, None)]
        if tracker.get_slot(REQUESTED_SLOT):
            events += [SlotSet(REQUESTED_SLOT, None), FollowupAction(names.FORM)]
        return events
