"""``action_lookup_reports``: "check this number / link / account" against the filed reports.

Reads the latest message and ``language``. For each identifier in it (up to three) says how
often it was reported, when first and last, and with which known scams; always adds that no
reports is not a sign of safety. Asks for the value when the message names none. No events.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from reports import extract_identifiers, get_store
from reports.store import LookupResult
from scamcheck import get_checker

from .conversation import language, latest_text
from .texts import say

logger = logging.getLogger(__name__)
MAX_LOOKUPS = 3


class ActionLookupReports(Action):
    """Tells the user how often the numbers, links or accounts in their message were reported."""

    def name(self) -> str:
        """Action name used in rules."""
        return "action_lookup_reports"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters one line per identifier and the reminder that no reports is not safe."""
        lang = language(tracker)
        identifiers = extract_identifiers(latest_text(tracker))[:MAX_LOOKUPS]
        if not identifiers:
            dispatcher.utter_message(text=say("lookup_ask_value", lang))
            return []
        try:
            results = [get_store().lookup(identifier.value) for identifier in identifiers]
        except Exception:  # the store cannot be read: say so, and never imply "safe"
            logger.exception("Could not look up reports")
            dispatcher.utter_message(text=say("lookup_failed", lang))
            return []
        lines = [describe(result, lang) for result in results]
        lines.append(say("lookup_not_safe", lang))
        dispatcher.utter_message(text="\n\n".join(lines))
        return []


def describe(result: LookupResult, lang: str) -> str:
    """One identifier's reports in plain words."""
    if not result.reports:
        return say("lookup_none", lang, value=result.value)
    text = say("lookup_found", lang, value=result.value, reports=result.reports,
               first_seen=_hour(result.first_seen), last_seen=_hour(result.last_seen))
    if result.patterns:
        names = pattern_names(lang)
        shown = say("pattern_separator", lang).join(names.get(p, p) for p in result.patterns[:3])
        text += " " + say("lookup_found_patterns", lang, patterns=shown)
    return text


def pattern_names(lang: str) -> dict[str, str]:
    """Display names of the knowledge base's scam patterns."""
    return {p["id"]: p["name"][lang] for p in get_checker().kb.patterns}


def _hour(iso: str | None) -> str:
    """``2026-12-02T10:00:00Z`` -> ``2026-12-02 10:00 UTC``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if iso else "-"
