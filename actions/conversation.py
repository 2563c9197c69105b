"""Reading a rasa_sdk ``Tracker``: the latest message, slot history, and the facts for the checker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from scamcheck import Facts

from . import names
from .cues import amount_value, stages_told


def latest_intent(tracker: Tracker) -> str | None:
    """Name of the intent of the latest user message."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    """Text of the latest user message ("" for none)."""
    return tracker.latest_message.get("text") or ""


def latest_entities(tracker: Tracker, entity: str) -> list[dict[str, Any]]:
    """Entities of one type in the latest user message, in order."""
    found = tracker.latest_message.get("entities") or []
    return [e for e in found if e.get("entity") == entity]


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Values of one entity type in the latest user message."""
    return [str(e["value"]) for e in latest_entities(tracker, entity) if e.get("value")]


def language(tracker: Tracker) -> str:
    """The reply language: the ``language`` slot, English while it is unknown."""
    value = tracker.get_slot(names.LANGUAGE)
    return value if value in names.LANGUAGES else "en"


def is_button_payload(text: str) -> bool:
    """Button payloads (``/intent{...}``) are choices, not the user's own words."""
    return text.startswith("/")


def slot_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value ``slot`` had before the latest user message (None if it was never set)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
        elif seen_user and event.get("event") in ("restart", "session_started"):
            return None
    return None


def canonical(value: Any, allowed: tuple[str, ...]) -> str | None:
    """``value`` if it is one of the canonical values, else None."""
    return value if isinstance(value, str) and value in allowed else None


def facts_from_slots(slots: dict[str, Any]) -> Facts:
    """The structured facts the interview collected, in the checker's vocabulary."""
    fee_types = [f for f in (slots.get(names.FEE_TYPES) or []) if f != names.UNKNOWN]
    requests = [
        r for r in (slots.get(names.REQUESTED_ACTIONS) or []) if r in names.REQUEST_TYPES
    ]
    if fee_types and "pay_fee" not in requests:
        requests.append("pay_fee")
    money_sent = {names.YES: True, names.NO: False}.get(slots.get(names.MONEY_SENT))
    return Facts(
        platform=canonical(slots.get(names.CLAIMED_IDENTITY), names.PLATFORMS),
        fee_types=fee_types,
        money_sent=money_sent,
        amount=amount_value(slots.get(names.AMOUNT_SENT)) if money_sent else None,
        contact_channel=canonical(slots.get(names.CONTACT_CHANNEL), names.CONTACT_CHANNELS),
        requests=requests,
        region=canonical(slots.get(names.REGION), names.REGIONS),
        done=stages_told(slots.get(names.OFFER_STORY) or ""),
    )


def current_slots(tracker: Tracker) -> dict[str, Any]:
    """A copy of every slot value."""
    return dict(tracker.slots)
