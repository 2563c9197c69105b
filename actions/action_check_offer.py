"""``action_check_offer``: the verdict on the offer the user described.

Reads ``offer_story`` (the user's own words) and the interview's slots, asks
``scamcheck.check`` for an assessment in the reply language, and sends one message: the risk in
plain words, each red flag with why it matters, the known scam it resembles and what real lenders
do (or, for low risk, how to verify through official channels), carrying
``custom = {"assessment": assessment.to_dict()}`` for clients that render it. A later check of
the same case starts with "Updated: ..." when the outcome changed, and only says that the
assessment has not changed when it did not.
Returns ``SlotSet`` for ``risk_level``, ``stages`` and ``red_flags`` (and any fact in the turn).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scamcheck import check

from . import names
from .conversation import facts_from_slots, language
from .interview import read_turn
from .questions import turn_from
from .texts import say
from .verdict import headline, verdict_text


class ActionCheckOffer(Action):
    """Checks the story and the collected facts, and tells the user the verdict."""

    def name(self) -> str:
        """Runs after the interview, after "stop, check what I said", and for later facts."""
        return "action_check_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the verdict (with its JSON) and sets ``risk_level``, ``stages``, ``red_flags``.

        The latest turn is read for facts first (a correction or a fact told after the
        verdict), so the verdict always uses everything the user said.
        """
        lang = language(tracker)
        slots = dict(tracker.slots)
        updates = read_turn(turn_from(tracker, asked=None), slots)
        slots.update(updates)
        assessment = check(slots.get(names.OFFER_STORY) or "", facts_from_slots(slots), lang)
        flag_ids = [flag.id for flag in assessment.red_flags]
        if same_verdict(tracker, assessment.risk.value, flag_ids):
            text = say("verdict_unchanged", lang, headline=headline(assessment, lang))
        elif tracker.get_slot(names.RISK_LEVEL) is not None:
            text = say("verdict_updated", lang) + "\n\n" + verdict_text(assessment, lang)
        else:
            text = verdict_text(assessment, lang)
        dispatcher.utter_message(text=text, json_message={"assessment": assessment.to_dict()})
        return [SlotSet(slot, value) for slot, value in updates.items()] + [
            SlotSet(names.RISK_LEVEL, assessment.risk.value),
            SlotSet(names.STAGES, assessment.stages),
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
