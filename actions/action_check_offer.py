"""``action_check_offer``: the verdict on the offer the user described.

Reads ``offer_story`` (the user's own words) and the interview's slots, asks
``scamcheck.check`` for an assessment in the reply language, and sends one message: the risk in
plain words, each red flag with why it matters, the known scam it resembles and what real lenders
do (or, for low risk, how to verify through official channels), carrying
``custom = {"assessment": assessment.to_dict()}`` for clients that render it. A re-check of the
same offer with the same outcome only says that the assessment has not changed.
Returns ``SlotSet`` for ``risk_level``, ``stages`` and ``red_flags`` (and any corrected slot).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scamcheck import check

from . import names
from .conversation import (
    current_slots,
    facts_from_slots,
    language,
    latest_entities,
    latest_intent,
    latest_text,
)
from .cues import amount_in, corrected_value, money_sent_cue
from .texts import say
from .verdict import headline, verdict_text


class ActionCheckOffer(Action):
    """Checks the story and the collected facts, and tells the user the verdict."""

    def name(self) -> str:
        """Action name used in rules and stories."""
        return "action_check_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the verdict (with its JSON) and sets ``risk_level`` and ``stages``."""
        lang = language(tracker)
        slots = current_slots(tracker)
        correcting = latest_intent(tracker) == names.CORRECT_ANSWER
        corrections = corrected_slots(tracker) if correcting else {}
        if corrections:
            dispatcher.utter_message(text=say("check_updated", lang))
        slots.update(corrections)
        facts = facts_from_slots(slots)
        assessment = check(slots.get(names.OFFER_STORY) or "", facts, lang)
        stages = assessment.stages
        flag_ids = [flag.id for flag in assessment.red_flags]
        if same_verdict(tracker, assessment.risk.value, flag_ids):
            text = say("verdict_unchanged", lang, headline=headline(assessment, lang))
        else:
            text = verdict_text(assessment, lang)
        dispatcher.utter_message(text=text, json_message={"assessment": assessment.to_dict()})
        return [SlotSet(slot, value) for slot, value in corrections.items()] + [
            SlotSet(names.RISK_LEVEL, assessment.risk.value),
            SlotSet(names.STAGES, stages),
            SlotSet(names.RED_FLAGS, flag_ids),
        ]


def same_verdict(tracker: Tracker, risk: str, flag_ids: list[str]) -> bool:
    """Whether this offer was already checked with exactly this outcome."""
    previous = tracker.get_slot(names.RED_FLAGS)
    return (
        previous is not None
        and tracker.get_slot(names.RISK_LEVEL) == risk
        and sorted(previous) == sorted(flag_ids)
    )


def corrected_slots(tracker: Tracker) -> dict[str, Any]:
    """Slot values a correction after the verdict changes ("it was 360 IOU, not JD")."""
    text = latest_text(tracker)
    found: dict[str, Any] = {}
    for slot, entity in ((names.CLAIMED_IDENTITY, names.PLATFORM),
                         (names.CONTACT_CHANNEL, names.CONTACT_CHANNEL)):
        value = corrected_value(text, latest_entities(tracker, entity))
        if value is not None and value != tracker.get_slot(slot):
            found[slot] = value
    cue = money_sent_cue(text)
    if cue and cue != tracker.get_slot(names.MONEY_SENT):
        found[names.MONEY_SENT] = cue
    if (found.get(names.MONEY_SENT) or tracker.get_slot(names.MONEY_SENT)) == names.YES:
        amount = next(iter(e["value"] for e in latest_entities(tracker, names.AMOUNT)), None)
        amount = amount or amount_in(text)
        if amount and amount != tracker.get_slot(names.AMOUNT_SENT):
            found[names.AMOUNT_SENT] = amount
    return found
