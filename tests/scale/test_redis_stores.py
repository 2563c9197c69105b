"""WeChat's de-dup claims and access token shared through Redis by several replicas."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiohttp.test_utils import TestServer

from channels.wechat.dedup import (
    InMemoryDedupStore,
    Outcome,
    RedisDedupStore,
    dedup_store_from_env,
)
from channels.wechat.push import (
    CustomerServiceClient,
    InMemoryTokenStore,
    RedisTokenStore,
    token_store_from_env,
)
from tooling.wechat_sim import FakeWeChatAPI

APP_ID = "wx1234567890abcdef"
APP_SECRET = "s3cr3t-for-tests"
OPENID = "o_scale_user"


def new_key() -> str:
    return f"msg:{uuid.uuid4().int % 10**18}"


@pytest.fixture
async def replicas(redis_url):
    """Two stores, as two Rasa replicas would each create one."""
    stores = [RedisDedupStore(redis_url, ttl=60), RedisDedupStore(redis_url, ttl=60)]
    yield stores
    for store in stores:
        await store.close()


async def test_only_the_first_delivery_is_answered_whichever_replica_gets_the_retry(replicas):
    first, second = replicas
    key = new_key()

    claims = await asyncio.gather(first.claim(key), second.claim(key), second.claim(key))

    assert sorted(claims) == [False, False, True]


async def test_a_retry_on_another_replica_gets_the_first_answer(replicas):
    first, second = replicas
    key = new_key()
    assert await first.claim(key)

    waiting = asyncio.create_task(second.wait_for(key, timeout=5))
    await asyncio.sleep(0.2)
    await first.complete(key, Outcome(reply="<xml>answer</xml>"))

    assert await waiting == Outcome(reply="<xml>answer</xml>")


async def test_a_success_outcome_is_shared_too(replicas):
    first, second = replicas
    key = new_key()
    await first.claim(key)
    await first.complete(key, Outcome(reply=None))

    assert await second.wait_for(key, timeout=1) == Outcome(reply=None)


async def test_waiting_gives_up_after_the_timeout_when_the_first_delivery_is_slow(replicas):
    first, second = replicas
    key = new_key()
    await first.claim(key)

    started = asyncio.get_running_loop().time()
    assert await second.wait_for(key, timeout=0.3) is None
    assert asyncio.get_running_loop().time() - started < 1.0


async def test_an_unknown_message_has_no_outcome(replicas):
    assert await replicas[0].wait_for(new_key(), timeout=0.2) is None


async def test_without_redis_messages_are_still_answered_rather_than_dropped(caplog):
    store = RedisDedupStore("redis://127.0.0.1:9/2", ttl=60)
    try:
        assert await store.claim(new_key()) is True
        assert await store.wait_for(new_key(), timeout=0.1) is None
    finally:
        await store.close()
    assert "de-dup store unavailable" in caplog.text


def test_the_environment_chooses_redis_only_when_a_url_is_given():
    assert isinstance(dedup_store_from_env(environ={}), InMemoryDedupStore)
    assert isinstance(dedup_store_from_env(environ={"WECHAT_REDIS_URL": "redis://x:1/2"}),
                      RedisDedupStore)
    assert isinstance(token_store_from_env(APP_ID, environ={}), InMemoryTokenStore)
    assert isinstance(token_store_from_env(APP_ID, environ={"WECHAT_REDIS_URL": "redis://x:1/2"}),
                      RedisTokenStore)


@pytest.fixture
async def fake_api():
    api = FakeWeChatAPI(app_id=APP_ID, app_secret=APP_SECRET)
    server = TestServer(api.app)
    await server.start_server()
    try:
        yield api, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_replicas_share_one_access_token(fake_api, redis_url):
    api, base = fake_api
    app_id = f"wx{uuid.uuid4().hex[:16]}"  # a fresh account: no token cached yet
    api.app_id = app_id
    clients = [CustomerServiceClient(app_id, APP_SECRET, base,
                                     token_store=RedisTokenStore(redis_url, app_id))
               for _ in range(3)]
    try:
        for number, client in enumerate(clients):
            assert await client.send_text(OPENID, f"message {number}")
    finally:
        for client in clients:
            await client.close()

    assert api.token_requests == 1
    assert len(api.sent) == 3


async def test_a_token_refused_by_wechat_is_replaced_for_every_replica(fake_api, redis_url):
    api, base = fake_api
    app_id = f"wx{uuid.uuid4().hex[:16]}"
    api.app_id = app_id
    first, second = (CustomerServiceClient(app_id, APP_SECRET, base,
                                           token_store=RedisTokenStore(redis_url, app_id))
                     for _ in range(2))
    try:
        assert await first.send_text(OPENID, "one")
        api.invalidate_tokens()
        assert await first.send_text(OPENID, "two")  # refreshes the shared token
        assert await second.send_text(OPENID, "three")  # uses the refreshed one
    finally:
        await first.close()
        await second.close()

    assert api.token_requests == 2
    assert len(api.sent) == 3
