"""Delete one sender's conversation from whatever tracker store Rasa runs with."""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore

from privacy.tracker_store import PrivateSQLTrackerStore

logger = logging.getLogger(__name__)


def innermost_store(store: Any) -> Any:
    """The real store inside Rasa's wrappers (``FailSafeTrackerStore``, ``AwaitableTrackerStore``)."""
    seen = 0
    while hasattr(store, "_tracker_store") and seen < 5:
        store = store._tracker_store
        seen += 1
    return store


async def forget_sender(store: TrackerStore | None, sender_id: str) -> bool:
    """Delete every event of ``sender_id``; True when the conversation is gone."""
    store = innermost_store(store)
    if isinstance(store, PrivateSQLTrackerStore):
        return await store.forget(sender_id)
    if isinstance(store, SQLTrackerStore):
        table = store.SQLEvent.__table__
        with store.engine.begin() as connection:
            connection.execute(table.delete().where(table.c.sender_id == sender_id))
        return True
    if isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
        return True
    logger.error("Cannot delete conversations from %s", type(store).__name__)
    return False
