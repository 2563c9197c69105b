"""The web chat's socket.io channel: session rooms, message cleaning, length cap, custom JSON.

Handlers run against a real python-socketio AsyncServer (rooms and routing are real); only the
final write to the network is captured.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels.socketio import SocketIOInput

SESSION_A = "a" * 32
SESSION_B = "b1" * 16
_app_numbers = itertools.count()


class Harness:
    """A channel mounted on a Sanic app, with fake sockets and captured traffic."""

    def __init__(self, channel: SocketIOInput) -> None:
        self.channel = channel
        self.received: list[UserMessage] = []
        self.sent: list[tuple[str, str]] = []  # (eio_sid, encoded socket.io packet)
        self.app = Sanic(f"sio_test_{next(_app_numbers)}")  # Sanic 21.12 keeps a registry
        self.app.blueprint(channel.blueprint(self._on_new_message))
        self.sio = channel.sio
        assert self.sio is not None

        async def capture(eio_sid: str, eio_pkt: Any) -> None:
            self.sent.append((eio_sid, eio_pkt.data))

        self.sio._send_eio_packet = capture  # type: ignore[method-assign]

    async def _on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_response(
            message.sender_id, {"text": f"echo: {message.text}"}
        )

    async def connect(self, eio_sid: str) -> str:
        return await self.sio.manager.connect(eio_sid, "/")

    async def call(self, event: str, sid: str, *args: Any) -> None:
        await self.sio.handlers["/"][event](sid, *args)

    def events_to(self, eio_sid: str, event: str = "bot_uttered") -> list[Any]:
        out = []
        for target, data in self.sent:
            if target == eio_sid and data.startswith("2["):
                name, *payload = json.loads(data[1:])
                if name == event:
                    out.append(payload[0] if payload else None)
        return out


@pytest.fixture
def harness() -> Harness:
    channel = SocketIOInput.from_credentials(
        {"session_persistence": True, "max_message_chars": 50}
    )
    assert isinstance(channel, SocketIOInput)
    return Harness(channel)


async def test_replies_reach_the_socket_that_requested_the_session(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    await harness.call("user_uttered", sid, {"message": "hello", "session_id": SESSION_A})

    assert harness.events_to("eio1", "session_confirm") == [SESSION_A]
    assert harness.events_to("eio1") == [{"text": "echo: hello"}]
    assert harness.received[0].sender_id == SESSION_A


async def test_a_reloaded_page_rejoins_the_same_conversation(harness: Harness) -> None:
    first = await harness.connect("eio1")
    await harness.call("session_request", first, {"session_id": SESSION_A})
    await harness.call("disconnect", first)
    second = await harness.connect("eio2")
    await harness.call("session_request", second, {"session_id": SESSION_A})
    await harness.call("user_uttered", second, {"message": "still me", "session_id": SESSION_A})

    assert harness.received[-1].sender_id == SESSION_A
    assert harness.events_to("eio2") == [{"text": "echo: still me"}]


async def test_a_socket_cannot_write_into_another_conversation(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    await harness.call("user_uttered", sid, {"message": "hi", "session_id": SESSION_B})

    assert [m.sender_id for m in harness.received] == [SESSION_A]


@pytest.mark.parametrize("proposed", [None, "", "default", "1234", "x" * 65, "<script>" * 4])
async def test_guessable_or_malformed_session_ids_are_replaced(
    harness: Harness, proposed: Any
) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": proposed})

    [confirmed] = harness.events_to("eio1", "session_confirm")
    assert confirmed != proposed
    assert len(confirmed) == 32


async def test_a_session_id_naming_another_socket_gets_a_fresh_id(harness: Harness) -> None:
    victim = await harness.connect("eio1")
    attacker = await harness.connect("eio2")
    await harness.call("session_request", attacker, {"session_id": victim + "padding"})
    victim_room_id = victim  # python-socketio sids are 20 characters: acceptable shape
    await harness.call("session_request", attacker, {"session_id": victim_room_id})

    confirmed = harness.events_to("eio2", "session_confirm")
    assert confirmed[-1] != victim_room_id


async def test_messages_before_session_request_with_a_valid_id_join_that_conversation(
    harness: Harness,
) -> None:
    sid = await harness.connect("eio1")
    await harness.call("user_uttered", sid, {"message": "hi", "session_id": SESSION_A})

    assert harness.received[0].sender_id == SESSION_A
    assert harness.events_to("eio1") == [{"text": "echo: hi"}]


async def test_messages_without_any_session_are_ignored(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("user_uttered", sid, {"message": "hi"})
    await harness.call("user_uttered", sid, "not a dict")

    assert harness.received == []


async def test_typed_slash_commands_are_plain_text(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    await harness.call(
        "user_uttered", sid, {"message": ' /inform{"money_sent": true}', "session_id": SESSION_A}
    )

    assert harness.received[0].text == 'inform{"money_sent": true}'


async def test_offered_button_payloads_are_still_commands(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    output = harness.channel.get_output_channel()
    assert output is not None
    await output.send_text_with_buttons(
        SESSION_A, "Pick one", [{"title": "Yes", "payload": "/affirm"}]
    )
    await harness.call("user_uttered", sid, {"message": "/affirm", "session_id": SESSION_A})
    await harness.call("user_uttered", sid, {"message": "/deny", "session_id": SESSION_A})

    assert [m.text for m in harness.received] == ["/affirm", "deny"]
    assert harness.events_to("eio1")[0] == {
        "text": "Pick one",
        "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}],
    }


async def test_buttons_offered_to_one_conversation_do_not_unlock_another(
    harness: Harness,
) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_B})
    output = harness.channel.get_output_channel()
    assert output is not None
    await output.send_text_with_buttons(SESSION_A, "x", [{"title": "Y", "payload": "/affirm"}])
    await harness.call("user_uttered", sid, {"message": "/affirm", "session_id": SESSION_B})

    assert harness.received[0].text == "affirm"


@pytest.mark.parametrize(
    ("message", "metadata", "expected"),
    [
        ("x" * 51, {}, "too long"),
        ("诈" * 51, {}, "太长"),
        ("x" * 51, {"language": "zh"}, "太长"),
    ],
)
async def test_over_long_messages_get_a_kind_notice_and_are_not_parsed(
    harness: Harness, message: str, metadata: dict[str, Any], expected: str
) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    await harness.call(
        "user_uttered", sid, {"message": message, "session_id": SESSION_A, "metadata": metadata}
    )

    assert harness.received == []
    [notice] = harness.events_to("eio1")
    assert expected in notice["text"]
    assert "51" in notice["text"] and "50" in notice["text"]


async def test_a_message_at_the_limit_is_accepted(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    await harness.call("user_uttered", sid, {"message": "x" * 50, "session_id": SESSION_A})

    assert harness.received[0].text == "x" * 50


async def test_language_switch_becomes_the_request_language_intent(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    await harness.call("set_language", sid, {"language": "zh", "session_id": SESSION_A})
    await harness.call("set_language", sid, {"language": "fr", "session_id": SESSION_A})
    await harness.call("set_language", sid, {"language": '"}/greet', "session_id": SESSION_A})

    assert [m.text for m in harness.received] == ['/request_language{"language": "zh"}']


async def test_opening_a_conversation_greets_in_the_pages_language(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    await harness.call("start_conversation", sid, {"language": "zh"})
    await harness.call("start_conversation", sid, {"language": "en"})
    await harness.call("start_conversation", sid, {"language": "<b>"})

    assert [m.text for m in harness.received] == ['/greet{"language": "zh"}', "/greet"]
    assert harness.received[0].sender_id == SESSION_A


async def test_a_verdict_arrives_as_one_event_with_its_text_and_custom_json(
    harness: Harness,
) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    output = harness.channel.get_output_channel()
    assert output is not None
    assessment = {"risk": "high", "score": 90, "red_flags": []}
    await output.send_response(
        SESSION_A, {"text": "High risk\n\nDetails", "custom": {"assessment": assessment}}
    )
    await output.send_response(SESSION_A, {"custom": {"assessment": assessment}})

    assert harness.events_to("eio1") == [
        {"text": "High risk\n\nDetails", "custom": {"assessment": assessment}},
        {"custom": {"assessment": assessment}},
    ]


async def test_custom_json_with_buttons_keeps_rasas_separate_events(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    output = harness.channel.get_output_channel()
    assert output is not None
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    await output.send_response(
        SESSION_A, {"text": "Sure?", "buttons": buttons, "custom": {"x": 1}}
    )

    assert harness.events_to("eio1") == [
        {"text": "Sure?", "quick_replies": [
            {"content_type": "text", "title": "Yes", "payload": "/affirm"}]},
        {"custom": {"x": 1}},
    ]


async def test_metadata_is_passed_on_only_as_a_dict(harness: Harness) -> None:
    sid = await harness.connect("eio1")
    await harness.call("session_request", sid, {"session_id": SESSION_A})
    for metadata in ({"language": "en"}, '{"language": "zh"}', "{not json", ["x"]):
        await harness.call(
            "user_uttered", sid, {"message": "hi", "session_id": SESSION_A, "metadata": metadata}
        )

    assert [m.metadata for m in harness.received] == [
        {"language": "en"}, {"language": "zh"}, {}, {},
    ]


async def test_without_session_persistence_each_socket_is_its_own_conversation() -> None:
    channel = SocketIOInput.from_credentials({"session_persistence": False})
    assert isinstance(channel, SocketIOInput)
    h = Harness(channel)
    sid = await h.connect("eio1")
    await h.call("session_request", sid, {"session_id": SESSION_A})
    await h.call("user_uttered", sid, {"message": "hi", "session_id": SESSION_A})

    assert h.received[0].sender_id == sid
    assert h.events_to("eio1") == [{"text": "echo: hi"}]


async def test_widget_metadata_is_read_when_the_channel_expects_customdata() -> None:
    channel = SocketIOInput.from_credentials(
        {"session_persistence": True, "metadata_key": "customData"}
    )
    assert isinstance(channel, SocketIOInput)
    h = Harness(channel)
    sid = await h.connect("eio1")
    await h.call("session_request", sid, {"session_id": SESSION_A})
    await h.call("user_uttered", sid, {"message": "a", "session_id": SESSION_A,
                                       "customData": {"language": "zh"}})
    await h.call("user_uttered", sid, {"message": "b", "session_id": SESSION_A,
                                       "metadata": {"language": "en"}})

    assert [m.metadata for m in h.received] == [{"language": "zh"}, {"language": "en"}]
