"""Slots that follow every user message: the reply language and the story of the offer.

Rasa runs this action (``action_validate_slot_mappings``) after each user message, inside
``action_extract_slots``. Reads the latest message and the ``language``, ``language_pinned``,
``offer_story`` and ``risk_level`` slots; returns ``SlotSet`` events only.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from scamcheck.language import detect_language, has_letters

from . import interview, names
from .conversation import entity_values, is_button_payload, latest_intent, latest_text
from .questions import turn_from

# The story is what the checker reads; beyond this it only slows the check down.
MAX_STORY_CHARS = 6000
_LATIN_WORD = re.compile(r"[A-Za-z]+")


class ActionValidateSlotMappings(ValidationAction):
    """Fills ``language`` (and ``language_pinned``) and ``offer_story``."""

    def domain_slots(self, domain: DomainDict) -> list[str]:
        """The slots this action fills, without reading the domain.

        Rasa then need not send the whole domain with every message (``enable_selective_domain``
        in endpoints.yml), which saves serialising the FAQ answers on every turn.
        """
        return [names.LANGUAGE, names.LANGUAGE_PINNED, names.OFFER_STORY]

    def validate_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Only "en" and "zh" are reply languages."""
        return {names.LANGUAGE: value if value in names.LANGUAGES else None}

    def validate_language_pinned(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Pinned or not."""
        return {names.LANGUAGE_PINNED: bool(value) if value is not None else None}

    def validate_offer_story(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The story as extracted."""
        return {names.OFFER_STORY: value}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Like ``ValidationAction.run``, but keeps the resets of the interview's slots.

        The base class only returns slots without form conditions; clearing the previous
        offer also has to clear the interview's slots.
        """
        extracted = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extracted)
        validated = await self._extract_validation_events(dispatcher, tracker, domain)
        names_validated = {event["name"] for event in validated}
        return validated + [e for e in extracted if e["name"] not in names_validated]

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An explicit request wins and is kept; otherwise the language of this message."""
        requested = [v for v in entity_values(tracker, names.LANGUAGE_ENTITY)
                     if v in names.LANGUAGES]
        if requested:
            return {names.LANGUAGE: requested[-1], names.LANGUAGE_PINNED: True}
        if tracker.get_slot(names.LANGUAGE_PINNED):
            return {}
        text = latest_text(tracker)
        if is_button_payload(text) or not has_letters(text):
            return {}
        current = tracker.get_slot(names.LANGUAGE) or "en"
        detected = detect_language(text, default=current)
        if detected == "en" and current == "zh" and len(_LATIN_WORD.findall(text)) < 2:
            return {}  # "ok", "QQ", "JD" in a Chinese conversation are not a switch to English
        return {names.LANGUAGE: detected} if detected != tracker.get_slot(names.LANGUAGE) else {}

    async def extract_offer_story(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Appends the user's words to the case's story; "check another offer" starts a new case."""
        text = latest_text(tracker).strip()
        if new_offer(tracker):
            return fresh_offer_slots(tracker)
        if not text or not belongs_to_story(tracker):
            return {}
        story = tracker.get_slot(names.OFFER_STORY) or ""
        if story.endswith(text):  # Rasa runs slot extraction again when a form activates.
            return {}
        if len(story) >= MAX_STORY_CHARS:
            return {}
        joined = f"{story}\n{text}" if story else text
        return {names.OFFER_STORY: joined[:MAX_STORY_CHARS]}


def belongs_to_story(tracker: Tracker) -> bool:
    """Every turn of an open case belongs to its story, except replies, commands and questions."""
    case_open = bool(
        (tracker.active_loop or {}).get("name") == names.FORM
        or tracker.get_slot(names.RISK_LEVEL) is not None
        or tracker.get_slot(names.OFFER_STORY)
    )
    return interview.belongs_to_story(turn_from(tracker, asked=None), case_open)


def new_offer(tracker: Tracker) -> bool:
    """"Check another offer" (the button) after a verdict starts a new case."""
    return (
        latest_intent(tracker) == names.DESCRIBE_OFFER
        and is_button_payload(latest_text(tracker))
        and tracker.get_slot(names.RISK_LEVEL) is not None
    )


def fresh_offer_slots(tracker: Tracker) -> dict[str, Any]:
    """Clears the previous case's slots, except those this very message just filled."""
    just_set = set(tracker.slots_to_validate())
    return {slot: None for slot in names.OFFER_SLOTS if slot not in just_set}
