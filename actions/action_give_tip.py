"""``action_give_tip``: one anti-fraud tip at a time ("tip", "防骗小贴士"), never twice.

Picks a tip not yet given in this conversation from the sourced knowledge base
(``knowledge/tips.yaml``) and names its source. Reads ``tips_given`` and ``language``; returns
``SlotSet`` for ``tips_given``. When every tip has been given it says so and offers the quiz.
"""

from __future__ import annotations

import random

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scamcheck.awareness import get_awareness, source_of

from . import names
from .conversation import language
from .texts import say


class ActionGiveTip(Action):
    """Gives the next tip."""

    def name(self) -> str:
        """Action name used in rules and stories."""
        return names.ACTION_GIVE_TIP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters one tip with its source; records it in ``tips_given``."""
        lang = language(tracker)
        tips = get_awareness().tips
        given = [t for t in tracker.get_slot(names.TIPS_GIVEN) or [] if isinstance(t, str)]
        left = [tip for tip in tips if tip.id not in given]
        if not left:
            dispatcher.utter_message(
                text=say("tips_all_given", lang, total=len(tips)),
                buttons=[{"title": say("quiz_button_start", lang), "payload": f"/{names.START_QUIZ}"}],
            )
            return []
        tip = random.choice(left)
        dispatcher.utter_message(
            text=say("tip_message", lang, number=len(given) + 1, total=len(tips), text=tip.text[lang],
                     publisher=source_of(tip.sources[0])["publisher"]),
            buttons=[{"title": say("tip_button_another", lang), "payload": f"/{names.ASK_TIP}"}],
        )
        return [SlotSet(names.TIPS_GIVEN, [*given, tip.id])]
