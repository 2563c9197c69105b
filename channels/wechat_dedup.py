"""De-duplication of WeChat retries, so a message is answered (and logged to Rasa) exactly once.

WeChat retries a message up to three times when it has no answer within 5 s (docs/wechat.md). The
first delivery *claims* the message key; later deliveries wait for the first one's outcome and send
the same answer (or ``success``). The in-process store below is right for one Rasa process; with
several replicas the claim must be shared, e.g. Redis ``SET key pending NX EX ttl`` for
:meth:`DedupStore.claim`, a second key for :meth:`DedupStore.complete`, and polling in
:meth:`DedupStore.wait_for`.
"""

from __future__ import annotations

import abc
import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from wechatpy.messages import BaseMessage


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
    expires_at: float
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
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        self._evict()
        return len(self._entries)

    def _evict(self) -> None:
        now = self._clock()
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if entry.expires_at > now and len(self._entries) <= self._max_entries:
                break
            del self._entries[key]

    async def claim(self, key: str) -> bool:
        """Mark ``key`` as being answered; True for the first delivery only."""
        self._evict()
        if key in self._entries:
            return False
        self._entries[key] = _Entry(expires_at=self._clock() + self._ttl)
        self._evict()
        return True

    async def complete(self, key: str, outcome: Outcome) -> None:
        """Record the answer of the first delivery and wake up waiting retries."""
        entry = self._entries.get(key)
        if entry is None:  # evicted meanwhile: keep the answer for late retries anyway
            entry = self._entries[key] = _Entry(expires_at=self._clock() + self._ttl)
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
