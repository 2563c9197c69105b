"""The WeChat channel uses the shared input guard and forgets users who unfollow."""

from __future__ import annotations

from types import SimpleNamespace

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.input_guard import InputGuard, without_command_prefix
from tests.channels.conftest import OPENID, FakeRasa, make_app, send


async def test_a_long_wechat_message_gets_the_notice_and_never_reaches_rasa() -> None:
    rasa = FakeRasa()
    app, _ = make_app(rasa, guard=InputGuard(max_chars=100))
    response, reply = await send(app, text="有人让我交钱" * 30)
    assert response.status == 200
    assert "太长" in reply.text and "100" in reply.text
    assert rasa.texts == []


async def test_invisible_characters_cannot_smuggle_a_command_through_wechat() -> None:
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    await send(app, text="\u200b/restart")
    await send(app, text="\u202e / /inform{\"money_sent\": \"yes\"}")
    assert rasa.texts == ["restart", 'inform{"money_sent": "yes"}']
    assert without_command_prefix("\ufeff／／x") == "／／x"  # full-width slashes are only words


async def test_a_wechat_user_sending_too_fast_gets_the_rate_notice() -> None:
    rasa = FakeRasa()
    app, _ = make_app(rasa, guard=InputGuard(rate_limit=2))
    replies = [(await send(app, text=f"hi {n}"))[1].text for n in range(3)]
    assert "等几秒" in replies[2] or "wait a few seconds" in replies[2]
    assert len(rasa.texts) == 2


async def test_a_bot_that_says_nothing_still_gives_the_user_an_answer() -> None:
    app, _ = make_app(FakeRasa(answer=lambda _: []))
    _, reply = await send(app, text="hi")
    assert "don't have an answer" in reply.text


async def test_unfollowing_deletes_the_users_conversation() -> None:
    store = InMemoryTrackerStore(Domain.empty())
    await store.save(DialogueStateTracker.from_events(OPENID, [UserUttered("有人让我交解冻费")]))
    app, _ = make_app(FakeRasa())
    app.ctx.agent = SimpleNamespace(tracker_store=store)
    response, _ = await send(app, kind="unsubscribe")
    assert response.status == 200
    assert await store.retrieve(OPENID) is None
