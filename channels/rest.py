"""The public REST channel: Rasa's ``rest`` webhook behind the project's input guard.

Register it in credentials.yml instead of Rasa's built-in ``rest:`` entry::

    channels.rest.RestInput:
      max_message_chars: 2000   # longer messages get a kind notice, never NLU
      rate_limit: 30            # messages per sender in rate_window seconds
      rate_window: 60

Same URL (``POST /webhooks/rest/webhook``, ``{"sender": ..., "message": ...}``) and the same
answer (a JSON list of bot messages) as Rasa's channel, with these differences:

* every message goes through :class:`channels.input_guard.InputGuard` (length, rate,
  normalisation, no typed intent commands);
* a text starting with "/" is kept only when it is a button payload the bot offered to this
  sender in its latest answer, read from the sender's tracker (so it works after a restart and on
  every replica);
* the body must be a JSON object with a ``sender`` (1-128 printable characters) and a string
  ``message``; anything else gets a 400 with a clear JSON error. Bodies over ``max_body_bytes``
  get a 413 with the "too long" notice;
* ``input_channel`` cannot be chosen by the client, and ``metadata`` must be a small JSON object;
* streaming (``?stream=true``) is not offered.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.input_guard import (
    InputGuard,
    button_payloads,
    looks_like_command,
    notice,
    notice_language,
)

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024  # a 1 MB message still gets the kind notice
MAX_METADATA_BYTES = 2048
SENDER_PATTERN = re.compile(r"[^\x00-\x1f\x7f]{1,128}")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def bad_request(reason: str, status: int = 400) -> HTTPResponse:
    """A JSON error a client developer can act on."""
    return response.json({"error": reason}, status=status)


def small_metadata(value: Any) -> dict[str, Any] | None:
    """The client's metadata if it is a JSON object of at most ``MAX_METADATA_BYTES``."""
    if not isinstance(value, dict):
        return None
    try:
        encoded = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return value if len(encoded.encode("utf-8", "replace")) <= MAX_METADATA_BYTES else None


async def offered_to(request: Request, sender: str) -> frozenset[str]:
    """Button payloads in the bot's messages since the sender's latest message."""
    agent = getattr(request.app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return frozenset()
    try:
        tracker = await store.retrieve(sender)
    except Exception:  # a store error must not turn a button press into a 500
        logger.exception("Could not read a tracker to check a button payload")
        return frozenset()
    if tracker is None:
        return frozenset()
    latest: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            latest.append(event.data or {})
    return frozenset(button_payloads(latest))


def oversized_text(body: bytes, max_parse_bytes: int) -> str:
    """The message of an oversized body if it can be read cheaply, else the body as text."""
    if len(body) <= max_parse_bytes:
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            payload = json.loads(body)
            if isinstance(payload, dict) and isinstance(payload.get("message"), str):
                return payload["message"]
    return body.decode("utf-8", "ignore")


class RestInput(InputChannel):
    """``POST /webhooks/rest/webhook`` with input limits, normalisation and the command rule."""

    def __init__(self, guard: InputGuard | None = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.guard = guard or InputGuard()
        self.max_body_bytes = max_body_bytes

    @classmethod
    def name(cls) -> str:
        """Channel name: URL prefix ``/webhooks/rest`` and ``input_channel`` in the tracker."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        """Build the channel from its credentials.yml entry."""
        credentials = credentials or {}
        return cls(
            InputGuard.from_credentials(credentials),
            int(credentials.get("max_body_bytes") or DEFAULT_MAX_BODY_BYTES),
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Health check and the message webhook."""
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return hook

    def _too_large(self, body: bytes) -> HTTPResponse:
        """413 with the "too long" notice, in the language of the message."""
        text = oversized_text(body, 8 * self.max_body_bytes)
        language = notice_language(text)
        reply = notice("too_long", language, limit=self.guard.max_chars, length=len(text))
        return response.json([{"recipient_id": None, "text": reply}], status=413)

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        body = request.body or b""
        if len(body) > self.max_body_bytes:
            return self._too_large(body)
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return bad_request('the body must be JSON: {"sender": "...", "message": "..."}')
        if not isinstance(payload, dict):
            return bad_request('the body must be a JSON object: {"sender": ..., "message": ...}')
        sender, raw = payload.get("sender"), payload.get("message")
        if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
            return bad_request('"sender" must be a string of 1-128 printable characters')
        if raw is not None and not isinstance(raw, str):
            return bad_request('"message" must be a string')
        metadata = small_metadata(payload.get("metadata"))
        offered = await offered_to(request, sender) if looks_like_command(raw or "") else frozenset()
        screened = self.guard.screen(sender, raw or "", offered,
                                     (metadata or {}).get("language"))
        if not screened.to_rasa:
            logger.info("REST message not passed to Rasa: %s", screened.outcome.value)
            return response.json([{"recipient_id": sender, "text": screened.notice}])
        collector = CollectingOutputChannel()
        failed = False
        try:
            await on_new_message(UserMessage(
                screened.text, collector, sender, input_channel=self.name(), metadata=metadata
            ))
        except Exception:
            # Never the user's text in the log (it may hold phone or card numbers).
            logger.exception("Rasa failed on a REST message")
            failed = True
        if not collector.messages:  # never silence: say so kindly
            key = "unavailable" if failed else "no_answer"
            return response.json([{"recipient_id": sender,
                                   "text": notice(key, screened.language)}])
        return response.json(collector.messages)
