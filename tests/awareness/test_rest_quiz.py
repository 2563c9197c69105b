"""The quiz end to end over Rasa's REST channel, in both languages, as a client sees it.

Marked `servers`; ports 15125 (actions) and 15126 (Rasa), with the trained model
(REST_TEST_MODEL overrides).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tooling.model import model_from_env
from tooling.paths import ROOT
from tooling.ports import Ports
from tooling.stack import Stack, StackConfig

pytestmark = pytest.mark.servers
PORTS = Ports(actions=15125, rasa=15126, web=15127)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    model = model_from_env("REST_TEST_MODEL")
    if not model.exists():
        pytest.fail(f"No trained model at {model}: run `make train` first.")
    config = StackConfig(
        model=model, ports=PORTS, web=False, public_host="127.0.0.1",
        tracker_db=tmp_path_factory.mktemp("tracker") / "tracker.db",
        log_dir=ROOT / "test-artifacts" / "logs" / "rest_quiz",
    )
    with Stack(config) as running:
        yield running


def say(stack: Stack, sender: str, message: str) -> list[dict]:
    reply = httpx.post(stack.urls.rest, json={"sender": sender, "message": message}, timeout=60)
    reply.raise_for_status()
    return reply.json()


def quiz_payloads(messages: list[dict]) -> list[dict]:
    return [m["custom"]["quiz"] for m in messages if isinstance(m.get("custom"), dict)
            and "quiz" in m["custom"]]


def buttons(messages: list[dict]) -> list[dict]:
    return [b for m in messages for b in m.get("buttons", []) or []]


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


@pytest.mark.parametrize("start, language", [("test me", "en"), ("测一测", "zh")])
def test_five_items_with_explanations_then_the_score(stack, start, language):
    sender = f"quiz-{uuid.uuid4().hex[:8]}"
    messages = say(stack, sender, start)
    for number in range(1, 6):
        assert {"item": number, "of": 5} in quiz_payloads(messages), text_of(messages)
        choices = buttons(messages)
        assert len(choices) == 3  # scam / not a scam / not sure
        if language == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in choices[0]["title"])
        messages = say(stack, sender, choices[-1]["payload"])  # "not sure": always explained
        assert len(text_of(messages)) > 40  # the explanation of the red flags, not a bare "ok"
    scores = [p for p in quiz_payloads(messages) if "score" in p]
    assert scores and scores[0]["of"] == 5 and 0 <= scores[0]["score"] <= 5


def test_typed_answers_are_understood(stack):
    sender = f"quiz-{uuid.uuid4().hex[:8]}"
    say(stack, sender, "quiz")
    messages = say(stack, sender, "scam")
    assert {"item": 2, "of": 5} in quiz_payloads(messages), text_of(messages)


def test_leaving_in_the_middle_ends_the_quiz(stack):
    sender = f"quiz-{uuid.uuid4().hex[:8]}"
    say(stack, sender, "quiz")
    say(stack, sender, "scam")
    left = say(stack, sender, "stop")
    assert not quiz_payloads(left)
    after = say(stack, sender, "thanks")
    assert not quiz_payloads(after)  # no item comes back once the user has left


def test_something_happened_to_me_starts_the_interview(stack):
    sender = f"quiz-{uuid.uuid4().hex[:8]}"
    say(stack, sender, "考考我")
    messages = say(stack, sender, "其实我刚接到一个自称京东金融客服的电话，让我先交解冻费")
    assert not quiz_payloads(messages)
    assert "?" in text_of(messages) or "？" in text_of(messages)  # the interview asks its first question
