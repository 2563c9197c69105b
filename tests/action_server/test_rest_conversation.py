"""Real servers: a conversation over the REST channel, and the action server going down.

Marked `servers` (run by `make browser-tests`); needs the trained model that
`scripts/train_if_changed.py --print-path` names (REST_TEST_MODEL overrides). Uses ports next to
the test ports
(actions 15056, Rasa 15006) so it can run while the browser tests hold 15055/15005.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.stack import ROOT, Ports, Stack, StackConfig

pytestmark = pytest.mark.servers
PORTS = Ports(actions=15056, rasa=15006, web=18081)
APOLOGY_EN = "Sorry, part of me isn't working right now"


def model_path() -> Path:
    if os.environ.get("REST_TEST_MODEL"):
        return Path(os.environ["REST_TEST_MODEL"])
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_if_changed.py"), "--print-path"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return Path(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    model = model_path()
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


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_a_whole_check_over_rest_ends_with_a_verdict_that_carries_the_assessment(stack):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    first = say(stack, sender, "Someone from JD Finance called, my loan is frozen and I must pay "
                               "an unfreezing fee. I already paid 2000 yuan.")
    assert "I'll ask a few quick questions" in texts(first)
    replies = []
    for answer in ["/dont_know"] * 6:
        replies = say(stack, sender, answer)
        if any("custom" in m for m in replies):
            break
    assessment = next(m["custom"]["assessment"] for m in replies if "custom" in m)
    assert assessment["risk"] == "high"
    assert "⚠️ High risk: this looks like a scam." in texts(replies)
    assert "🚨 You've sent money, so act now" in texts(replies)


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
    assert texts(say(stack, f"rest-{uuid.uuid4().hex[:8]}", "/describe_offer"))
