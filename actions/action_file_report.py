"""``action_file_report``: files the report the user agreed to, with the identifiers they gave.

Runs when ``report_identifiers_form`` is complete. Reads ``report_draft`` (the case facts shown
with the offer), ``report_identifiers`` (the user's answer: the scammer's numbers, links, app
names, WeChat/QQ ids, or "skip") and the latest intent ("stop" withdraws the consent: nothing is
stored). Only identifiers found by ``reports.extract_identifiers`` are kept (the user's own
numbers and names are redacted first). Sends the reference number, or a kind message when
nothing was stored. Returns ``SlotSet`` for ``report_state`` and ``report_reference`` and clears
``report_draft`` and ``report_identifiers``.
"""

from __future__ import annotations

import dataclasses
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from reports import CaseFacts, extract_identifiers, file_report

from . import names
from .conversation import language, latest_intent
from .texts import say

logger = logging.getLogger(__name__)
CASE_FIELDS = {field.name for field in dataclasses.fields(CaseFacts)}


class ActionFileReport(Action):
    """Stores the consented report and tells the user its reference number."""

    def name(self) -> str:
        """Action name used in rules."""
        return "action_file_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Files the report (or not, when withdrawn) and clears what the report was built from."""
        lang = language(tracker)
        cleared = [SlotSet(names.REPORT_DRAFT, None), SlotSet(names.REPORT_IDENTIFIERS, None)]
        draft = tracker.get_slot(names.REPORT_DRAFT)
        if latest_intent(tracker) == names.STOP or not isinstance(draft, dict):
            dispatcher.utter_message(text=say("report_withdrawn", lang))
            return [SlotSet(names.REPORT_STATE, names.REPORT_DECLINED), *cleared]
        identifiers = extract_identifiers(str(tracker.get_slot(names.REPORT_IDENTIFIERS) or ""))
        case = CaseFacts(**{k: v for k, v in draft.items() if k in CASE_FIELDS})
        try:
            reference = file_report(case, identifiers)
        except Exception:  # the store is down or full: say so, never crash or stay silent
            logger.exception("Could not store a report")
            dispatcher.utter_message(text=say("report_failed", lang))
            return [SlotSet(names.REPORT_STATE, names.REPORT_DECLINED), *cleared]
        given = (say("report_filed_identifiers", lang, count=len(identifiers)) if identifiers
                 else say("report_filed_no_identifiers", lang))
        dispatcher.utter_message(text=say("report_filed", lang, reference=reference, identifiers=given))
        return [SlotSet(names.REPORT_STATE, names.REPORT_FILED),
                SlotSet(names.REPORT_REFERENCE, reference), *cleared]
