"""Real servers: a conversation over the REST channel, and the action server going down.

Marked `servers` (run by `make browser-tests`); needs the trained model that
`scripts/train_if_changed.py --print-path` names (REST_TEST_MODEL overrides). Uses ports next to
the test ports
(actions 15056, Rasa 15006) so it can run while the browser tests hold 15055/15005.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

import actions.texts
from tooling.model import model_from_env
from tooling.paths import ROOT
from tooling.ports import Ports
from tooling.stack import Stack, StackConfig

pytestmark = pytest.mark.servers
PORTS = Ports(actions=15056, rasa=15006, web=18081)
APOLOGY_EN = "Sorry, part of me isn't working right now"
PAID_STORY = ("Someone from JD Finance called, my loan is frozen and I must pay an unfreezing fee. "
              "I already paid 2000 yuan.")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    model = model_from_env("REST_TEST_MODEL")
    if not model.exists():
        pytest.fail(f"No trained model at {model}: run `make train` first.")
    config = StackConfig(
        model=model, ports=PORTS, web=False, public_host="127.0.0.1",
        tracker_db=tmp_path_factory.mktemp("tracker") / "tracker.db",
        log_dir=ROOT / "test-artifacts" / "logs" / "rest_conversation",
    )
    with Stack(config) as running:
        yield running


def say(stack: Stack, sender: str, message: str) -> list[dict]:
    reply = httpx.post(stack.urls.rest, json={"sender": sender, "message": message}, timeout=60)
    reply.raise_for_status()
    return reply.json()


def say_text(key: str) -> str:
    """What the action server says for ``key`` in English (actions/texts.yml)."""
    return actions.texts.say(key, "en")


def assessment_of(messages: list[dict]) -> dict:
    """The checker's assessment the verdict message carries."""
    return next(m["custom"]["assessment"] for m in messages if "assessment" in m.get("custom", {}))


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_a_story_that_already_answers_what_matters_gets_the_verdict_at_once(stack):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    replies = say(stack, sender, PAID_STORY)
    assessment = assessment_of(replies)
    advice = next(m["custom"]["advice"] for m in replies if "advice" in m.get("custom", {}))
    assert assessment["risk"] == "high"
    assert advice["stages"][0] == "paid"
    assert "⚠️ High risk: this looks like a scam." in texts(replies)
    assert "🚨 You've sent money, so act now" in texts(replies)
    assert advice["steps"][0] == "call_110_stop_payment"
    assert "Have you already sent them any money?" not in texts(replies)


def test_one_word_replies_never_loop_and_end_in_a_verdict(stack):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    asked: list[str] = []
    replies = say(stack, sender, "someone offered me a loan on the phone")
    for answer in ["no", "ok", "嗯", "no", "not yet", "ok", "no that's all", "no"]:
        if any("assessment" in m.get("custom", {}) for m in replies):
            break
        asked.append(replies[-1].get("text", ""))
        replies = say(stack, sender, answer)
    assert any("assessment" in m.get("custom", {}) for m in replies), asked
    assert all(asked.count(q) <= 2 for q in asked), asked
    assert say_text(f"verdict_{assessment_of(replies)['risk']}") in texts(replies)
    advice = next(m["custom"]["advice"] for m in replies if "advice" in m.get("custom", {}))
    assert "paid" not in advice["stages"] and advice["stages"][-1] == "not_paid", advice
    assert say_text(f"advice_heading_{advice['stages'][0]}") in texts(replies)


def test_chinese_user_gets_chinese_replies(stack):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    assert "你好，我是防贷款诈骗助手" in texts(say(stack, sender, "你好"))


def test_when_the_action_server_is_down_the_user_still_gets_an_answer(stack):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    stack.stop_process("actions")
    try:
        started = say(stack, sender, "Someone offered me a loan but wants a fee first")
        assert APOLOGY_EN in texts(started)
        again = say(stack, sender, "they called me")
        assert APOLOGY_EN in texts(again)
        assert "Hi, I'm an anti-fraud assistant" in texts(say(stack, sender, "hello"))
    finally:
        stack.start_process("actions")
    back = say(stack, f"rest-{uuid.uuid4().hex[:8]}", PAID_STORY)
    assert APOLOGY_EN not in texts(back)
    assert assessment_of(back)["risk"] == "high"
    assert say_text("verdict_high") in texts(back)
