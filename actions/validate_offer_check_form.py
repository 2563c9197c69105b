"""``validate_offer_check_form``: runs the interview for every turn while it is active.

Rasa calls this action when the form starts and after each user message during it. It reads the
latest message and the case's slots, lets ``actions.interview`` decide what the turn means and
what to ask next, and returns ``SlotSet`` events: the facts found, the answer to the open question
(or "unknown" after a second unclear reply), ``interview_asks`` and ``requested_slot`` (None when
the verdict is due). It may say the introduction (first turn), the answer to a real question
asked mid-story (then the open question is asked again once), or a short "let me ask again".
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from scamcheck import RiskLevel, check

from . import names
from .action_handoff import handoff_text
from .conversation import facts_from_slots, language
from .interview import LEAVING_INTENTS, StoryReading, plan_turn, read_turn
from .questions import answer_question, turn_from
from .texts import say


class ValidateOfferCheckForm(Action):
    """Feeds each turn into the case and picks the next question (never the same one thrice)."""

    def name(self) -> str:
        """The name Rasa derives from the form: ``validate_<form name>``."""
        return "validate_offer_check_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Returns the case's slot updates and the next ``requested_slot``."""
        lang = language(tracker)
        turn = turn_from(tracker, asked=tracker.get_slot(REQUESTED_SLOT))
        if turn.intent in LEAVING_INTENTS and turn.asked is not None:
            return []  # nothing validated: the form is rejected and the leaving rule runs
        slots = dict(tracker.slots)
        asks = dict(tracker.get_slot(names.INTERVIEW_ASKS) or {})
        verdict_given = slots.get(names.RISK_LEVEL) is not None
        starting = turn.asked is None and not asks
        facts = read_turn(turn, slots)
        plan = plan_turn(turn, slots, asks, read_story(slots, facts, lang), verdict_given, facts)
        if plan.faq_response:
            answer_question(dispatcher, plan.faq_response, {**slots, **plan.slots}, lang)
        elif plan.small_talk:
            answer_small_talk(dispatcher, turn.intent, {**slots, **plan.slots}, lang)
        if starting and plan.next_question:
            dispatcher.utter_message(text=say("check_intro", lang))
        for key in plan.say:
            dispatcher.utter_message(text=say(key, lang))
        events: list[EventType] = [SlotSet(slot, value) for slot, value in plan.slots.items()]
        events += [
            SlotSet(names.INTERVIEW_ASKS, plan.asks),
            SlotSet(names.PENDING_CONFIRMATION, None),
            SlotSet(REQUESTED_SLOT, plan.next_question),
        ]
        return events


_SMALL_TALK_RESPONSES = {
    "bot_challenge": "utter_iamabot", "insult": "utter_insult",
    names.REQUEST_LANGUAGE: "utter_language_switched",
}


def answer_small_talk(dispatcher: CollectingDispatcher, intent: str, slots: dict[str, Any],
                      lang: str) -> None:
    """Answers "are you a bot?", "hi", "I want a person" ... before the question is asked again."""
    if intent == "human_handoff":
        dispatcher.utter_message(text=handoff_text(slots.get(names.REGION), slots.get(names.STAGES), lang))
    elif intent in _SMALL_TALK_RESPONSES:
        dispatcher.utter_message(response=_SMALL_TALK_RESPONSES[intent])
    else:
        dispatcher.utter_message(text=say("lets_continue", lang))


def read_story(slots: dict[str, Any], turn_facts: dict[str, Any], lang: str) -> StoryReading:
    """The checker's reading of the story so far, with the facts collected and this turn's."""
    merged = {**slots, **turn_facts}
    assessment = check(merged.get(names.OFFER_STORY) or "", facts_from_slots(merged), lang)
    return StoryReading(high_risk=assessment.risk is RiskLevel.HIGH, paid="paid" in assessment.stages)
