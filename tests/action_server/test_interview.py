"""The interview's pure functions: generic replies, facts from every turn, at most two asks."""

import pytest

from actions import names
from actions.interview import (
    MAX_QUESTIONS,
    UNCLEAR,
    StoryReading,
    Turn,
    answer_to_open_question,
    belongs_to_story,
    next_question,
    plan_turn,
    read_turn,
)
from actions.replies import Reply, generic_reply, is_question_only
from tests.action_server.conftest import entity

CALM = StoryReading()
EMPTY: dict = {}


@pytest.mark.parametrize(
    ("text", "intent", "kind"),
    [
        ("no", "deny", Reply.NO), ("Nope!!", None, Reply.NO), ("not yet", "deny", Reply.NO),
        ("没有了", None, Reply.NO), ("還沒", None, Reply.NO), ("no that's all", None, Reply.NO),
        ("嗯", None, Reply.YES), ("对的", None, Reply.YES), ("yes", "affirm", Reply.YES),
        ("ok", None, Reply.OK), ("好的", None, Reply.OK), ("👍", None, None),
        ("idk", None, Reply.DONT_KNOW), ("不清楚", None, Reply.DONT_KNOW),
        ("no, they called me on wechat", "deny", None),
        ("I've paid twice already", "affirm", None),
        ("/deny", "deny", None),
    ],
)
def test_generic_reply_recognises_short_replies_only(text, intent, kind):
    assert generic_reply(text, intent) == kind


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("hold on, what does unfreezing fee mean?", True),
        ("什么是刷流水？", True),
        ("should I pay? they gave me an hour", False),
        ("they want a deposit, is that normal?", True),
        ("I paid the fee, is that bad?", False),
        ("he called me yesterday", False),
    ],
)
def test_a_question_that_says_nothing_about_the_user_is_not_a_story_turn(text, question):
    assert is_question_only(text) is question


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        (names.MONEY_SENT, "not yet", names.NO),
        (names.MONEY_SENT, "嗯", names.YES),
        (names.MONEY_SENT, "ok", UNCLEAR),
        (names.CLAIMED_IDENTITY, "no", names.UNKNOWN),
        (names.CONTACT_CHANNEL, "没有", names.UNKNOWN),
        (names.CLAIMED_IDENTITY, "ok", UNCLEAR),
        (names.EXTRA_DETAILS, "没有了", names.NONE_GIVEN),
        (names.EXTRA_DETAILS, "no that's all", names.NONE_GIVEN),
        (names.CLAIMED_IDENTITY, "some lady from the loan company", "some lady from the loan company"),
        (names.REQUESTED_ACTIONS, "they threaten to send edited photos of me", [names.OTHER]),
        (names.CONTACT_CHANNEL, "what is brushing the flow?", UNCLEAR),
    ],
)
def test_a_reply_means_what_it_means_for_the_question_just_asked(asked, text, expected):
    turn = Turn(text=text, asked=asked)
    assert answer_to_open_question(turn, read_turn(turn, EMPTY)) == expected


def test_paying_several_times_means_money_was_sent_whichever_question_it_answers():
    turn = Turn(text="I already did it three times", asked=names.CLAIMED_IDENTITY)
    assert read_turn(turn, EMPTY)[names.MONEY_SENT] == names.YES


def test_a_later_payment_overrides_an_earlier_no():
    turn = Turn(text="actually I paid them 800 yesterday", asked=names.EXTRA_DETAILS)
    found = read_turn(turn, {names.MONEY_SENT: names.NO})
    assert found[names.MONEY_SENT] == names.YES
    assert found[names.AMOUNT_SENT] == "800"


def test_a_no_does_not_erase_a_payment_already_told():
    turn = Turn(text="I haven't sent the last one", asked=names.EXTRA_DETAILS)
    assert names.MONEY_SENT not in read_turn(turn, {names.MONEY_SENT: names.YES})


def test_a_question_naming_a_fee_adds_no_fee_to_the_case():
    text = "what does unfreezing fee mean?"
    turn = Turn(text=text, entities=(entity("fee_type", "unfreezing_fee", 10),))
    assert read_turn(turn, EMPTY) == {}


def test_a_correction_replaces_the_platform():
    text = "sorry it was 360 IOU, not JD"
    turn = Turn(text=text, intent=names.CORRECT_ANSWER, entities=(
        entity("platform", "360_iou", 13), entity("platform", "jd_finance", 26)))
    assert read_turn(turn, {names.CLAIMED_IDENTITY: "jd_finance"})[names.CLAIMED_IDENTITY] == "360_iou"


def test_a_fee_named_anywhere_is_a_request_to_pay():
    turn = Turn(text="they want an insurance fee", entities=(entity("fee_type", "insurance_fee", 13),))
    found = read_turn(turn, EMPTY)
    assert found[names.FEE_TYPES] == ["insurance_fee"]
    assert found[names.REQUESTED_ACTIONS] == ["pay_fee"]


def test_no_question_is_asked_more_than_twice():
    slots: dict = {}
    asks: dict = {}
    asked = None
    seen = []
    for _ in range(12):
        plan = plan_turn(Turn(text="ok", asked=asked), slots, asks, CALM, verdict_given=False)
        slots.update(plan.slots)
        asks = plan.asks
        asked = plan.next_question
        if asked is None:
            break
        seen.append(asked)
    assert asked is None
    assert all(seen.count(q) <= 2 for q in set(seen))
    assert len(seen) <= MAX_QUESTIONS


def test_after_a_second_unclear_reply_the_answer_is_unknown_and_the_interview_moves_on():
    plan = plan_turn(Turn(text="ok", asked=names.CLAIMED_IDENTITY), {names.CONTACT_CHANNEL: "sms"},
                     {names.CONTACT_CHANNEL: 1, names.CLAIMED_IDENTITY: 2}, CALM, verdict_given=False)
    assert plan.slots[names.CLAIMED_IDENTITY] == names.UNKNOWN
    assert plan.next_question == names.REQUESTED_ACTIONS
    assert "ask_again" not in plan.say


def test_the_first_unclear_reply_asks_again_with_a_hint():
    plan = plan_turn(Turn(text="ok", asked=names.CLAIMED_IDENTITY), {names.CONTACT_CHANNEL: "sms"},
                     {names.CONTACT_CHANNEL: 1, names.CLAIMED_IDENTITY: 1}, CALM, verdict_given=False)
    assert plan.next_question == names.CLAIMED_IDENTITY
    assert plan.say == ["ask_again"]


def test_facts_already_given_are_not_asked_again():
    slots = {names.CONTACT_CHANNEL: "phone_call", names.CLAIMED_IDENTITY: "jd_finance",
             names.MONEY_SENT: names.NO}
    assert next_question(slots, {}, high_risk=False) == names.REQUESTED_ACTIONS


def test_high_risk_asks_only_whether_money_left():
    assert next_question({}, {}, high_risk=True) == names.MONEY_SENT
    assert next_question({names.MONEY_SENT: names.NO}, {names.MONEY_SENT: 1}, high_risk=True) is None


def test_the_amount_is_asked_only_when_money_was_sent():
    done = {names.CONTACT_CHANNEL: "sms", names.CLAIMED_IDENTITY: "bank",
            names.REQUESTED_ACTIONS: ["pay_fee"]}
    assert next_question({**done, names.MONEY_SENT: names.NO}, {}, False) == names.EXTRA_DETAILS
    assert next_question({**done, names.MONEY_SENT: names.YES}, {}, False) == names.AMOUNT_SENT


def test_a_story_that_says_money_left_fills_money_sent():
    plan = plan_turn(Turn(text="they made me scan a code", asked=names.CONTACT_CHANNEL), {}, {},
                     StoryReading(paid=True), verdict_given=False)
    assert plan.slots[names.MONEY_SENT] == names.YES


def test_a_new_fact_after_the_verdict_asks_nothing_more():
    plan = plan_turn(Turn(text="I paid them yesterday"), {names.RISK_LEVEL: "high"}, {},
                     CALM, verdict_given=True)
    assert plan.slots[names.MONEY_SENT] == names.YES
    assert plan.next_question is None


def test_small_talk_is_never_taken_as_an_answer():
    plan = plan_turn(Turn(text="are you a robot", intent="bot_challenge", asked=names.CLAIMED_IDENTITY),
                     {names.CONTACT_CHANNEL: "sms"}, {names.CONTACT_CHANNEL: 1, names.CLAIMED_IDENTITY: 1},
                     CALM, verdict_given=False)
    assert names.CLAIMED_IDENTITY not in plan.slots
    assert plan.next_question == names.CLAIMED_IDENTITY
    assert plan.say == []


@pytest.mark.parametrize(
    ("text", "intent", "case_open", "belongs"),
    [
        ("no", "deny", True, False),
        ("she never asked me for money", "deny", True, True),
        ("what is 刷流水?", "faq", True, False),
        ("my bank app offered me a loan at 4%", "faq", False, True),
        ("hi", "greet", True, False),
        ("/inform{\"platform\": \"bank\"}", "inform", True, False),
    ],
)
def test_which_turns_belong_to_the_story(text, intent, case_open, belongs):
    assert belongs_to_story(Turn(text=text, intent=intent), case_open) is belongs


@pytest.mark.parametrize("text", ["没了", "that's all", "no that's all"])
def test_thats_all_to_any_question_brings_the_verdict(text):
    plan = plan_turn(Turn(text=text, asked=names.MONEY_SENT), {names.CONTACT_CHANNEL: "sms"},
                     {names.CONTACT_CHANNEL: 1, names.MONEY_SENT: 1}, CALM, verdict_given=False)
    assert plan.slots[names.MONEY_SENT] == names.NO
    assert plan.next_question is None


def test_ok_thanks_to_anything_else_ends_the_interview_even_when_read_as_thanks():
    plan = plan_turn(Turn(text="好的 謝謝", intent="thanks", asked=names.EXTRA_DETAILS), {},
                     {names.EXTRA_DETAILS: 1}, CALM, verdict_given=False)
    assert plan.slots[names.EXTRA_DETAILS] == names.NONE_GIVEN
    assert not plan.small_talk
