"""Retention, "forget me" and database trouble in privacy/tracker_store.py (real SQLite files)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions import names
from privacy.forget import forget_sender
from privacy.markers import FORGET_ME_SLOT
from privacy.tracker_store import PrivateSQLTrackerStore

DAY = 86_400.0
DOMAIN = Domain.from_dict({
    "slots": {FORGET_ME_SLOT: {"type": "bool", "influence_conversation": False,
                               "mappings": [{"type": "custom"}]}},
})


def make_store(path: Path, **kwargs) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path), **kwargs)


def turn(text: str, at: float) -> list:
    return [UserUttered(text, timestamp=at), BotUttered(f"re: {text}", timestamp=at + 0.1),
            ActionExecuted("action_listen", timestamp=at + 0.2)]


def senders_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("select distinct sender_id from events")}


def test_the_action_and_the_store_use_the_same_marker_slot() -> None:
    assert names.FORGET_ME_CONFIRMED == FORGET_ME_SLOT


async def test_conversations_idle_past_the_retention_period_are_deleted_at_start_up(
    tmp_path: Path,
) -> None:
    db = tmp_path / "trackers.db"
    now = time.time()
    store = make_store(db)
    await store.save(DialogueStateTracker.from_events("old", turn("hi", now - 31 * DAY)))
    await store.save(DialogueStateTracker.from_events("recent", turn("hi", now - 29 * DAY)))
    assert senders_in(db) == {"old", "recent"}

    make_store(db, retention_days=30)  # a restart

    assert senders_in(db) == {"recent"}


async def test_retention_is_configurable_and_also_runs_while_the_server_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "trackers.db"
    clock = [time.time()]
    monkeypatch.setenv("RETENTION_DAYS", "2")
    store = make_store(db, sweep_interval_minutes=60, clock=lambda: clock[0])
    assert store.retention_days == 2
    await store.save(DialogueStateTracker.from_events("a", turn("hi", clock[0])))
    clock[0] += 3 * DAY  # three idle days later someone else writes
    await store.save(DialogueStateTracker.from_events("b", turn("hello", clock[0])))
    assert senders_in(db) == {"b"}


async def test_a_confirmed_forget_me_deletes_every_session_instead_of_saving(
    tmp_path: Path,
) -> None:
    db = tmp_path / "trackers.db"
    store = make_store(db)
    tracker = DialogueStateTracker.from_events("me", turn("my card 6222020200112233445", 1e9))
    await store.save(tracker)
    await store.save(DialogueStateTracker.from_events("someone else", turn("hi", time.time())))
    tracker.update(UserUttered("yes", timestamp=time.time()))
    tracker.update(ActionExecuted("action_forget_me"))
    tracker.update(SlotSet(FORGET_ME_SLOT, True))
    await store.save(tracker)

    assert senders_in(db) == {"someone else"}
    assert await store.retrieve("me") is None
    with sqlite3.connect(db) as connection:
        assert not connection.execute(
            "select count(*) from events where data like '%6222020200112233445%'"
        ).fetchone()[0]


async def test_an_old_marker_from_an_earlier_turn_does_not_delete_again(tmp_path: Path) -> None:
    store = make_store(tmp_path / "t.db")
    events = [UserUttered("forget me"), SlotSet(FORGET_ME_SLOT, True), *turn("hi", time.time())]
    await store.save(DialogueStateTracker.from_events("me", events))
    assert await store.retrieve("me") is not None


async def test_forget_sender_reaches_through_rasas_wrappers(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = make_store(db)
    await store.save(DialogueStateTracker.from_events("wx-openid", turn("hi", time.time())))
    assert await forget_sender(FailSafeTrackerStore(store), "wx-openid")
    assert senders_in(db) == set()


async def test_a_locked_database_loses_nothing_and_the_turn_is_written_later(
    tmp_path: Path,
) -> None:
    db = tmp_path / "trackers.db"
    store = make_store(db, busy_timeout_ms=100)
    tracker = DialogueStateTracker.from_events("u", turn("first", time.time()))
    await store.save(tracker)

    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    tracker.update(UserUttered("second", timestamp=time.time()))
    await store.save(tracker)  # does not raise: kept in memory
    during = await store.retrieve("u")
    blocker.execute("ROLLBACK")
    blocker.close()

    assert [e.text for e in during.events if isinstance(e, UserUttered)] == ["first", "second"]
    after = await store.retrieve("u")  # the pending turn is written now
    assert [e.text for e in after.events if isinstance(e, UserUttered)] == ["first", "second"]
    fresh = make_store(db)  # and it is really on disk
    restored = await fresh.retrieve("u")
    assert [e.text for e in restored.events if isinstance(e, UserUttered)] == ["first", "second"]


async def test_a_full_disk_is_logged_clearly_and_nothing_is_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    db = tmp_path / "trackers.db"
    store = make_store(db)
    await store.save(DialogueStateTracker.from_events("u", turn("first", time.time())))
    pages = sqlite3.connect(db).execute("pragma page_count").fetchone()[0]

    def limit_pages(connection, _record):  # the database file cannot grow: "disk is full"
        connection.execute(f"pragma max_page_count = {pages}")

    import sqlalchemy as sa

    sa.event.listen(store.engine, "connect", limit_pages)
    store.engine.dispose()
    tracker = await store.retrieve("u")
    for number in range(60):
        tracker.update(UserUttered(f"message {number} " + "x" * 500, timestamp=time.time()))
    await store.save(tracker)

    assert "database or disk is full" in caplog.text
    assert "kept in memory" in caplog.text
    assert "x" * 500 not in caplog.text  # the user's words are never logged
    kept = await store.retrieve("u")
    assert len([e for e in kept.events if isinstance(e, UserUttered)]) == 61

    sa.event.remove(store.engine, "connect", limit_pages)
    store.engine.dispose()
    await store.sweep()  # the periodic sweep retries pending writes
    restored = await make_store(db).retrieve("u")
    assert len([e for e in restored.events if isinstance(e, UserUttered)]) == 61


def test_the_greeting_states_the_retention_period_the_store_enforces() -> None:
    import re

    import yaml

    from privacy.tracker_store import DEFAULT_RETENTION_DAYS, retention_days_from

    root = Path(__file__).resolve().parents[2]
    configured = yaml.safe_load((root / "endpoints.yml").read_text(encoding="utf-8"))["tracker_store"]
    days = retention_days_from(configured.get("retention_days", DEFAULT_RETENTION_DAYS))
    greeting = yaml.safe_load((root / "domain" / "_shared.yml").read_text(encoding="utf-8"))
    texts = [variant["text"] for variant in greeting["responses"]["utter_greet"]]
    assert len(texts) == 2  # English and Chinese
    for text in texts:
        stated = re.findall(r"(\d+)\s*(?:days|天)", text)
        assert stated == [f"{days:g}"], text
