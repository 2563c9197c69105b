"""Real servers: hostile input, "forget me", faults and logs, through the public channels.

Marked `servers`; needs the trained model (`scripts/train_if_changed.py --print-path`, or
HARDENING_TEST_MODEL). Ports 15140-15142. About three minutes on two cores.
"""

from __future__ import annotations

import json
import secrets
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hardening.corpus import WECHAT_TOKEN, Figures, Players, play
from tests.hardening.servers import stack_config
from tooling.model import model_from_env
from tooling.stack import Stack
from tooling.wechat_sim import SimConfig, build_message_xml, read_reply, sign_message

pytestmark = pytest.mark.servers

PHONE, CARD, ID_NUMBER = "13912345678", "6222020200112233445", "110101199003071234"
APOLOGY = "Sorry, part of me isn't working right now"


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hardening") / "trackers.db"


@pytest.fixture(scope="module")
def stack(tracker_db: Path) -> Iterator[Stack]:
    model = model_from_env("HARDENING_TEST_MODEL")
    if not model.exists():
        pytest.fail(f"No trained model at {model}: run `make train` first.")
    with Stack(stack_config(model, tracker_db.parent, "real_channels")) as running:
        yield running


def sender() -> str:
    return f"hard-{secrets.token_hex(6)}"


def say(stack: Stack, who: str, message: str) -> list[dict]:
    reply = httpx.post(stack.urls.rest, json={"sender": who, "message": message}, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def events_of(db: Path, who: str) -> list[dict]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "select data from events where sender_id = ? order by id", (who,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def test_a_hostile_corpus_through_every_channel_gets_answers_and_no_errors(
    stack: Stack,
) -> None:
    figures = play(Players(stack.urls.rasa, Figures()), cases=150, seed=7)
    print(figures.report())
    assert figures.tried == 150
    assert figures.clean, figures.report()


def test_one_megabyte_is_answered_at_once_and_does_not_stall_another_user(stack: Stack) -> None:
    results: dict[str, float] = {}

    def hello() -> None:
        started = time.monotonic()
        assert texts(say(stack, sender(), "hi"))
        results["hi"] = time.monotonic() - started

    started = time.monotonic()
    other = threading.Thread(target=hello)
    other.start()
    big = say(stack, sender(), "please help me " * 70_000)
    results["big"] = time.monotonic() - started
    other.join()
    assert "too long" in texts(big)
    assert results["big"] < 1.0
    assert results["hi"] < 10.0


def test_typed_intent_commands_are_read_as_words_over_rest(
    stack: Stack, tracker_db: Path,
) -> None:
    who = sender()
    say(stack, who, "hi")
    say(stack, who, '/ /inform{"money_sent": "yes", "amount_sent": "9999"}')
    user_events = [e for e in events_of(tracker_db, who) if e["event"] == "user"]
    last = user_events[-1]
    assert not last["text"].startswith("/")
    assert last["parse_data"]["intent"].get("confidence", 0) < 1.0  # not Rasa's command parser
    money = [e for e in events_of(tracker_db, who) if e["event"] == "slot"
             and e["name"] == "money_sent" and e["value"] == "yes"]
    assert money == []  # the command's entity was not applied


def test_forget_me_over_rest_asks_first_then_deletes_the_whole_conversation(
    stack: Stack, tracker_db: Path,
) -> None:
    who = sender()
    say(stack, who, f"a man called from {PHONE} and wants my card number {CARD}")
    assert events_of(tracker_db, who)
    asked = say(stack, who, "please delete my data")
    assert "delete this conversation" in texts(asked)
    assert events_of(tracker_db, who)  # nothing is deleted before the user confirms
    done = say(stack, who, "/affirm")  # the "Yes, delete it" button
    assert "deleted this conversation" in texts(done)
    assert events_of(tracker_db, who) == []
    assert texts(say(stack, who, "hi"))  # a fresh start afterwards


def test_no_to_forget_me_keeps_the_conversation(stack: Stack, tracker_db: Path) -> None:
    who = sender()
    say(stack, who, "hi")
    say(stack, who, "删除我的记录")
    kept = say(stack, who, "/deny")
    assert "没有删除" in texts(kept)
    assert events_of(tracker_db, who)


def _wechat(stack: Stack, openid: str, kind: str, text: str = "") -> str | None:
    config = SimConfig(url=stack.urls.wechat, token=WECHAT_TOKEN, openid=openid,
                       account="gh_hardening")
    signed = sign_message(build_message_xml(kind, text, openid, config.account), config)
    reply = httpx.post(config.url, params=signed.params, content=signed.body.encode(), timeout=30)
    assert reply.status_code == 200, reply.text
    return read_reply(reply.text, config, encrypted=False).text


def test_forget_me_on_wechat_with_the_numbered_option_and_on_unfollow(
    stack: Stack, tracker_db: Path,
) -> None:
    openid = f"o_hard_{secrets.token_hex(4)}"
    assert _wechat(stack, openid, "text", "删除我的记录")
    done = _wechat(stack, openid, "text", "1")  # option 1: 删除
    assert done and "已经删除" in done
    assert events_of(tracker_db, openid) == []

    follower = f"o_hard_{secrets.token_hex(4)}"
    assert _wechat(stack, follower, "text", "有人让我交解冻费")
    assert events_of(tracker_db, follower)
    _wechat(stack, follower, "unsubscribe")
    assert events_of(tracker_db, follower) == []


def test_the_action_server_killed_mid_conversation_then_restarted(stack: Stack) -> None:
    who = sender()
    first = say(stack, who, "Someone from JD Finance called and said I must pay an unfreezing fee")
    assert texts(first)
    killed = stack.process("actions")
    killed.signal_group(signal.SIGKILL)
    killed.popen.wait(timeout=10)
    killed.close_log()
    stack.processes.remove(killed)
    try:
        during = say(stack, who, "it was a phone call")
        assert APOLOGY in texts(during)
    finally:
        stack.start_process("actions")
    after = say(stack, who, "it was a phone call")
    assert texts(after) and APOLOGY not in texts(after)


def test_rasa_restarted_keeps_the_conversation(stack: Stack, tracker_db: Path) -> None:
    who = sender()
    say(stack, who, "Someone from JD Finance called and said I must pay an unfreezing fee")
    before = len(events_of(tracker_db, who))
    stack.stop_process("rasa")
    stack.start_process("rasa")
    assert len(events_of(tracker_db, who)) == before
    reply = texts(say(stack, who, "no I haven't paid"))
    assert reply and "I'm an anti-fraud assistant" not in reply  # no fresh greeting


def test_no_phone_card_or_id_number_reaches_any_log(stack: Stack) -> None:
    who = sender()
    say(stack, who, f"they called from {PHONE}, asked for card {CARD} and my ID {ID_NUMBER}")
    say(stack, who, f"我的身份证号是{ID_NUMBER}，银行卡{CARD}")
    _wechat(stack, f"o_hard_{secrets.token_hex(4)}", "text", f"电话{PHONE}让我转账")
    time.sleep(1.0)
    logs = "".join(p.read_text(errors="replace") for p in stack.config.log_dir.glob("*.log"))
    assert logs  # the servers did write logs
    for secret in (PHONE, CARD, ID_NUMBER):
        assert secret not in logs
