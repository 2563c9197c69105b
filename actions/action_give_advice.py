"""``action_give_advice``: what to do now, most urgent first, for the user's stage and region.

Reads ``stages`` (set by ``action_check_offer``; "not_paid" when there was no check), ``region``
(mainland China when unknown) and ``language``; when a re-check leaves the stages as they were,
it only says that the steps above still apply. Every advice message carries
``custom = {"advice": {"stages": [...], "steps": [step ids]}}`` for clients and tests. Every
step and phone number comes from ``scamcheck.advice.advice_steps`` (the sourced knowledge
base). Sends one message; no events.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scamcheck.advice import STAGES, advice_steps

from . import names
from .conversation import entity_values, language, slot_before_latest_message
from .texts import say


class ActionGiveAdvice(Action):
    """Sends the numbered advice steps with a heading for the most urgent stage."""

    def name(self) -> str:
        """Action name used in rules and stories."""
        return "action_give_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters the advice; returns no events."""
        lang = language(tracker)
        stages = [s for s in (tracker.get_slot(names.STAGES) or []) if s in STAGES] or ["not_paid"]
        region = tracker.get_slot(names.REGION)
        steps = advice_steps(stages, region or "cn", lang)
        if not entity_values(tracker, names.REGION_ENTITY) and already_advised(tracker, stages):
            advice = {"stages": stages, "steps": [step.id for step in steps]}
            dispatcher.utter_message(text=say("advice_unchanged", lang), json_message={"advice": advice})
            return []
        lines = [say(f"advice_heading_{stages[0]}", lang)]
        lines += [
            say("step_line", lang, number=number, text=step.text)
            for number, step in enumerate(steps, start=1)
        ]
        blocks = ["\n".join(lines)]
        if entity_values(tracker, names.REGION_ENTITY):
            blocks.insert(0, say("region_noted", lang))
        elif region is None:
            blocks.append(say("region_hint", lang))
        advice = {"stages": stages, "steps": [step.id for step in steps]}
        dispatcher.utter_message(text="\n\n".join(blocks), json_message={"advice": advice})
        return []


def already_advised(tracker: Tracker, stages: list[str]) -> bool:
    """Advice for these stages was given before this message (a re-check changed nothing)."""
    previous = slot_before_latest_message(tracker, names.STAGES)
    return previous is not None and sorted(previous) == sorted(stages)
