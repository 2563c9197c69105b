"""A small in-process cache: a bounded number of entries, each forgotten after its time to live.

The channels keep per-user state in memory (WeChat retries and numbered options, the access
token, socket.io's offered buttons, rate-limit counters). A flood of senders must never exhaust
memory, so every such store holds at most ``max_items`` entries and drops the least recently
written one first; entries with a time to live disappear when it runs out.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, overload

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")

NEVER = math.inf


class ExpiringCache(Generic[K, V]):
    """At most ``max_items`` entries, oldest write evicted first; each lives ``ttl`` seconds.

    ``ttl=None`` keeps entries until they are evicted for room. Reading an entry does not make it
    younger: only :meth:`put` does.
    """

    def __init__(
        self,
        max_items: int,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_items = max_items
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def put(self, key: K, value: V, ttl: float | None = None) -> None:
        """Store ``value`` as the newest entry, for ``ttl`` seconds (default: the cache's)."""
        lifetime = self.ttl if ttl is None else ttl
        expires_at = NEVER if lifetime is None else self._clock() + lifetime
        self._entries.pop(key, None)
        self._entries[key] = (expires_at, value)
        self._evict()

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        """The live value for ``key``, else ``default`` (an expired entry is dropped)."""
        entry = self._entries.get(key)
        if entry is None:
            return default
        if entry[0] <= self._clock():
            del self._entries[key]
            return default
        return entry[1]

    @overload
    def pop(self, key: K) -> V | None: ...

    @overload
    def pop(self, key: K, default: D) -> V | D: ...

    def pop(self, key: K, default: object = None) -> object:
        """Remove ``key`` and return its live value, else ``default``."""
        entry = self._entries.pop(key, None)
        if entry is None or entry[0] <= self._clock():
            return default
        return entry[1]

    def __contains__(self, key: K) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry[0] > self._clock()

    def __len__(self) -> int:
        self._evict()
        return len(self._entries)

    def _evict(self) -> None:
        """Drop expired entries from the oldest end, then the oldest ones beyond ``max_items``."""
        now = self._clock()
        while self._entries:
            key, (expires_at, _) = next(iter(self._entries.items()))
            if expires_at > now and len(self._entries) <= self.max_items:
                break
            del self._entries[key]
