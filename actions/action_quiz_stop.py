"""``action_quiz_stop``: ends a running quiz ("stop", "exit", goodbye, or a real story).

When the user starts telling what happened to them (intent ``describe_offer``) it says the quiz
is left for that, and the rules run the interview next; otherwise it gives the score so far.
Reads ``quiz_state`` and ``language``; returns ``SlotSet`` events that end the quiz.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names
from .action_quiz_flow import QuizState, ended
from .conversation import language, latest_intent
from .texts import say


class ActionQuizStop(Action):
    """Leaves the quiz kindly."""

    def name(self) -> str:
        """Action name used in rules and stories."""
        return names.ACTION_QUIZ_STOP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the hand-over or the score so far; clears the quiz slots."""
        lang = language(tracker)
        state = QuizState.from_tracker(tracker)
        if latest_intent(tracker) == names.DESCRIBE_OFFER:
            dispatcher.utter_message(text=say("quiz_handover", lang))
        elif latest_intent(tracker) == "goodbye":
            pass  # the goodbye itself follows
        elif state and state.position:
            dispatcher.utter_message(
                text=say("quiz_stopped", lang, score=state.score, answered=state.position)
            )
        else:
            dispatcher.utter_message(text=say("quiz_stopped_early", lang))
        return ended()
