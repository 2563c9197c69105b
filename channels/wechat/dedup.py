"""De-duplication of WeChat retries, so a message is answered (and logged to Rasa) exactly once.

WeChat retries a message up to three times when it has no answer within 5 s (docs/wechat.md). The
first delivery *claims* the message key; later deliveries wait for the first one's outcome and send
the same answer (or ``success``). :class:`InMemoryDedupStore` is right for one Rasa process; with
several replicas a retry may reach another replica, so the claim is shared in Redis
(:class:`RedisDedupStore`: ``SET key pending NX EX ttl`` claims, a second key holds the answer,
retries poll it). :func:`dedup_store_from_env` picks Redis when ``WECHAT_REDIS_URL`` is set.
"""

from __future__ import annotations

import abc
import asyncio
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wechatpy.messages import BaseMessage

from channels.expiring_cache import ExpiringCache
from channels.wechat.settings import REDIS_URL_ENV

logger = logging.getLogger(__name__)



@dataclass(frozen=True)
class Outcome:
    """What the first delivery answered: the passive reply text, or None for ``success``."""

    reply: str | None


def dedup_key(message: BaseMessage) -> str:
    """WeChat's recommended key: MsgId for messages, FromUserName + CreateTime for events."""
    msg_id = int(message.id or 0)
    if message.type != "event" and msg_id:
        return f"msg:{msg_id}"
    return f"evt:{message.source}:{message.time}"


class DedupStore(abc.ABC):
    """Remembers which messages were seen and what was answered."""

    @abc.abstractmethod
    async def claim(self, key: str) -> bool:
        """Mark ``key`` as being answered; True for the first delivery only."""

    @abc.abstractmethod
    async def complete(self, key: str, outcome: Outcome) -> None:
        """Record the answer of the first delivery so retries can repeat it."""

    @abc.abstractmethod
    async def wait_for(self, key: str, timeout: float) -> Outcome | None:
        """Wait up to ``timeout`` s for the first delivery's outcome; None if not there yet."""


@dataclass
class _Entry:
    done: asyncio.Event = field(default_factory=asyncio.Event)
    outcome: Outcome | None = None


class InMemoryDedupStore(DedupStore):
    """A TTL cache in this process; bounded so a flood of messages cannot exhaust memory."""

    def __init__(
        self,
        ttl: float = 600.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: ExpiringCache[str, _Entry] = ExpiringCache(max_entries, ttl, clock)

    def __len__(self) -> int:
        return len(self._entries)

    async def claim(self, key: str) -> bool:
        """Mark ``key`` as being answered; True for the first delivery only."""
        if key in self._entries:
            return False
        self._entries.put(key, _Entry())
        return True

    async def complete(self, key: str, outcome: Outcome) -> None:
        """Record the answer of the first delivery and wake up waiting retries."""
        entry = self._entries.get(key)
        if entry is None:  # evicted meanwhile: keep the answer for late retries anyway
            entry = _Entry()
            self._entries.put(key, entry)
        entry.outcome = outcome
        entry.done.set()

    async def wait_for(self, key: str, timeout: float) -> Outcome | None:
        """Wait up to ``timeout`` s for the first delivery's outcome; None if not there yet."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if not entry.done.is_set():
            try:
                await asyncio.wait_for(entry.done.wait(), timeout)
            except asyncio.TimeoutError:
                return None
        return entry.outcome


class RedisDedupStore(DedupStore):
    """The claim and the answer in Redis, shared by every replica.

    Keys (``<prefix>:dedup:<message key>`` and ``...:outcome``) hold only WeChat's message id
    and the passive reply, and expire after ``ttl`` seconds. If Redis cannot be reached the
    message is answered anyway (a possible duplicate is better than silence) and it is logged.
    """

    def __init__(self, url: str, ttl: float = 600.0, prefix: str = "loanscam:wechat",
                 poll_interval: float = 0.05) -> None:
        self._url = url
        self._ttl = max(1, int(ttl))
        self._prefix = prefix
        self._poll = poll_interval
        self._client: Any = None

    def _redis(self) -> Any:
        # Created lazily inside the running loop (Sanic's), never at import or construction.
        if self._client is None:
            import redis.asyncio

            self._client = redis.asyncio.Redis.from_url(self._url, socket_timeout=2.0)
        return self._client

    def _key(self, key: str) -> str:
        return f"{self._prefix}:dedup:{key}"

    async def close(self) -> None:
        """Close the Redis connections."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def claim(self, key: str) -> bool:
        """Mark ``key`` as being answered; True for the first delivery, on whichever replica."""
        try:
            return bool(await self._redis().set(self._key(key), "pending", nx=True, ex=self._ttl))
        except Exception as error:  # noqa: BLE001 (redis errors and connection failures)
            logger.warning("WeChat de-dup store unavailable (%s): answering", type(error).__name__)
            return True

    async def complete(self, key: str, outcome: Outcome) -> None:
        """Store the first delivery's answer for retries arriving at any replica."""
        try:
            await self._redis().set(f"{self._key(key)}:outcome",
                                    json.dumps({"reply": outcome.reply}), ex=self._ttl)
        except Exception as error:  # noqa: BLE001
            logger.warning("WeChat de-dup answer not stored (%s)", type(error).__name__)

    async def wait_for(self, key: str, timeout: float) -> Outcome | None:
        """Poll for the first delivery's answer for up to ``timeout`` s; None if not there yet."""
        deadline = time.monotonic() + timeout
        try:
            client = self._redis()
            if not await client.exists(self._key(key)):
                return None
            while True:
                stored = await client.get(f"{self._key(key)}:outcome")
                if stored is not None:
                    return Outcome(reply=json.loads(stored)["reply"])
                if time.monotonic() >= deadline:
                    return None
                await asyncio.sleep(min(self._poll, max(0.0, deadline - time.monotonic())))
        except Exception as error:  # noqa: BLE001
            logger.warning("WeChat de-dup store unavailable (%s)", type(error).__name__)
            return None


def dedup_store_from_env(ttl: float = 600.0, environ: Mapping[str, str] | None = None,
                         ) -> DedupStore:
    """Redis when ``WECHAT_REDIS_URL`` is set (several replicas), else in this process."""
    url = (os.environ if environ is None else environ).get(REDIS_URL_ENV, "").strip()
    if url:
        return RedisDedupStore(url, ttl=ttl)
    return InMemoryDedupStore(ttl=ttl)
