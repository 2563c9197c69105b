"""``action_quiz_answer``: takes the answer to the open quiz item and explains it.

The answer comes from a button (entity ``quiz_choice``), "I don't know" (not sure) or typed
words and numbers ("scam", "1", "不是诈骗"). After an answer it explains the red flags (or why it
is legitimate) in two or three lines and shows the next item, or the score and the one habit
after the last one. An answer it cannot read gets a kind hint and the same item again.
Reads ``quiz_active``, ``quiz_state`` and ``language``; returns ``SlotSet`` for both quiz slots.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names
from .action_quiz_flow import (
    QuizState,
    current_item,
    ended,
    explanation,
    send_item,
    send_score,
    user_choice,
)
from .conversation import language
from .texts import say


class ActionQuizAnswer(Action):
    """Scores one answer, explains it and moves on."""

    def name(self) -> str:
        """Action name used in rules and stories."""
        return names.ACTION_QUIZ_ANSWER

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the explanation and the next item (or the score); updates the quiz slots."""
        lang = language(tracker)
        state = QuizState.from_tracker(tracker)
        item = current_item(state) if state else None
        if state is None or item is None:  # an old button, or "scam" typed outside a quiz
            dispatcher.utter_message(
                text=say("quiz_not_running", lang),
                buttons=[{"title": say("quiz_button_start", lang), "payload": f"/{names.START_QUIZ}"}],
            )
            return ended()
        choice = user_choice(tracker)
        if choice is None:
            dispatcher.utter_message(text=say("quiz_not_understood", lang))
            send_item(dispatcher, state, item, lang)
            return state.events()
        state.score += int(item.is_correct(choice))
        dispatcher.utter_message(text=explanation(item, choice, lang))
        state.position += 1
        following = current_item(state) if state.position < len(state.items) else None
        if following is None:
            send_score(dispatcher, state, lang)
            return ended()
        send_item(dispatcher, state, following, lang)
        return state.events()
