"""The input rule every public channel shares (channels/input_guard.py)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from channels.input_guard import (
    InputGuard,
    Outcome,
    RateLimiter,
    neutralise_command,
    normalise_text,
)

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066",
             "\u2069", "\u200e", "\u200f", "\u061c", "\x00", "\x07", "\x1b", "\x7f"]
SPACES = [" ", "\t", "\n", "\u3000", "\u00a0", "\r\n"]


def test_a_one_megabyte_message_gets_the_kind_notice_within_a_millisecond() -> None:
    guard = InputGuard(max_chars=2000)
    guard.screen("warm-up", "x" * 2001)  # the notices file is read once per process
    text = "please help " * 90_000
    started = time.perf_counter()
    screened = guard.screen("u1", text)
    elapsed = time.perf_counter() - started
    assert screened.outcome is Outcome.TOO_LONG
    assert "too long" in screened.notice and "2000" in screened.notice
    assert elapsed < 0.001


def test_the_too_long_notice_follows_the_language_of_the_text() -> None:
    screened = InputGuard(max_chars=10).screen("u1", "有人让我交解冻费" * 5)
    assert "太长" in screened.notice and "10" in screened.notice


def test_a_message_at_the_limit_reaches_rasa() -> None:
    assert InputGuard(max_chars=10).screen("u1", "x" * 10).text == "x" * 10


def test_invisible_and_control_characters_are_removed_before_nlu() -> None:
    text = "\u202ehe\u200bllo\x00 \u2066my\u2069\tcard\u200d\n\n was\x1b frozen\ufeff"
    assert normalise_text(text) == "hello my card was frozen"


def test_chinese_punctuation_and_full_width_characters_are_kept() -> None:
    assert normalise_text("客服说：“交２０００元”，对吗？") == "客服说：“交２０００元”，对吗？"


def test_lone_surrogates_from_json_escapes_are_dropped() -> None:
    assert normalise_text("ok\ud800 then") == "ok then"


@given(
    st.lists(st.sampled_from(["/", " /", "/ ", *SPACES, *INVISIBLE]), min_size=1, max_size=12),
    st.sampled_from(["start_over", 'inform{"money_sent": false}', "restart", "greet@0.9"]),
)
@settings(max_examples=300, deadline=None)
def test_no_typed_text_ever_reaches_rasa_as_an_intent_command(prefix: list[str], command: str):
    raw = "".join(prefix) + "/" + command
    screened = InputGuard(rate_limit=0).screen("u1", raw)
    assert screened.to_rasa
    assert not screened.text.strip().startswith("/")
    assert command.split("{")[0].split("@")[0] in screened.text


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_is_either_words_without_a_command_or_a_notice(raw: str) -> None:
    screened = InputGuard(rate_limit=0).screen("u1", raw)
    if screened.to_rasa:
        assert screened.text and not screened.text.startswith("/")
        assert screened.text == screened.text.strip()
        screened.text.encode("utf-8")  # no lone surrogate survives
    else:
        assert screened.notice


def test_a_button_payload_the_bot_offered_keeps_its_slash() -> None:
    offered = {'/inform{"money_sent": "no"}'}
    guard = InputGuard()
    assert guard.screen("u1", '/inform{"money_sent": "no"}', offered).text == (
        '/inform{"money_sent": "no"}'
    )
    assert guard.screen("u1", '/inform{"money_sent": "yes"}', offered).text == (
        'inform{"money_sent": "yes"}'
    )
    assert neutralise_command("/ / /start_over") == "start_over"


def test_empty_and_invisible_messages_get_a_request_for_words() -> None:
    guard = InputGuard(rate_limit=0)
    for raw in ["", "   ", "\u200b\u200b", "\x00\x01", "/", " / / ", "...", None, 42]:
        screened = guard.screen("u1", raw)
        assert screened.outcome is Outcome.EMPTY, raw
        assert "words" in screened.notice


def test_emoji_only_messages_reach_rasa() -> None:
    assert InputGuard().screen("u1", "😡😡😡").text == "😡😡😡"


def test_a_sender_over_the_rate_limit_gets_a_kind_notice_and_others_do_not() -> None:
    now = [0.0]
    guard = InputGuard(rate_limit=3, rate_window=10, clock=lambda: now[0])
    outcomes = [guard.screen("fast", "hi").outcome for _ in range(4)]
    assert outcomes[:3] == [Outcome.TO_RASA] * 3 and outcomes[3] is Outcome.RATE_LIMITED
    assert "wait a few seconds" in guard.screen("fast", "hi").notice
    assert guard.screen("other", "hi").to_rasa
    now[0] = 10.5
    assert guard.screen("fast", "hi").to_rasa


def test_the_rate_limiter_forgets_the_oldest_senders_beyond_its_bound() -> None:
    limiter = RateLimiter(limit=1, window=60, max_senders=2, clock=lambda: 0.0)
    assert limiter.allow("a") and limiter.allow("b") and limiter.allow("c")
    assert limiter.allow("a")  # "a" was forgotten, so it starts again
    assert not limiter.allow("c")
