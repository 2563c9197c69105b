"""Socket.IO input channel for the web chat widget: Rasa's built-in channel, fixed and hardened.

Register it in credentials.yml *instead of* the built-in ``socketio`` entry::

    channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      max_message_chars: 2000        # optional, default 2000
      rate_limit: 30                 # optional: messages per conversation in rate_window s

What it changes compared with ``rasa.core.channels.socketio.SocketIOInput`` (Rasa 3.6.21):

* ``session_request`` awaits ``enter_room``. Rasa calls it without ``await``; with
  python-socketio 5.18.1 it is a coroutine, so the socket never joined its session room and no
  reply ever arrived (RasaHQ/rasa#13027). Downgrading python-socketio would reopen CVEs.
* The conversation id is the one the socket confirmed with ``session_request``, not whatever id
  a message claims, so one socket cannot write into another conversation by naming its id.
  Ids the client proposes must look random (16-64 URL-safe characters); others are replaced.
* Every message goes through :class:`channels.input_guard.InputGuard`, as on every public
  channel: too long or too fast gets a kind notice instead of being parsed, invisible and
  control characters are removed, and typed text starting with ``/`` is never taken as an
  intent unless it is exactly the payload of a button the bot offered to this conversation.
* Two widget events become intents built here from an allow-list, never from client text:
  ``start_conversation`` (``{"language": "en" | "zh"}``, sent once when a new conversation
  opens) becomes ``/greet`` (``/greet{"language": "zh"}`` for a Chinese page, which also fixes
  the reply language), and ``set_language`` (the language switch) becomes
  ``/request_language{"language": ...}``.
* Custom JSON (the verdict card) is emitted as ``{"custom": {...}}``; Rasa passes the JSON as
  keyword arguments to ``AsyncServer.emit``, which fails for anything but ``{"data": ...}``.
  A message with both text and custom JSON (and no buttons) is emitted as one event,
  ``{"text": ..., "custom": ...}``, so the widget can show the two as one card.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from channels.expiring_cache import ExpiringCache
from channels.input_guard import InputGuard

logger = logging.getLogger(__name__)

SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SUPPORTED_LANGUAGES = ("en", "zh")
# Conversations whose offered buttons we remember (oldest forgotten first).
MAX_REMEMBERED_SESSIONS = 10_000


def is_acceptable_session_id(value: Any) -> bool:
    """Whether a client-proposed conversation id looks like an unguessable random token."""
    return isinstance(value, str) and SESSION_ID_PATTERN.fullmatch(value) is not None


class OfferedButtons:
    """Remembers, per conversation, the button payloads the bot offered in its latest message."""

    def __init__(self, max_sessions: int = MAX_REMEMBERED_SESSIONS) -> None:
        """Create an empty memory that forgets the oldest conversations beyond `max_sessions`."""
        self._payloads: ExpiringCache[str, frozenset[str]] = ExpiringCache(max_sessions)

    def remember(self, session_id: str, payloads: Iterable[str]) -> None:
        """Record the payloads just offered to `session_id`, replacing earlier ones."""
        self._payloads.put(session_id, frozenset(payloads))

    def was_offered(self, session_id: str, payload: str) -> bool:
        """Whether `payload` is one of the buttons currently offered to `session_id`."""
        return payload in self.for_session(session_id)

    def for_session(self, session_id: str) -> frozenset[str]:
        """The payloads currently offered to `session_id` (empty if none)."""
        return self._payloads.get(session_id, frozenset())


class SocketIOOutput(RasaSocketIOOutput):
    """Socket.IO output that remembers offered buttons and emits custom JSON as one payload."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, offered: OfferedButtons) -> None:
        """Send bot messages with `sio` as `bot_message_evt`; record buttons in `offered`."""
        super().__init__(sio, bot_message_evt)
        self.offered = offered

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send text with quick replies and remember their payloads as allowed commands."""
        self.offered.remember(recipient_id, (str(b.get("payload", "")) for b in buttons))
        await super().send_text_with_buttons(recipient_id, text, buttons, **kwargs)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send a bot message; text and custom JSON of the same message travel together."""
        custom, text = message.get("custom"), message.get("text")
        has_buttons = message.get("buttons") or message.get("quick_replies")
        if not (isinstance(custom, dict) and custom and text and not has_buttons):
            await super().send_response(recipient_id, message)
            return
        await self._send_message(recipient_id, {"text": text, "custom": custom})
        rest = {k: v for k, v in message.items() if k not in ("text", "custom")}
        if any(rest.get(k) for k in ("image", "attachment", "elements")):
            await super().send_response(recipient_id, rest)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Send custom JSON (e.g. ``{"assessment": ...}``) as ``{"custom": json_message}``."""
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io input with working session persistence and safer message handling."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build the channel from its credentials.yml entry."""
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SocketIOInput)
        channel.guard = InputGuard.from_credentials(credentials)
        return channel

    def __init__(self, *args: Any, guard: InputGuard | None = None, **kwargs: Any) -> None:
        """Accept Rasa's socketio arguments plus the input `guard` (limits, rate, commands)."""
        super().__init__(*args, **kwargs)
        self.guard = guard or InputGuard()
        self.offered = OfferedButtons()
        self._session_of_sid: dict[str, str] = {}

    def get_output_channel(self) -> SocketIOOutput | None:
        """Output channel for messages the bot sends outside a user turn (reminders etc.)."""
        if self.sio is None:
            return super().get_output_channel()  # warns and returns None
        return SocketIOOutput(self.sio, self.bot_message_evt, self.offered)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with the session and message handlers replaced by fixed ones."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        namespace = self.namespace

        async def session_request(sid: str, data: Any) -> None:
            proposed = data.get("session_id") if isinstance(data, dict) else None
            session_id = await self._join_session(sid, proposed)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            sender_id = await self._sender_for(sid, data)
            if sender_id is None:
                return
            output = SocketIOOutput(sio, self.bot_message_evt, self.offered)
            metadata = self._metadata_from(data)
            screened = self.guard.screen(
                sender_id, data.get("message", ""), self.offered.for_session(sender_id),
                metadata.get("language"),
            )
            if not screened.to_rasa:
                await output.send_text_message(sender_id, screened.notice)
                return
            await on_new_message(
                UserMessage(screened.text, output, sender_id, input_channel=self.name(),
                            metadata=metadata)
            )

        async def send_intent(sid: str, data: Any, intent: str, default_plain: bool) -> None:
            data = data if isinstance(data, dict) else {}
            language = data.get("language")
            sender_id = await self._sender_for(sid, data)
            if language not in SUPPORTED_LANGUAGES or sender_id is None:
                return
            command = f"/{intent}"
            if not (default_plain and language == SUPPORTED_LANGUAGES[0]):
                command += json.dumps({"language": language})
            output = SocketIOOutput(sio, self.bot_message_evt, self.offered)
            await on_new_message(
                UserMessage(command, output, sender_id, input_channel=self.name(),
                            metadata={"language": language})
            )

        async def start_conversation(sid: str, data: Any) -> None:
            # English is the bot's default: no entity, so the reply language still follows
            # what the user writes.
            await send_intent(sid, data, "greet", default_plain=True)

        async def set_language(sid: str, data: Any) -> None:
            await send_intent(sid, data, "request_language", default_plain=False)

        async def disconnect(sid: str) -> None:
            self._session_of_sid.pop(sid, None)
            logger.debug("Socket %s disconnected.", sid)

        # `on` with a handler replaces Rasa's handler for the same event.
        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, handle_message, namespace=namespace)
        sio.on("start_conversation", start_conversation, namespace=namespace)
        sio.on("set_language", set_language, namespace=namespace)
        sio.on("disconnect", disconnect, namespace=namespace)
        return blueprint

    async def _join_session(self, sid: str, proposed: Any) -> str:
        """Put socket `sid` into its conversation's room and return the conversation id."""
        assert self.sio is not None
        if not self.session_persistence:
            return sid
        session_id = proposed if is_acceptable_session_id(proposed) else uuid.uuid4().hex
        previous = self._session_of_sid.get(sid)
        if previous and previous != session_id:
            await self.sio.leave_room(sid, previous, namespace=self.namespace)
        try:
            await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        except ValueError:  # the proposed id names another socket's own room
            session_id = uuid.uuid4().hex
            await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        self._session_of_sid[sid] = session_id
        logger.debug("Socket %s joined its conversation.", sid)
        return session_id

    async def _sender_for(self, sid: str, data: dict[str, Any]) -> str | None:
        """Return the conversation id for a message from socket `sid` (None: ignore it)."""
        if not self.session_persistence:
            return sid
        session_id = self._session_of_sid.get(sid)
        if session_id is None and is_acceptable_session_id(data.get("session_id")):
            # Clients that skip session_request: join the room the message names.
            session_id = await self._join_session(sid, data["session_id"])
        if session_id is None:
            logger.warning("Ignored a socket.io message sent before session_request.")
        return session_id

    def _metadata_from(self, data: dict[str, Any]) -> dict[str, Any]:
        """Return the message metadata as a dict (JSON strings decoded, anything else dropped).

        Read from the configured ``metadata_key`` (rasa-webchat uses ``customData``), else from
        ``metadata``, which is what this project's widget sends.
        """
        metadata = data.get(self.metadata_key)
        if metadata is None:
            metadata = data.get("metadata")
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = None
        return metadata if isinstance(metadata, dict) else {}
