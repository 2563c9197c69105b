"""The project's REST channel (channels/rest.py) with a stand-in for Rasa."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from channels.input_guard import InputGuard
from channels.rest import RestInput

URL = "/webhooks/rest/webhook"


class FakeRasa:
    """Records what reaches Rasa; answers with an echo, nothing, or an exception."""

    def __init__(self, answer: str | None = "echo", fail: bool = False) -> None:
        self.answer, self.fail = answer, fail
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail:
            raise RuntimeError("model exploded")
        if self.answer:
            await message.output_channel.send_text_message(message.sender_id, self.answer)


def make_app(rasa: FakeRasa, store: InMemoryTrackerStore | None = None,
             guard: InputGuard | None = None) -> Sanic:
    app = Sanic(f"rest_test_{uuid.uuid4().hex}")
    app.ctx.agent = SimpleNamespace(tracker_store=store)
    app.blueprint(RestInput(guard).blueprint(rasa), url_prefix="/webhooks/rest")
    return app


async def post(app: Sanic, body: Any) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    _, response = await app.asgi_client.post(URL, content=content)
    return response


async def test_an_ordinary_message_reaches_rasa_and_its_answer_comes_back() -> None:
    rasa = FakeRasa()
    response = await post(make_app(rasa), {"sender": "u1", "message": "hello\u200b there"})
    assert response.status == 200
    assert response.json == [{"recipient_id": "u1", "text": "echo"}]
    assert [m.text for m in rasa.received] == ["hello there"]
    assert rasa.received[0].input_channel == "rest"


async def test_one_megabyte_gets_the_too_long_notice_and_never_reaches_rasa() -> None:
    rasa = FakeRasa()
    response = await post(make_app(rasa), {"sender": "u1", "message": "a" * 1_000_000})
    assert response.status == 200
    assert "too long" in response.json[0]["text"]
    assert rasa.received == []


async def test_a_body_beyond_the_size_cap_gets_413_with_the_notice() -> None:
    response = await post(make_app(FakeRasa()), {"sender": "u1", "message": "诈" * 800_000})
    assert response.status == 413
    assert "太长" in response.json[0]["text"]


async def test_typed_commands_are_neutralised_over_rest() -> None:
    rasa = FakeRasa()
    app = make_app(rasa, InMemoryTrackerStore(Domain.empty()))
    await post(app, {"sender": "u1", "message": "/start_over"})
    await post(app, {"sender": "u1", "message": ' / /inform{"money_sent": "yes"}'})
    assert [m.text for m in rasa.received] == ["start_over", 'inform{"money_sent": "yes"}']


async def test_a_button_offered_in_the_latest_answer_works_over_rest() -> None:
    store = InMemoryTrackerStore(Domain.empty())
    tracker = DialogueStateTracker.from_events("u1", [
        UserUttered("hi"),
        BotUttered("Sent money?", data={"buttons": [{"title": "No", "payload": "/deny"}]}),
    ])
    await store.save(tracker)
    rasa = FakeRasa()
    app = make_app(rasa, store)
    await post(app, {"sender": "u1", "message": "/deny"})
    await post(app, {"sender": "u2", "message": "/deny"})  # not offered to u2
    assert [m.text for m in rasa.received] == ["/deny", "deny"]


@pytest.mark.parametrize("body", [
    b"not json", b"\xff\xfe\x00binary", b"[1, 2]", b'"text"',
    {"message": "hi"}, {"sender": "", "message": "hi"}, {"sender": 5, "message": "hi"},
    {"sender": "x" * 200, "message": "hi"}, {"sender": "u1", "message": {"a": 1}},
])
async def test_malformed_requests_get_a_clear_400(body: Any) -> None:
    rasa = FakeRasa()
    response = await post(make_app(rasa), body)
    assert response.status == 400
    assert response.json["error"]
    assert rasa.received == []


async def test_rasa_failing_or_saying_nothing_never_means_silence() -> None:
    failing = await post(make_app(FakeRasa(fail=True)), {"sender": "u1", "message": "hi"})
    silent = await post(make_app(FakeRasa(answer=None)), {"sender": "u1", "message": "hi"})
    assert "went wrong" in failing.json[0]["text"]
    assert "don't have an answer" in silent.json[0]["text"]


async def test_the_client_cannot_choose_the_input_channel_or_send_huge_metadata() -> None:
    rasa = FakeRasa()
    await post(make_app(rasa), {"sender": "u1", "message": "hi", "input_channel": "wechat",
                                "metadata": {"blob": "x" * 10_000}})
    assert rasa.received[0].input_channel == "rest"
    assert rasa.received[0].metadata is None


async def test_too_many_messages_from_one_sender_get_the_rate_notice() -> None:
    rasa = FakeRasa()
    app = make_app(rasa, guard=InputGuard(rate_limit=2))
    replies = [await post(app, {"sender": "u1", "message": "hi"}) for _ in range(3)]
    assert "wait a few seconds" in replies[2].json[0]["text"]
    assert len(rasa.received) == 2
