"""The quiz, case-story and tip actions against rasa_sdk trackers built inline."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.action_give_tip import ActionGiveTip
from actions.action_quiz_answer import ActionQuizAnswer
from actions.action_quiz_flow import choice_from_text
from actions.action_quiz_start import ActionQuizStart
from actions.action_quiz_stop import ActionQuizStop
from actions.action_tell_case_story import ActionTellCaseStory
from scamcheck.awareness import get_awareness
from tests.action_server.conftest import entity, make_tracker

QUIZ_SLOTS = {"quiz_active": None, "quiz_state": None, "tips_given": None, "stories_told": None}


def tracker(text: str = "", intent: str = "quiz_answer", lang: str = "en",
            entities: list[dict[str, Any]] | None = None, **slots: Any):
    return make_tracker(text=text, intent=intent, entities=entities,
                        slots={**QUIZ_SLOTS, "language": lang, **slots})


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def run(action, tracker_) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, {})
    return dispatcher.messages, slot_events(events)


def running(state: dict[str, Any]) -> dict[str, Any]:
    return {"quiz_active": True, "quiz_state": state}


def item(item_id: str):
    return get_awareness().item(item_id)


SCAM = "wrong_card_number_unfreeze"
LEGIT = "bank_branch_contract"
FIVE = [SCAM, "read_out_sms_code", "brush_flow_score_too_low", "fake_app_membership_fee", LEGIT]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_starting_shows_item_1_of_5_with_three_answer_buttons(lang):
    messages, slots = await run(ActionQuizStart(), tracker("quiz", "start_quiz", lang))
    assert slots["quiz_active"] is True
    state = slots["quiz_state"]
    assert len(state["items"]) == 5 and state["position"] == 0 and state["score"] == 0
    first = messages[-1]
    assert first["custom"] == {"quiz": {"item": 1, "of": 5}}
    assert item(state["items"][0]).text[lang] in first["text"]
    assert [b["payload"] for b in first["buttons"]] == [
        '/quiz_answer{"quiz_choice": "scam"}', '/quiz_answer{"quiz_choice": "legit"}',
        '/quiz_answer{"quiz_choice": "unsure"}',
    ]
    assert [b["title"] for b in first["buttons"]] == (
        ["Scam", "Not a scam", "Not sure"] if lang == "en" else ["是诈骗", "不是诈骗", "不确定"])


async def test_a_right_answer_scores_explains_the_red_flags_and_shows_the_next_item():
    t = tracker('/quiz_answer{"quiz_choice": "scam"}', entities=[entity("quiz_choice", "scam")],
                **running({"items": FIVE, "position": 0, "score": 0}))
    messages, slots = await run(ActionQuizAnswer(), t)
    explanation, following = messages
    assert explanation["text"].startswith("✅ Right: this is a scam.")
    assert item(SCAM).explain["en"] in explanation["text"]
    assert "Known scam: 'Wrong card number, loan frozen, pay to unfreeze'." in explanation["text"]
    assert 2 <= len(explanation["text"].splitlines()) <= 3
    assert following["custom"] == {"quiz": {"item": 2, "of": 5}}
    assert item("read_out_sms_code").text["en"] in following["text"]
    assert slots["quiz_state"] == {"items": FIVE, "position": 1, "score": 1}


async def test_calling_a_legitimate_case_a_scam_is_wrong_and_says_why_it_is_legitimate():
    t = tracker("scam", **running({"items": FIVE, "position": 4, "score": 3}))
    messages, slots = await run(ActionQuizAnswer(), t)
    assert messages[0]["text"].startswith("❌ Not quite: this one is legitimate.")
    assert item(LEGIT).explain["en"] in messages[0]["text"]
    assert "Source:" in messages[0]["text"]
    final = messages[1]
    assert final["custom"] == {"quiz": {"score": 3, "of": 5}}
    assert final["text"].startswith("You got 3 of 5 right.")
    assert get_awareness().habit["en"] in final["text"]
    assert slots == {"quiz_active": False, "quiz_state": None}


async def test_a_perfect_chinese_quiz_ends_with_the_score_and_the_habit():
    t = tracker("不是诈骗", lang="zh", **running({"items": FIVE, "position": 4, "score": 4}))
    messages, _ = await run(ActionQuizAnswer(), t)
    assert messages[0]["text"].startswith("✅ 答对了：这是正规的情况。")
    assert messages[1]["custom"] == {"quiz": {"score": 5, "of": 5}}
    assert "5题全对" in messages[1]["text"] and get_awareness().habit["zh"] in messages[1]["text"]


async def test_not_sure_is_never_counted_right_but_is_praised_for_checking():
    t = tracker("not sure", "dont_know", **running({"items": FIVE, "position": 0, "score": 0}))
    messages, slots = await run(ActionQuizAnswer(), t)
    assert messages[0]["text"].startswith("It's a scam, and it's good to stop and check")
    assert slots["quiz_state"]["score"] == 0 and slots["quiz_state"]["position"] == 1


async def test_an_answer_it_cannot_read_gets_a_hint_and_the_same_item_again():
    t = tracker("what do you mean", "nlu_fallback", **running({"items": FIVE, "position": 2, "score": 1}))
    messages, slots = await run(ActionQuizAnswer(), t)
    assert "type 1 (scam), 2 (not a scam) or 3 (not sure)" in messages[0]["text"]
    assert messages[1]["custom"] == {"quiz": {"item": 3, "of": 5}}
    assert slots["quiz_state"] == {"items": FIVE, "position": 2, "score": 1}


async def test_an_answer_outside_a_quiz_offers_to_start_one():
    messages, slots = await run(ActionQuizAnswer(), tracker("scam"))
    assert "no quiz running" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/start_quiz"
    assert slots["quiz_active"] is False


@pytest.mark.parametrize(
    ("typed", "choice"),
    [("1", "scam"), ("２", "legit"), ("3.", "unsure"), ("Scam", "scam"), ("it's a scam!", "scam"),
     ("not a scam", "legit"), ("legit", "legit"), ("not sure", "unsure"), ("是诈骗", "scam"),
     ("不是诈骗", "legit"), ("正规的", "legit"), ("不确定", "unsure"), ("yes", None), ("no", None),
     ("4", None)],
)
def test_typed_answers_are_read(typed, choice):
    assert choice_from_text(typed) == choice


async def test_stopping_midway_gives_the_score_so_far_and_ends_the_quiz():
    t = tracker("stop", "stop", **running({"items": FIVE, "position": 2, "score": 2}))
    messages, slots = await run(ActionQuizStop(), t)
    assert "You got 2 of 2 right so far" in messages[0]["text"]
    assert slots == {"quiz_active": False, "quiz_state": None}


async def test_a_real_story_during_the_quiz_hands_over_to_the_interview():
    t = tracker("actually, something happened to me", "describe_offer", lang="en",
                **running({"items": FIVE, "position": 1, "score": 1}))
    messages, slots = await run(ActionQuizStop(), t)
    assert messages[0]["text"] == "Of course, let's leave the quiz and look at what happened to you."
    assert slots["quiz_active"] is False


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_tips_come_one_at_a_time_and_never_repeat(lang):
    tips = get_awareness().tips
    given: list[str] = []
    for number in range(1, len(tips) + 1):
        messages, slots = await run(ActionGiveTip(), tracker("tip", "ask_tip", lang, tips_given=given))
        assert len(messages) == 1
        new = slots["tips_given"][-1]
        assert new not in given
        tip = next(t for t in tips if t.id == new)
        assert tip.text[lang] in messages[0]["text"]
        text = messages[0]["text"]
        assert f"{number}/{len(tips)}" in text or f"{number} of {len(tips)}" in text
        given = slots["tips_given"]
    messages, slots = await run(ActionGiveTip(), tracker("tip", "ask_tip", lang, tips_given=given))
    assert str(len(tips)) in messages[0]["text"] and slots == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_case_stories_cite_their_source_and_never_repeat(lang):
    stories = get_awareness().stories
    told: list[str] = []
    for _ in stories:
        messages, slots = await run(ActionTellCaseStory(),
                                    tracker("real case", "ask_case_story", lang, stories_told=told))
        story = next(s for s in stories if s.id == slots["stories_told"][-1])
        assert story.id not in told
        text = messages[0]["text"]
        for part in (story.title, story.told, story.paid, story.stop):
            assert part[lang] in text
        assert "http" in text
        told = slots["stories_told"]
    assert {s.pattern for s in stories} >= {"advance_fee_loan", "wrong_card_frozen", "brush_flow_limit"}
    messages, slots = await run(ActionTellCaseStory(),
                                tracker("real case", "ask_case_story", lang, stories_told=told))
    assert slots == {} and messages[0]["buttons"][0]["payload"] == "/start_quiz"
