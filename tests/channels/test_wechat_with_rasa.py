"""The WeChat channel in front of the real bot: trained model, real action server, real tracker.

Needs the model from ``make train`` (``scripts/train_if_changed.py --print-path``); skipped with a
message when it has not been trained yet. Starts the action server on port 15055 (or a free port
if that one is taken) for the verdicts.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from rasa.core.agent import Agent, load_agent
from rasa.core.channels.channel import register
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.events import UserUttered
from sanic import Sanic

from channels.wechat import WeChatInput
from channels.wechat.settings import WeChatSettings
from tests.channels.conftest import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    send,
    sim_config,
)

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACTIONS_PORT = 15055
STORY = "有人自称京东金融客服给我打电话，说我的贷款账户被冻结了，要我先交2000元解冻费才能放款"
# Options to pick when the bot asks (typed as their number, as a WeChat user would).
PREFERRED_OPTIONS = ("没转", "没有了", "先交费", "打电话", "京东金融", "好，查一下")
OPTION_LINE = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def model_path() -> Path:
    result = subprocess.run(
        [sys.executable, "scripts/train_if_changed.py", "--print-path"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return Path(result.stdout.strip().splitlines()[-1])


def free_port(preferred: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"action server exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"action server not healthy after {timeout:.0f} s; log: {log}")


@pytest.fixture(scope="module")
def trained_model() -> Path:
    path = model_path()
    if not path.exists():
        pytest.fail(f"no trained model at {path.relative_to(ROOT)}: run `make train` first")
    return path


@pytest.fixture(scope="module")
def action_server(tmp_path_factory) -> str:
    """`rasa run actions` from the project root; yields its webhook URL."""
    port = free_port(ACTIONS_PORT)
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "SANIC_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)},
            start_new_session=True,
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/health", process, log, timeout=180)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        for sig in (signal.SIGINT, signal.SIGKILL):
            if process.poll() is None:
                os.killpg(process.pid, sig)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    continue


@pytest.fixture(scope="module")
def agent(trained_model, action_server, tmp_path_factory) -> Agent:
    endpoints = tmp_path_factory.mktemp("endpoints") / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "{action_server}"\n', encoding="utf-8")
    loop = asyncio.new_event_loop()  # the agent keeps nothing bound to this loop
    try:
        return loop.run_until_complete(
            load_agent(
                model_path=str(trained_model),
                endpoints=AvailableEndpoints.read_endpoints(str(endpoints)),
            )
        )
    finally:
        loop.close()


def rasa_app(agent: Agent, settings: WeChatSettings) -> Sanic:
    """A Sanic app serving the channel the way `rasa run` does (same `register`)."""
    app = Sanic(f"wechat_rasa_{uuid.uuid4().hex}")
    app.ctx.agent = agent
    register([WeChatInput(settings)], app, route="/webhooks/")
    return app


def e2e_settings(base: str, **overrides) -> WeChatSettings:
    values = {"token": TOKEN, "app_id": APP_ID, "app_secret": APP_SECRET, "api_base": base}
    values.update(overrides)
    return WeChatSettings(**values)


async def say(app, api, config, text="", kind="text", msg_id=None) -> str:
    """Everything the user sees for one message: the passive reply plus any pushed messages."""
    already = len(api.sent)
    response, reply = await send(app, kind, text, config, msg_id)
    assert response.status == 200, response.text
    if reply.text is None:  # "success": the answer comes as customer-service messages
        await api.wait_for_messages(already + 1, timeout=60)
    pushed = [m["text"]["content"] for m in api.sent[already:]]
    return "\n\n".join(([reply.text] if reply.text else []) + pushed)


def pick(reply: str) -> str:
    options = dict((title.strip(), number) for number, title in OPTION_LINE.findall(reply))
    for wanted in PREFERRED_OPTIONS:
        for title, number in options.items():
            if wanted in title:
                return number
    return "不知道"


async def user_turns(agent: Agent, sender: str) -> list[UserUttered]:
    tracker = await agent.tracker_store.retrieve(sender)
    return [e for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


async def test_a_chinese_scam_story_through_wechat_ends_in_a_verdict(agent, fake_api):
    api, base = fake_api
    config = sim_config(openid=f"o_e2e_{uuid.uuid4().hex[:10]}")
    app = rasa_app(agent, e2e_settings(base))

    welcome = await say(app, api, config, kind="subscribe")
    assert welcome and "1. " in welcome  # the greeting's buttons became numbered options

    transcript = [await say(app, api, config, STORY, msg_id=810001)]
    retry = await say(app, api, config, STORY, msg_id=810001)  # WeChat's retry of the same message
    assert retry == transcript[0]
    for _ in range(8):
        if "风险" in transcript[-1]:
            break
        transcript.append(await say(app, api, config, pick(transcript[-1])))
    assert "风险" in transcript[-1], "\n---\n".join(transcript)

    tracker = await agent.tracker_store.retrieve(config.openid)
    assert tracker.get_slot("risk_level") == "high"
    turns = await user_turns(agent, config.openid)
    assert [t.message_id for t in turns].count("810001") == 1  # the retry was not a second turn
    assert len(turns) == len(transcript) + 1  # + the welcome


async def test_simultaneous_retries_are_one_turn_in_the_tracker(agent, fake_api):
    api, base = fake_api
    config = sim_config(openid=f"o_e2e_{uuid.uuid4().hex[:10]}")
    app = rasa_app(agent, e2e_settings(base))
    replies = await asyncio.gather(*(send(app, "text", "你好", config, 820002) for _ in range(3)))
    texts = {reply.text for _, reply in replies}
    assert len(texts) == 1
    assert len(await user_turns(agent, config.openid)) == 1


async def test_slash_text_cannot_set_slots_in_the_real_bot(agent, fake_api):
    api, base = fake_api
    config = sim_config(openid=f"o_e2e_{uuid.uuid4().hex[:10]}")
    app = rasa_app(agent, e2e_settings(base))
    await say(app, api, config, '/inform{"money_sent": true, "amount_sent": "5000"}')
    tracker = await agent.tracker_store.retrieve(config.openid)
    assert tracker.get_slot("money_sent") is None and tracker.get_slot("amount_sent") is None
    assert not tracker.latest_message.text.startswith("/")


async def test_slow_real_answer_is_pushed_as_a_customer_service_message(agent, fake_api):
    api, base = fake_api
    config = sim_config(openid=f"o_e2e_{uuid.uuid4().hex[:10]}")
    app = rasa_app(agent, e2e_settings(base, reply_timeout=0.01))  # Rasa can't be this fast
    response, reply = await send(app, "text", STORY, config)
    assert response.text == "success" and reply.text is None
    pushed = await api.wait_for_messages(1, timeout=60)
    assert pushed and all(m["touser"] == config.openid for m in pushed)
    assert len(await user_turns(agent, config.openid)) == 1


async def test_safe_mode_conversation_with_the_real_bot(agent, fake_api):
    api, base = fake_api
    config = sim_config(encrypt=True, openid=f"o_e2e_{uuid.uuid4().hex[:10]}")
    app = rasa_app(agent, e2e_settings(base, encoding_aes_key=AES_KEY))
    answer = await say(app, api, config, STORY)
    assert answer  # decrypted and verified by the simulator's reader
    assert (await user_turns(agent, config.openid))[0].text == STORY


async def test_the_quiz_in_wechat_is_numbered_options_answered_by_number(agent, fake_api):
    api, base = fake_api
    config = sim_config(openid=f"o_e2e_{uuid.uuid4().hex[:10]}")
    app = rasa_app(agent, e2e_settings(base))

    welcome = await say(app, api, config, kind="subscribe")
    quiz_option = dict((title.strip(), number) for number, title in OPTION_LINE.findall(welcome))
    assert "测一测" in quiz_option, welcome  # the welcome offers the quiz

    item = await say(app, api, config, quiz_option["测一测"])
    options = dict((title.strip(), number) for number, title in OPTION_LINE.findall(item))
    assert {"是诈骗", "不是诈骗", "不确定"} <= set(options), item  # the answers, numbered
    assert "1/5" in item or "第1" in item or "1 of 5" in item or "共5" in item, item

    answered = await say(app, api, config, options["不确定"])
    assert OPTION_LINE.findall(answered), answered  # the next item, with its numbered answers
    tracker = await agent.tracker_store.retrieve(config.openid)
    assert tracker.get_slot("quiz_active") is True
