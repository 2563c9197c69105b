"""The lock store keeps one sender's turns one at a time when two replicas share Redis."""

from __future__ import annotations

import asyncio
import threading
import uuid
from urllib.parse import urlparse

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from stores.redis_lock_store import AtomicRedisLockStore


def replicas(redis_url: str, kind: type[RedisLockStore] = AtomicRedisLockStore) -> list[RedisLockStore]:
    """Two lock stores on one Redis, as two Rasa replicas create them from endpoints.yml."""
    url = urlparse(redis_url)
    config = EndpointConfig(url=url.hostname, port=url.port, password=url.password, db=1,
                            key_prefix="test", type="stores.redis_lock_store.AtomicRedisLockStore")
    if kind is AtomicRedisLockStore:
        return [AtomicRedisLockStore(endpoint_config=config) for _ in range(2)]
    return [kind(host=url.hostname, port=url.port, password=url.password, db=1, key_prefix="test")
            for _ in range(2)]


def overlapping_turns(stores: list[RedisLockStore], turns: int = 12) -> tuple[int, int]:
    """Run ``turns`` turns of one sender over the stores at once; return (turns done, max at once)."""
    sender = f"lock-{uuid.uuid4().hex[:8]}"
    inside = 0
    most = 0
    done = 0
    guard = threading.Lock()

    async def turn(store: RedisLockStore) -> None:
        nonlocal inside, most, done
        async with store.lock(sender, lock_lifetime=30, wait_time_in_seconds=0.01):
            with guard:
                inside += 1
                most = max(most, inside)
            await asyncio.sleep(0.02)  # loading, predicting and saving the tracker
            with guard:
                inside -= 1
                done += 1

    def replica(store: RedisLockStore, count: int) -> None:
        async def run() -> None:
            await asyncio.gather(*(turn(store) for _ in range(count)))
        asyncio.run(run())

    threads = [threading.Thread(target=replica, args=(store, turns // 2)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return done, most


def test_two_replicas_never_serve_one_sender_twice_at_once(redis_url):
    done, most = overlapping_turns(replicas(redis_url))
    assert done == 12
    assert most == 1


def test_the_lock_is_gone_once_every_turn_is_done(redis_url):
    stores = replicas(redis_url)
    sender = f"lock-{uuid.uuid4().hex[:8]}"

    async def two_turns() -> None:
        async with stores[0].lock(sender, wait_time_in_seconds=0.01):
            assert stores[1].is_someone_waiting(sender)
        async with stores[1].lock(sender, wait_time_in_seconds=0.01):
            pass

    asyncio.run(two_turns())
    assert stores[0].get_lock(sender) is None
