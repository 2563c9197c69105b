"""``action_offer_report``: after a medium or high verdict, offer once per case to file a report.

Reads ``risk_level``, ``language``, the case slots (``region``, ``contact_channel``,
``claimed_identity``, ``fee_types``, ``money_sent``, ``amount_sent``, ``red_flags``) and
``offer_story`` (only to re-run the checker for pattern ids and to find the amount asked; it is
never kept). Shows exactly what a report would keep, with yes/no buttons, and returns
``SlotSet`` for ``report_state`` ("offered") and ``report_draft`` (the canonical case facts).
After a low verdict, or when a report was already offered for this case, it only returns
``FollowupAction("utter_anything_else")`` so the conversation goes on as before.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from reports import CaseFacts
from reports.buckets import amount_bucket
from scamcheck import check

from . import names
from .conversation import canonical, current_slots, facts_from_slots, language
from .cues import amount_in, amount_value
from .texts import label, say

ANYTHING_ELSE = "utter_anything_else"


class ActionOfferReport(Action):
    """Offers an anonymous report for this case, or hands over to ``utter_anything_else``."""

    def name(self) -> str:
        """Action name used in rules."""
        return "action_offer_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the offer and sets ``report_state``/``report_draft``, or follows up."""
        if tracker.get_slot(names.RISK_LEVEL) not in names.REPORT_RISKS or offered_for_this_case(tracker):
            return [FollowupAction(ANYTHING_ELSE)]
        lang = language(tracker)
        case = case_facts(current_slots(tracker), lang)
        dispatcher.utter_message(
            text=say("report_offer", lang, kept="\n".join(kept_lines(case, lang))),
            buttons=[
                {"title": say("report_button_yes", lang), "payload": "/affirm"},
                {"title": say("report_button_no", lang), "payload": "/deny"},
            ],
        )
        return [SlotSet(names.REPORT_STATE, names.REPORT_OFFERED),
                SlotSet(names.REPORT_DRAFT, asdict(case))]


def offered_for_this_case(tracker: Tracker) -> bool:
    """Whether a report was already offered since the case began (a reset starts a new case)."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind in ("restart", "session_started", "reset_slots"):
            return False
        if kind == "slot" and event.get("name") == names.REPORT_STATE and event.get("value"):
            return True
        if kind == "slot" and event.get("name") == names.RISK_LEVEL and event.get("value") is None:
            return False
    return False


def case_facts(slots: dict[str, Any], lang: str) -> CaseFacts:
    """The canonical facts of the case (what a report keeps, before time and identifiers)."""
    facts = facts_from_slots(slots)
    story = slots.get(names.OFFER_STORY) or ""
    patterns = [p.id for p in check(story, facts, lang).patterns] if story or facts.fee_types else []
    return CaseFacts(
        risk_level=slots.get(names.RISK_LEVEL) or "unknown",
        region=canonical(slots.get(names.REGION), names.REGIONS),
        contact_channel=facts.contact_channel,
        platform=facts.platform,
        fee_types=list(facts.fee_types),
        amount_asked=amount_value(amount_in(story)) if story else None,
        money_sent=slots.get(names.MONEY_SENT),
        amount_sent=facts.amount,
        red_flags=list(slots.get(names.RED_FLAGS) or []),
        patterns=patterns,
    )


def kept_lines(case: CaseFacts, lang: str) -> list[str]:
    """One line per kept field, with the value this case would store."""
    not_said = say("report_not_said", lang)
    fees = say("pattern_separator", lang).join(
        say(f"report_fee_{fee}", lang) for fee in case.fee_types if fee in names.FEE_TYPE_VALUES
    )
    lost = {"no": "0", "yes": amount_bucket(case.amount_sent)}.get(case.money_sent or "", None)
    unknown = say("report_amount_unknown", lang)
    return [
        say("report_kept_time", lang),
        say("report_kept_where", lang,
            value=say(f"report_region_{case.region}", lang) if case.region else not_said),
        say("report_kept_channel", lang,
            value=label("contact_channel", case.contact_channel, lang) or not_said),
        say("report_kept_platform", lang, value=label("platform", case.platform, lang) or not_said),
        say("report_kept_fees", lang, value=fees or not_said),
        say("report_kept_amounts", lang, asked=_shown(amount_bucket(case.amount_asked), unknown),
            lost=_shown(lost or "unknown", unknown)),
        say("report_kept_signs", lang),
        say("report_kept_identifiers", lang),
    ]


def _shown(bucket: str, unknown: str) -> str:
    return unknown if bucket == "unknown" else bucket
