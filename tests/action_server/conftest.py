"""Inline trackers for action tests (rasa_sdk objects only; no Rasa server, no network)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ALL_SLOTS = (
    "language", "language_pinned", "region", "contact_channel", "claimed_identity",
    "requested_actions", "fee_types", "money_sent", "amount_sent", "extra_details",
    "offer_story", "risk_level", "stages", "red_flags", "requested_slot", "interview_asks",
    "pending_confirmation",
)
FORM_SLOTS = [
    "contact_channel", "claimed_identity", "requested_actions", "money_sent", "amount_sent",
    "extra_details",
]


def entity(name: str, value: str, start: int = 0, end: int | None = None) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": start, "end": end or start + len(value)}


def make_tracker(
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    events: list[dict[str, Any]] | None = None,
    new_slots: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text``; ``new_slots`` were set by this very message.

    ``events`` come before the latest user message; ``new_slots`` become trailing ``slot`` events
    (what Rasa appends for slot candidates) and are also visible as slot values.
    """
    values = {name: None for name in ALL_SLOTS}
    values.update(slots or {})
    values.update(new_slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
    }
    history = list(events or [])
    history.append({"event": "user", "text": text, "parse_data": latest})
    history += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(
        sender_id="test",
        slots=values,
        latest_message=latest,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> dict[str, Any]:
    """The parts of the domain the SDK's validation actions read."""
    return {
        "slots": {
            "language": {"type": "categorical", "mappings": [{"type": "custom"}]},
            "language_pinned": {"type": "bool", "mappings": [{"type": "custom"}]},
            "offer_story": {"type": "text", "mappings": [{"type": "custom"}]},
            "risk_level": {"type": "categorical", "mappings": [{"type": "custom"}]},
            "stages": {"type": "list", "mappings": [{"type": "custom"}]},
            "red_flags": {"type": "list", "mappings": [{"type": "custom"}]},
            "fee_types": {"type": "list", "mappings": [{"type": "from_entity", "entity": "fee_type"}]},
            "region": {"type": "categorical", "mappings": [{"type": "from_entity", "entity": "region"}]},
            **{
                slot: {
                    "type": "text",
                    "mappings": [{"type": "from_text", "conditions": [
                        {"active_loop": "offer_check_form", "requested_slot": slot}]}],
                }
                for slot in FORM_SLOTS
            },
        },
        "forms": {"offer_check_form": {"required_slots": FORM_SLOTS}},
    }
