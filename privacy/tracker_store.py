"""The SQL tracker store the assistant runs with: retention, "forget me" and no lost turns.

Use it in endpoints.yml instead of ``type: SQL`` (same keys, SQLite or PostgreSQL)::

    tracker_store:
      type: privacy.tracker_store.PrivateSQLTrackerStore
      dialect: "sqlite"
      db: "build/trackers.db"
      retention_days: 30          # conversations idle for longer are deleted
      sweep_interval_minutes: 60  # how often the deletion runs while the server is up
      busy_timeout_ms: 1000       # SQLite only: how long a write waits for a lock

What it adds to Rasa's ``SQLTrackerStore``:

* **Retention**: every conversation whose newest event is older than ``retention_days`` is
  deleted, at start-up and then every ``sweep_interval_minutes`` (a background task while the
  server runs, and on saves). ``RETENTION_DAYS`` in the environment overrides the file.
* **Forget me**: when the turn being saved contains ``SlotSet(FORGET_ME_SLOT, True)`` (set by
  ``action_forget_me`` after the user confirmed), the sender's conversation is deleted, every
  session of it, instead of being saved. :meth:`PrivateSQLTrackerStore.forget` does the same
  for channels (a WeChat user who unfollows the account).
* **Database trouble** (locked, disk full, gone): a save that fails is kept in memory and
  written on the next save or sweep; until then the sender's conversation is served from
  memory, so nothing the user said is lost while the process runs. Each failure is logged once
  as a clear error naming the cause, never with the user's text.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.markers import FORGET_ME_SLOT

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30.0
DEFAULT_SWEEP_INTERVAL_MINUTES = 60.0
# SQLite waits this long for a lock. Rasa's store calls the database from the event loop, so a
# long wait would stall every conversation; a failed save is buffered instead (see above).
DEFAULT_BUSY_TIMEOUT_MS = 1000
MAX_PENDING = 10_000  # unsaved conversations kept in memory while the database is down
DAY = 86_400.0
DB_ERRORS = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.DatabaseError, OSError)


def forget_requested(tracker: DialogueStateTracker) -> bool:
    """Whether the newest turn confirmed "forget me" (the marker slot was set to True)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, SlotSet) and event.key == FORGET_ME_SLOT and event.value is True:
            return True
    return False


def retention_days_from(configured: Any) -> float:
    """The retention period: ``RETENTION_DAYS`` from the environment, else the configured one."""
    value = os.environ.get("RETENTION_DAYS") or configured
    days = float(value) if value not in (None, "") else DEFAULT_RETENTION_DAYS
    if days <= 0:
        raise ValueError("retention_days must be a positive number of days")
    return days


def describe_db_error(error: BaseException) -> str:
    """A short cause for the log: "database is locked", "database or disk is full", ..."""
    original = getattr(error, "orig", None) or error
    return str(original).splitlines()[0][:200] or type(original).__name__


class PrivateSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store with a retention period, "forget me" and a buffer for failed writes."""

    def __init__(
        self,
        domain: Domain | None = None,
        retention_days: float | str | None = None,
        sweep_interval_minutes: float | str | None = None,
        busy_timeout_ms: int | str = DEFAULT_BUSY_TIMEOUT_MS,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain=domain, **kwargs)
        if self.engine.dialect.name == "sqlite":
            _set_busy_timeout(self.engine, int(busy_timeout_ms))
        self.retention_days = retention_days_from(retention_days)
        self.sweep_interval = 60.0 * float(
            sweep_interval_minutes or DEFAULT_SWEEP_INTERVAL_MINUTES
        )
        self._clock = clock
        self._pending: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._pending_forget: set[str] = set()
        self._last_sweep = 0.0
        self._sweeper: asyncio.Task | None = None
        self.delete_idle()  # at start-up, before the first conversation is served
        self._start_periodic_sweep()

    # --- retention -------------------------------------------------------------------------

    async def sweep(self) -> int:
        """Retry earlier failed writes and deletions, then apply the retention period."""
        for sender_id in list(self._pending_forget):
            await self.forget(sender_id)
        for sender_id in list(self._pending):
            await self._flush(sender_id)
        return self.delete_idle()

    def delete_idle(self) -> int:
        """Delete conversations idle for longer than the retention period; return how many.

        Never raises: a failure is logged and the deletion runs again at the next sweep.
        """
        self._last_sweep = self._clock()
        cutoff = self._clock() - self.retention_days * DAY
        table = self.SQLEvent.__table__
        idle = (
            sa.select(table.c.sender_id)
            .group_by(table.c.sender_id)
            .having(sa.func.max(table.c.timestamp) < cutoff)
        )
        try:
            with self.engine.begin() as connection:
                senders = [row[0] for row in connection.execute(idle)]
                for start in range(0, len(senders), 500):
                    chunk = senders[start:start + 500]
                    connection.execute(table.delete().where(table.c.sender_id.in_(chunk)))
        except DB_ERRORS as error:
            logger.error("Retention sweep failed (%s); it will run again later.",
                         describe_db_error(error))
            return 0
        if senders:
            logger.info("Retention: deleted %d conversation(s) idle for more than %g days.",
                        len(senders), self.retention_days)
        return len(senders)

    def _start_periodic_sweep(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # built outside a server (scripts, tests): sweeps run on saves
            return
        self._sweeper = loop.create_task(self._sweep_periodically())

    async def _sweep_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_interval)
            await self.sweep()

    async def _sweep_if_due(self) -> None:
        if self._clock() - self._last_sweep >= self.sweep_interval:
            await self.sweep()

    # --- forget me -------------------------------------------------------------------------

    async def forget(self, sender_id: str) -> bool:
        """Delete every event of ``sender_id``; False if the database refused (retried later)."""
        self._pending.pop(sender_id, None)
        table = self.SQLEvent.__table__
        try:
            with self.engine.begin() as connection:
                connection.execute(table.delete().where(table.c.sender_id == sender_id))
        except DB_ERRORS as error:
            self._pending_forget.add(sender_id)
            logger.error("Could not delete a conversation (%s); will retry.",
                         describe_db_error(error))
            return False
        self._pending_forget.discard(sender_id)
        logger.info("Deleted a conversation at the user's request.")
        return True

    # --- TrackerStore ----------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save the tracker, or delete it if the user just confirmed "forget me"."""
        if forget_requested(tracker):
            await self.forget(tracker.sender_id)
            return
        self._pending_forget.discard(tracker.sender_id)
        try:
            await super().save(tracker)
        except DB_ERRORS as error:
            self._keep_pending(tracker, error)
            return
        self._pending.pop(tracker.sender_id, None)
        await self._sweep_if_due()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The sender's current session; from memory while its last save is still pending."""
        if sender_id in self._pending_forget:
            return None
        pending = self._pending.get(sender_id)
        if pending is not None:
            await self._flush(sender_id)
            return pending.copy()
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every session of the conversation (a pending one is written first if possible)."""
        if conversation_id in self._pending_forget:
            return None
        if conversation_id in self._pending and not await self._flush(conversation_id):
            return self._pending[conversation_id].copy()
        return await super().retrieve_full_tracker(conversation_id)

    # --- failed writes ---------------------------------------------------------------------

    def _keep_pending(self, tracker: DialogueStateTracker, error: BaseException) -> None:
        first = tracker.sender_id not in self._pending
        self._pending[tracker.sender_id] = tracker.copy()
        self._pending.move_to_end(tracker.sender_id)
        while len(self._pending) > MAX_PENDING:
            self._pending.popitem(last=False)
            logger.error("Too many unsaved conversations: the oldest one was dropped.")
        if first:
            logger.error(
                "Could not save a conversation (%s). It is kept in memory and will be written "
                "when the database accepts writes again (%d waiting).",
                describe_db_error(error), len(self._pending),
            )

    async def _flush(self, sender_id: str) -> bool:
        tracker = self._pending.get(sender_id)
        if tracker is None:
            return True
        try:
            await super().save(tracker)
        except DB_ERRORS:
            return False
        self._pending.pop(sender_id, None)
        logger.info("A conversation that could not be saved earlier is now written.")
        return True


def _set_busy_timeout(engine: sa.engine.Engine, milliseconds: int) -> None:
    """Make every new SQLite connection wait at most ``milliseconds`` for a lock."""

    def on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        cursor.close()

    sa.event.listen(engine, "connect", on_connect)
    engine.dispose()  # connections opened before the listener existed

