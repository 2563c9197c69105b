"""``action_answer_question``: a question outside the interview, or a story taken for one.

Reads the latest message and the case's slots. A confident question gets its FAQ answer ("should
I pay?" is answered from the case); a message that tells a story rather than asking something
starts the interview (``FollowupAction(offer_check_form)``); anything else gets a request to
rephrase. Returns no slot events.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names
from .conversation import language
from .interview import belongs_to_story
from .questions import answer_question, turn_from


class ActionAnswerQuestion(Action):
    """Answers real questions; sends stories to the interview."""

    def name(self) -> str:
        """Run for the faq intent outside the interview."""
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters one answer, or hands the story to the interview."""
        turn = turn_from(tracker, asked=None)
        if turn.faq_response:
            answer_question(dispatcher, turn.faq_response, dict(tracker.slots), language(tracker))
            return []
        case_open = tracker.get_slot(names.RISK_LEVEL) is not None
        if belongs_to_story(turn, case_open=False) and not case_open:
            return [FollowupAction(names.FORM)]
        if belongs_to_story(turn, case_open=True):
            return [FollowupAction("action_check_offer")]
        dispatcher.utter_message(response="utter_default")
        return []
