"""``action_forget_me``: the confirmation answer and the deletion mark."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import names
from actions.action_forget_me import ActionForgetMe


def tracker(language: str | None) -> Tracker:
    return Tracker(
        sender_id="u1", slots={names.LANGUAGE: language}, latest_message={"text": "yes"},
        events=[], paused=False, followup_action=None, active_loop={},
        latest_action_name="utter_ask_forget_me",
    )


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "deleted this conversation"), ("zh", "已经删除"), (None, "deleted this conversation"),
])
async def test_forget_me_says_what_was_deleted_and_marks_the_turn(
    language: str | None, expected: str,
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionForgetMe().run(dispatcher, tracker(language), {})
    assert events == [SlotSet(names.FORGET_ME_CONFIRMED, True)]
    [message] = dispatcher.messages
    assert expected in message["text"]
