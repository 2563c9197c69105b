"""``action_handoff``: "I want to talk to a person" -> the police and official hotlines.

Reads ``region`` (mainland China when unknown), ``stages`` and ``language``; the channels and
their numbers come from ``scamcheck.advice.hotlines`` (the sourced knowledge base). Sends one
message; no events.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scamcheck.advice import hotlines

from . import names
from .conversation import language
from .texts import say


class ActionHandoff(Action):
    """Lists real people the user can reach, police first when money was sent."""

    def name(self) -> str:
        """Run for "I want to talk to a person"."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the channels for the user's region; returns no events."""
        lang = language(tracker)
        text = handoff_text(tracker.get_slot(names.REGION), tracker.get_slot(names.STAGES), lang)
        dispatcher.utter_message(text=text)
        return []


def handoff_text(region: str | None, stages: list[str] | None, lang: str) -> str:
    """The police first when money was sent, then the sourced hotlines for the region."""
    channels = hotlines(region or "cn", lang)
    lines = [
        say("handoff_line", lang, name=c["name"], contact=_contact(c)) if _contact(c)
        else say("handoff_line_name_only", lang, name=c["name"])
        for c in channels
    ]
    blocks = []
    if "paid" in (stages or []):
        blocks.append(say("handoff_police_first", lang))
    if lines:
        blocks.append("\n".join([say("handoff_intro", lang), *lines]))
    else:
        blocks.append(say("handoff_local_police", lang))
    return "\n\n".join(blocks)


def _contact(channel: dict) -> str:
    """How to reach a channel: its number, its website, or both."""
    number, url = channel.get("number") or "", channel.get("url") or ""
    if number and url:
        return f"{number} ({url})"
    return number or url
