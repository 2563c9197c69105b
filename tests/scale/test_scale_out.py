"""The scale-out deployment (`make scale-test`): replicas share PostgreSQL trackers and Redis locks.

Starts scripts/scale.py's deployment on the test ports (nginx 15150/15151, web chat 15152,
replicas 15153-15154, action servers 15157-15158, PostgreSQL 15432, Redis 16379) with its data in
build/scale-test/, then proves, reading the conversations back from PostgreSQL:

* 100 concurrent conversations alternating between two replicas, one replica killed mid-run and
  restarted: no turn lost or duplicated, every conversation's events in order, and the restarted
  replica carries on the conversations it never saw;
* one sender's simultaneous messages on two replicas are handled one after the other (lock store);
* a WeChat retry reaching another replica is answered from the shared de-dup store, not by a
  second turn;
* nginx spreads REST over the replicas and keeps each socket.io session on one replica.

Skipped, with the reason printed, when PostgreSQL or Redis cannot be started here.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg2
import pytest

from scripts.scale import TEST_PORTS, Deployment, ScaleConfig
from tooling.paths import ROOT
from tooling.services import StoreUnavailable
from tooling.wechat_sim import SimConfig, build_message_xml, read_reply, sign_message

pytestmark = pytest.mark.servers
CONVERSATIONS = 100
WECHAT_TOKEN = "scaletest2024"
WECHAT_OPENID = "o_scale_retry_user"
SCRIPTS = {
    "en": ["hi", "Someone from JD Finance called me, they said my loan is frozen and I have to "
                 "pay an unfreezing fee first", "a phone call", "no I haven't paid anything yet"],
    "zh": ["你好", "有个自称京东金融客服的人打电话给我，说我的贷款被冻结了，要先交解冻费", "打电话",
           "还没转钱"],
}
LAST_TURN = {"en": "thanks", "zh": "谢谢"}


@pytest.fixture(scope="module")
def deployment(model: Path) -> Iterator[Deployment]:
    home = ROOT / "build" / "scale-test"
    shutil.rmtree(home, ignore_errors=True)  # a fresh database for every run
    config = ScaleConfig(model=model, replicas=2, action_servers=2, ports=TEST_PORTS, home=home,
                         extra_env={"WECHAT_TOKEN": WECHAT_TOKEN})
    running = Deployment(config)
    try:
        running.start()
    except StoreUnavailable as error:
        print(f"\nSKIPPED scale-out tests: {error}")
        pytest.skip(f"PostgreSQL/Redis cannot be started here: {error}")
    try:
        yield running
    finally:
        running.stop()


# --- reading conversations back from PostgreSQL --------------------------------------------------

@dataclass
class Event:
    id: int
    type: str
    timestamp: float
    text: str | None
    action: str | None


def events_of(deployment: Deployment, sender: str) -> list[Event]:
    with psycopg2.connect(deployment.db_dsn()) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id, type_name, timestamp, data, action_name FROM events "
                       "WHERE sender_id = %s ORDER BY id", (sender,))
        rows = cursor.fetchall()
    return [Event(row[0], row[1], row[2], json.loads(row[3]).get("text"), row[4])
            for row in rows]


def user_texts(events: list[Event]) -> list[str]:
    return [e.text or "" for e in events if e.type == "user"]


def assert_turns_in_order(events: list[Event]) -> None:
    """Timestamps never go back; each turn is answered and ends listening before the next one."""
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(stamps), "events are out of order"
    turns: list[list[Event]] = []
    for event in events:
        if event.type == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event)
    for number, turn in enumerate(turns, start=1):
        kinds = [e.type for e in turn]
        assert "bot" in kinds, f"turn {number} has no answer: {kinds}"
        assert turn[-1].action == "action_listen", f"turn {number} never finished: {kinds}"


# --- the load test -------------------------------------------------------------------------------

@dataclass
class Tally:
    answered: int = 0
    retried: int = 0
    kept_by_dead_replica: int = 0
    silent: list[str] = field(default_factory=list)
    done: int = 0


async def take_turn(client: httpx.AsyncClient, deployment: Deployment, sender: str, text: str,
                    expected_user_turns: int, prefer: int, tally: Tally) -> None:
    """Send one turn to replica ``prefer``; on a refused or cut connection or a 503, to the other one.

    A cut connection may come after the dead replica saved the turn (it saves once, at the end):
    PostgreSQL says whether it did, so the turn is never sent twice.
    """
    for attempt in range(6):
        replica = (prefer + attempt) % 2
        url = f"{deployment.replica_url(replica)}/webhooks/rest/webhook"
        try:
            reply = await client.post(url, json={"sender": sender, "message": text})
            if reply.status_code == 503:  # a replica still starting or losing its stores
                raise httpx.TransportError("503 Service Unavailable")
        except httpx.TransportError:
            tally.retried += 1
            saved = await asyncio.to_thread(events_of, deployment, sender)
            if len(user_texts(saved)) == expected_user_turns:
                tally.kept_by_dead_replica += 1
                return
            await asyncio.sleep(0.5)
            continue
        reply.raise_for_status()
        tally.answered += 1
        if not reply.json():
            tally.silent.append(f"{sender}: {text}")
        return
    raise AssertionError(f"{sender}: no replica answered {text!r}")


async def converse(client: httpx.AsyncClient, deployment: Deployment, index: int,
                   tally: Tally) -> tuple[str, list[str]]:
    language = "en" if index % 2 == 0 else "zh"
    sender = f"scale-{uuid.uuid4().hex[:10]}"
    sent: list[str] = []
    await asyncio.sleep(random.uniform(0, 3))  # people do not all type at the same instant
    for turn, text in enumerate(SCRIPTS[language]):
        sent.append(text)
        await take_turn(client, deployment, sender, text, len(sent), prefer=(index + turn) % 2,
                        tally=tally)
        tally.done += 1
    return sender, sent


async def kill_and_restart_when(deployment: Deployment, tally: Tally, after_turns: int) -> None:
    while tally.done < after_turns:
        await asyncio.sleep(0.2)
    deployment.kill_replica(1)
    replica = deployment.restart_replica(1, wait=False)  # from this thread: see restart_replica
    await asyncio.to_thread(deployment.wait_until_healthy, replica)


def test_100_conversations_survive_a_replica_killed_mid_run(deployment):
    async def run() -> tuple[list[tuple[str, list[str]]], Tally]:
        tally = Tally()
        total = CONVERSATIONS * len(SCRIPTS["en"])
        timeout = httpx.Timeout(300.0, connect=5.0)
        limits = httpx.Limits(max_connections=2 * CONVERSATIONS)
        async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
            chaos = asyncio.create_task(kill_and_restart_when(deployment, tally, total // 4))
            conversations = await asyncio.gather(
                *(converse(client, deployment, i, tally) for i in range(CONVERSATIONS)))
            await chaos  # the restarted replica is up again
            # Every conversation's last turn goes to the restarted replica, which never saw it.
            for index, (_, sent) in enumerate(conversations):
                language = "en" if index % 2 == 0 else "zh"
                sent.append(LAST_TURN[language])
            await asyncio.gather(*(
                take_turn(client, deployment, sender, sent[-1], len(sent), prefer=1, tally=tally)
                for sender, sent in conversations))
        return conversations, tally

    conversations, tally = asyncio.run(run())

    print(f"\n{tally.answered} turns answered, {tally.retried} retried after the kill, "
          f"{tally.kept_by_dead_replica} saved by the killed replica before it died")
    assert tally.retried > 0, "the kill hit no conversation: the test proved nothing"
    assert not tally.silent, f"turns answered with nothing: {tally.silent[:3]}"
    for sender, sent in conversations:
        events = events_of(deployment, sender)
        assert user_texts(events) == sent, f"{sender}: turns lost, duplicated or reordered"
        assert_turns_in_order(events)
        assert sum(1 for e in events if e.type == "session_started") == 1, sender


def test_one_senders_simultaneous_messages_on_two_replicas_are_handled_one_at_a_time(deployment):
    sender = f"scale-lock-{uuid.uuid4().hex[:8]}"
    texts = ["hi", "what is a safe account?", "is this a scam?", "who are you", "thanks", "bye"]

    async def send_all() -> list[int]:
        async with httpx.AsyncClient(timeout=120) as client:
            replies = await asyncio.gather(*(
                client.post(f"{deployment.replica_url(n % 2)}/webhooks/rest/webhook",
                            json={"sender": sender, "message": text})
                for n, text in enumerate(texts)))
        return [r.status_code for r in replies]

    assert asyncio.run(send_all()) == [200] * len(texts)

    events = events_of(deployment, sender)
    assert sorted(user_texts(events)) == sorted(texts)  # none lost, none twice
    assert_turns_in_order(events)  # no turn started before the previous one was answered


def test_a_wechat_retry_on_another_replica_is_not_a_second_turn(deployment):
    config = SimConfig(token=WECHAT_TOKEN, openid=f"{WECHAT_OPENID}_{uuid.uuid4().hex[:6]}")
    xml = build_message_xml("text", "你好", config.openid, config.account)
    signed = sign_message(xml, config)  # one delivery, repeated as WeChat repeats it

    async def deliver_three_times() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            def post(base: str) -> object:
                return client.post(f"{base}/webhooks/wechat/webhook", params=signed.params,
                                   content=signed.body.encode("utf-8"),
                                   headers={"Content-Type": "text/xml; charset=utf-8"})
            first = asyncio.create_task(post(deployment.replica_url(0)))
            await asyncio.sleep(0.05)
            retries = [post(deployment.replica_url(1)), post(deployment.config.public_url)]
            return [await first, *await asyncio.gather(*retries)]

    replies = asyncio.run(deliver_three_times())

    assert [r.status_code for r in replies] == [200, 200, 200]
    answers = {read_reply(r.text, config, signed.encrypted).text for r in replies}
    assert len(answers) == 1 and None not in answers, answers  # the same passive reply, thrice
    assert user_texts(events_of(deployment, config.openid)) == ["你好"]


def test_nginx_spreads_rest_and_keeps_each_socketio_session_on_one_replica(deployment):
    base = deployment.config.public_url
    replica_addresses = {f"127.0.0.1:{port}" for port in deployment.config.ports.replicas(2)}
    access_log = deployment.config.home / "nginx" / "access.log"
    start = access_log.stat().st_size if access_log.exists() else 0

    with httpx.Client(timeout=60) as client:
        for n in range(6):
            reply = client.post(f"{base}/webhooks/rest/webhook",
                                json={"sender": f"scale-lb-{n}", "message": "hi"})
            assert reply.status_code == 200 and reply.json()
        for _ in range(8):
            # A fresh browser: handshake, connect, then the server's answer, all by polling.
            with httpx.Client(base_url=base, timeout=30) as browser:
                hello = browser.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
                assert hello.status_code == 200, hello.text
                sid = json.loads(hello.text[1:])["sid"]
                query = {"EIO": "4", "transport": "polling", "sid": sid}
                connect = browser.post("/socket.io/", params=query, content="40")
                assert connect.status_code == 200, connect.text  # 400 "Invalid session" if not sticky
                ack = browser.get("/socket.io/", params=query)
                assert ack.status_code == 200 and ack.text.startswith("40"), ack.text

    lines = access_log.read_bytes()[start:].decode().splitlines()
    rest = {line.split()[-1] for line in lines if "/webhooks/rest/" in line}
    sockets = {line.split()[-1] for line in lines if "/socket.io/" in line}
    assert rest == replica_addresses, f"REST went to {rest}"
    assert sockets == replica_addresses, f"socket.io sessions all went to {sockets}"
