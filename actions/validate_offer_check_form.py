"""Validation of the interview (``offer_check_form``).

Reads the latest message and the interview's slots; returns ``SlotSet`` events and, when the
interview starts, a short introduction; after a correction, a note saying what changed.

* ``amount_sent`` is only asked when ``money_sent`` is "yes".
* "I already paid 2000" / "还没转钱" anywhere fills ``money_sent`` (and ``amount_sent``).
* An answer in the user's own words is kept as they wrote it; an answer that is clearly about
  something else (it names a fee, a platform, where they are ...) is not taken as the answer to
  the open question, which is then asked again.
* ``requested_actions`` accumulates over the conversation; a correction replaces it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from . import names
from .conversation import (
    entity_values,
    is_button_payload,
    language,
    latest_entities,
    latest_intent,
    latest_text,
    slot_before_latest_message,
)
from .cues import amount_in, corrected_value, money_sent_cue
from .texts import label, say

MAX_ANSWER_CHARS = 500
# Entities that show which question a message answers.
_ANSWER_ENTITIES = {
    names.CONTACT_CHANNEL: {names.CONTACT_CHANNEL},
    names.CLAIMED_IDENTITY: {names.PLATFORM},
    names.REQUESTED_ACTIONS: {names.REQUEST_TYPE, names.FEE_TYPE},
    names.AMOUNT_SENT: {names.AMOUNT},
}
_FACT_ENTITIES = {
    names.CONTACT_CHANNEL, names.PLATFORM, names.REQUEST_TYPE, names.FEE_TYPE, names.AMOUNT,
    names.REGION_ENTITY,
}


class ValidateOfferCheckForm(FormValidationAction):
    """Keeps the interview short, accepts "don't know", and applies corrections."""

    def name(self) -> str:
        """Name the form looks for: ``validate_offer_check_form``."""
        return "validate_offer_check_form"

    def domain_slots(self, domain: DomainDict) -> list[str]:
        """The form's questions (names.FORM_SLOTS, checked against the domain by a test).

        Not read from the domain, so Rasa need not send the domain with every call
        (``enable_selective_domain`` in endpoints.yml).
        """
        return list(names.FORM_SLOTS)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Validates, then introduces the interview if it starts now and has questions to ask."""
        # Rasa calls this action once while activating the form, before any question was asked.
        starting = tracker.get_slot(REQUESTED_SLOT) is None
        events = await super().run(dispatcher, tracker, domain)
        if starting and await self._questions_left(dispatcher, tracker, domain):
            dispatcher.utter_message(text=say("check_intro", language(tracker)))
            dispatcher.messages.insert(0, dispatcher.messages.pop())
        return events

    async def _questions_left(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> bool:
        """Whether a question is still open (``tracker`` already holds the validated values)."""
        required = await self.required_slots(
            self.domain_slots(domain), dispatcher, tracker, domain
        )
        return any(tracker.get_slot(slot) is None for slot in required)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Every question except the amount, unless money was sent."""
        if tracker.get_slot(names.MONEY_SENT) == names.YES:
            return list(domain_slots)
        return [slot for slot in domain_slots if slot != names.AMOUNT_SENT]

    # --- extraction from the user's words ----------------------------------------------------
    async def extract_money_sent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Money sent or not, from words like "I already paid 2000" or "还没转钱"."""
        cue = money_sent_cue(latest_text(tracker))
        if cue is None:
            return {}
        current = tracker.get_slot(names.MONEY_SENT)
        if current in (names.YES, names.NO) and current != cue and not _correcting(tracker):
            return {}
        found: dict[str, Any] = {names.MONEY_SENT: cue}
        if cue == names.YES and not tracker.get_slot(names.AMOUNT_SENT):
            amount = _amount(tracker)
            if amount:
                found[names.AMOUNT_SENT] = amount
        return found

    async def extract_amount_sent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount given with "yes" to "have you sent money?" fills the amount too."""
        if tracker.get_slot(names.AMOUNT_SENT) and not _correcting(tracker):
            return {}
        answering_money = tracker.get_slot(REQUESTED_SLOT) == names.MONEY_SENT
        if tracker.get_slot(names.MONEY_SENT) == names.YES and (answering_money or _correcting(tracker)):
            amount = _amount(tracker)
            return {names.AMOUNT_SENT: amount} if amount else {}
        return {}

    async def extract_requested_actions(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A fee named anywhere means they asked for a fee ("pay_fee")."""
        if not entity_values(tracker, names.FEE_TYPE):
            return {}
        current = list(tracker.get_slot(names.REQUESTED_ACTIONS) or [])
        if "pay_fee" in current:
            return {}
        kept = [r for r in current if r in names.REQUEST_TYPES]
        return {names.REQUESTED_ACTIONS: [*kept, "pay_fee"]}

    # --- validation --------------------------------------------------------------------------
    def validate_contact_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A known channel, "unknown", or the user's own words."""
        return self._validate_single(
            names.CONTACT_CHANNEL, names.CONTACT_CHANNEL, names.CONTACT_CHANNELS,
            value, dispatcher, tracker,
        )

    def validate_claimed_identity(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A known platform/bank/authority, "unknown", or the user's own words."""
        return self._validate_single(
            names.CLAIMED_IDENTITY, names.PLATFORM, names.PLATFORMS, value, dispatcher, tracker
        )

    def validate_requested_actions(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Known request types (accumulated), "other" for the user's own words, or "unknown"."""
        values = [str(v) for v in (value if isinstance(value, list) else [value]) if v]
        known = [v for v in values if v in names.REQUEST_TYPES]
        own_words = [v for v in values if v not in names.REQUEST_TYPES and v != names.UNKNOWN]
        if own_words and not known and _answers_something_else(tracker, names.REQUESTED_ACTIONS):
            return _not_this_answer(names.REQUESTED_ACTIONS, dispatcher, tracker)
        if entity_values(tracker, names.FEE_TYPE) and "pay_fee" not in known:
            known.append("pay_fee")
        previous = [
            v for v in (slot_before_latest_message(tracker, names.REQUESTED_ACTIONS) or [])
            if v in names.REQUEST_TYPES
        ]
        if _correcting(tracker) and known:
            merged = known
        else:
            merged = list(dict.fromkeys([*previous, *known]))
        if not merged:
            merged = [names.OTHER] if own_words else [names.UNKNOWN]
        return {names.REQUESTED_ACTIONS: merged}

    def validate_money_sent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Only "yes", "no" or "unknown"; anything else asks again."""
        if value in (names.YES, names.NO, names.UNKNOWN):
            self._note_correction(names.MONEY_SENT, value, "money_sent", dispatcher, tracker)
            return {names.MONEY_SENT: value}
        return {names.MONEY_SENT: None}

    def validate_amount_sent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The amount as written; a sentence without a number is kept as the user's words."""
        if value == names.UNKNOWN:
            return {names.AMOUNT_SENT: value}
        if _answers_something_else(tracker, names.AMOUNT_SENT):
            return _not_this_answer(names.AMOUNT_SENT, dispatcher, tracker)
        amount = _amount(tracker) or str(value).strip()[:MAX_ANSWER_CHARS]
        return {names.AMOUNT_SENT: amount or None}

    def validate_extra_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Anything the user adds ("none" when there is nothing more)."""
        text = str(value).strip()[:MAX_ANSWER_CHARS] if value else None
        return {names.EXTRA_DETAILS: text or None}

    # --- helpers -----------------------------------------------------------------------------
    def _validate_single(
        self,
        slot: str,
        entity: str,
        allowed: tuple[str, ...],
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        if value is None:
            return {slot: None}
        if _correcting(tracker):
            value = corrected_value(latest_text(tracker), latest_entities(tracker, entity)) or value
        value = str(value)
        if value in allowed or value == names.UNKNOWN:
            self._note_correction(slot, value, entity, dispatcher, tracker)
            return {slot: value}
        if _answers_something_else(tracker, slot) or is_button_payload(value):
            return _not_this_answer(slot, dispatcher, tracker)
        return {slot: value.strip()[:MAX_ANSWER_CHARS] or None}

    @staticmethod
    def _note_correction(
        slot: str, value: str, kind: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> None:
        if not _correcting(tracker) or slot_before_latest_message(tracker, slot) == value:
            return
        lang = language(tracker)
        shown = label(kind, value, lang)
        key, values = ("correction_noted", {"value": shown}) if shown else ("correction_noted_plain", {})
        dispatcher.utter_message(text=say(key, lang, **values))


def _correcting(tracker: Tracker) -> bool:
    return latest_intent(tracker) == names.CORRECT_ANSWER


def _amount(tracker: Tracker) -> str | None:
    values = entity_values(tracker, names.AMOUNT)
    return values[0] if values else amount_in(latest_text(tracker))


def _answers_something_else(tracker: Tracker, slot: str) -> bool:
    """The message names facts, but none of the kind this question asks for."""
    found = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
    found &= _FACT_ENTITIES
    expected = _ANSWER_ENTITIES.get(slot, set())
    if found and not found & expected:
        return True
    if slot != names.AMOUNT_SENT and money_sent_cue(latest_text(tracker)):
        return not found & expected
    return False


def _not_this_answer(
    slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any]:
    """Leaves the question open (it is asked again); acknowledges where the user is."""
    if entity_values(tracker, names.REGION_ENTITY):
        dispatcher.utter_message(text=say("region_noted", language(tracker)))
    return {slot: None}
