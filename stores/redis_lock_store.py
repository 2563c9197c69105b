"""A Redis lock store whose tickets are safe when several Rasa replicas share one conversation.

Use it in the scale-out endpoints instead of ``type: redis`` (same keys)::

    lock_store:
      type: stores.redis_lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      password: ${REDIS_PASSWORD}
      db: 1
      key_prefix: "loanscam"

Rasa 3.6's ``RedisLockStore`` reads a conversation's ticket list, changes it in the replica and
writes it back. Two replicas that issue a ticket at the same moment both read the same list, and
the second write drops the first ticket: both replicas then believe they hold the lock, both load
the same tracker, and the SQL tracker store keeps only one of the two turns. Here every change of
the ticket list (issue, expire, finish, delete when empty) is one optimistic Redis transaction
(WATCH/MULTI/EXEC, retried when another replica changed the key in between).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Result]]


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic ticket changes (safe across replicas)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Accept Rasa's endpoint configuration (custom lock stores get it) or plain keyword args."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Change) -> Result:
        """Apply ``change`` to the stored lock in one transaction; an empty lock is deleted."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    lock, result = change(lock)
                    pipe.multi()
                    if lock is None or not lock.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another replica changed this conversation's lock: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a new ticket for ``conversation_id`` (creating the lock if needed)."""

        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Remove expired tickets."""

        def expire(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove ticket ``ticket_number``; the lock goes when no ticket is left."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish ``ticket_number``; the lock is deleted in the same step if nobody waits."""
        self.finish_serving(conversation_id, ticket_number)
