"""``action_tell_case_story``: one short real police case ("tell me a real case", "讲个真实案例").

Each story (``knowledge/case_stories.yaml``, one per scam pattern) says what the victim was told,
what they paid and how it could have been stopped, with its source. A story is not told twice
in a conversation. Reads ``stories_told`` and ``language``; returns ``SlotSet`` for
``stories_told``.
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


class ActionTellCaseStory(Action):
    """Tells the next real case."""

    def name(self) -> str:
        """Action name used in rules and stories."""
        return names.ACTION_TELL_CASE_STORY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utters one story with its source; records it in ``stories_told``."""
        lang = language(tracker)
        stories = get_awareness().stories
        told = [s for s in tracker.get_slot(names.STORIES_TOLD) or [] if isinstance(s, str)]
        left = [story for story in stories if story.id not in told]
        quiz_button = {"title": say("quiz_button_start", lang), "payload": f"/{names.START_QUIZ}"}
        if not left:
            dispatcher.utter_message(text=say("story_all_told", lang, total=len(stories)),
                                     buttons=[quiz_button])
            return []
        story = random.choice(left)
        source = source_of(story.sources[0])
        dispatcher.utter_message(
            text=say("story_message", lang, title=story.title[lang], told=story.told[lang],
                     paid=story.paid[lang], stop=story.stop[lang], publisher=source["publisher"],
                     url=source["url"]),
            buttons=[{"title": say("story_button_another", lang),
                      "payload": f"/{names.ASK_CASE_STORY}"}, quiz_button],
        )
        return [SlotSet(names.STORIES_TOLD, [*told, story.id])]
