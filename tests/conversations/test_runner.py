"""The runner judges what a user would notice: loops, silence, a missing or wrong verdict.

Fast: hand-made transcripts and a fake REST channel, no servers.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from scripts.run_conversations import (
    Conversation,
    Exchange,
    Expectation,
    judge,
    play,
    question_texts,
)

ASK_MONEY_EN = "Have you already sent them any money?"
ASK_MONEY_ZH = "你已经给对方转过钱了吗？"
QUESTIONS = {ASK_MONEY_EN: "utter_ask_money_sent", ASK_MONEY_ZH: "utter_ask_money_sent"}


def test_questions_are_every_language_of_every_ask_response(tmp_path: Path) -> None:
    (tmp_path / "offer.yml").write_text(f"""version: "3.1"
responses:
  utter_ask_money_sent:
  - text: {ASK_MONEY_EN}
  - condition: [{{type: slot, name: language, value: zh}}]
    text: {ASK_MONEY_ZH}
  utter_greet:
  - text: Hello
""", encoding="utf-8")
    assert question_texts(tmp_path) == QUESTIONS


def test_a_question_after_other_words_in_the_same_message_still_counts() -> None:
    transcript = [Exchange(t, [{"text": f"Sorry, I didn't get that. {ASK_MONEY_EN}"}])
                  for t in ("no", "ok", "?")]
    outcome = judge(conversation(), transcript, QUESTIONS)
    assert "loop: utter_ask_money_sent asked 3 times in a row" in outcome.failures


def conversation(*turns: str, **expect: object) -> Conversation:
    return Conversation("t-1", "https://example.org", "en", turns or ("a", "b"),
                        Expectation(**{"risk": ("high",), **expect}))  # type: ignore[arg-type]


def verdict(risk: str = "high", advice: tuple[str, ...] = ("call_110_stop_payment",),
            flags: tuple[str, ...] = ()) -> dict:
    return {"text": "⚠️ verdict", "custom": {"assessment": {
        "risk": risk, "red_flags": [{"id": f} for f in flags], "advice": list(advice)}}}


def test_judge_passes_a_conversation_that_meets_its_expectation() -> None:
    transcript = [Exchange("I paid", [{"text": ASK_MONEY_EN}]),
                  Exchange("yes", [verdict(flags=("unfreezing_fee",))])]
    outcome = judge(conversation(advice=("call_110_stop_payment",), red_flags=("unfreezing_fee",),
                                 stages=("paid",)), transcript, QUESTIONS)
    assert outcome.passed, outcome.failures


def test_judge_catches_a_question_asked_three_times_in_a_row_in_either_language() -> None:
    transcript = [Exchange("no", [{"text": "Sorry?"}, {"text": ASK_MONEY_EN}]),
                  Exchange("嗯", [{"text": ASK_MONEY_ZH}]),
                  Exchange("ok", [{"text": ASK_MONEY_EN}, verdict()])]
    outcome = judge(conversation(), transcript, QUESTIONS)
    assert outcome.failures == ["loop: utter_ask_money_sent asked 3 times in a row"]


def test_judge_reports_a_missing_verdict_and_a_silent_reply() -> None:
    transcript = [Exchange("hi", [{"text": "Hello"}]), Exchange("?", [])]
    outcome = judge(conversation(), transcript, QUESTIONS)
    assert outcome.failures == ["turn 2: no reply with text to '?'", "no verdict arrived"]


def test_judge_uses_the_last_verdict_and_the_last_advice() -> None:
    transcript = [
        Exchange("story", [verdict("high")]),
        Exchange("more", [verdict("low", advice=()),
                          {"text": "Do this", "custom": {"advice": {
                              "stages": ["not_paid"], "steps": ["stop_do_not_pay"]}}}]),
    ]
    outcome = judge(conversation(advice=("call_110_stop_payment",),
                                 no_advice=("stop_do_not_pay",)), transcript, QUESTIONS)
    assert outcome.failures == [
        "risk low, expected high",
        "advice lacks ['call_110_stop_payment'] (got ['stop_do_not_pay'])",
        "advice has forbidden ['stop_do_not_pay']",
    ]


def test_play_sends_every_turn_with_one_fresh_sender_per_conversation() -> None:
    seen: list[dict] = []

    def channel(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=[{"text": f"echo {seen[-1]['message']}"}])

    with httpx.Client(transport=httpx.MockTransport(channel)) as client:
        first = play(conversation("hi", "no"), "http://rasa", client=client)
        play(conversation("hi", "no"), "http://rasa", client=client)
    assert [e.replies for e in first] == [[{"text": "echo hi"}], [{"text": "echo no"}]]
    senders = [m["sender"] for m in seen]
    assert senders[0] == senders[1] != senders[2] == senders[3]


def test_play_stops_at_a_server_error_and_judge_reports_it() -> None:
    def channel(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500)

    with httpx.Client(transport=httpx.MockTransport(channel)) as client:
        transcript = play(conversation("hi", "no", "ok"), "http://rasa", client=client)
    assert len(transcript) == 1
    outcome = judge(conversation(), transcript, QUESTIONS)
    assert outcome.failures[0].startswith("turn 1: request failed (HTTPStatusError")
