"""Rasa input channel for a WeChat Official Account (公众号): ``channels.wechat.WeChatInput``.

Routes (under Rasa's ``/webhooks/wechat``):

* ``GET  /``         health check.
* ``GET  /webhook``  WeChat's URL verification: answers ``echostr`` when the signature is ours.
* ``POST /webhook``  messages. Signature first (403), then size (413), then hostile or malformed
  XML (400); only then does anything reach Rasa. One passive reply within ``reply_timeout``
  (4.5 s); slower answers go out through the customer-service API and the request gets
  ``success``. Retries are answered from the de-duplication store, never by a second Rasa turn.

Settings: docs/wechat.md and :mod:`channels.wechat.settings`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.messages import BaseMessage

from channels.input_guard import InputGuard, notice
from channels.wechat.choices import ChoiceMemory, InMemoryChoiceMemory, pick_choice
from channels.wechat.crypto import SafeModeCodec, SignatureError, new_nonce, signature_is_valid
from channels.wechat.dedup import DedupStore, Outcome, dedup_key, dedup_store_from_env
from channels.wechat.inbound import APOLOGY, CannedReply, NoReply, ToRasa, interpret
from channels.wechat.push import CustomerServiceClient, WeChatPushOutput
from channels.wechat.render import compose_reply, render_text_reply, truncate_to
from channels.wechat.safe_xml import (
    BadXMLError,
    HostileXMLError,
    decode_body,
    encrypted_part,
    parse_envelope,
    parse_wechat_message,
    screen_xml,
)
from channels.wechat.settings import WeChatSettings

logger = logging.getLogger(__name__)

SUCCESS = "success"  # WeChat: "received, no passive reply, do not retry"
MAX_ECHOSTR = 512

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class RequestRefused(Exception):
    """A request that gets a short plain-text error instead of reaching Rasa."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class WeChatInput(InputChannel):
    """WeChat Official Account webhook (plain and safe mode) as a Rasa input channel."""

    def __init__(
        self,
        settings: WeChatSettings,
        dedup: DedupStore | None = None,
        choices: ChoiceMemory | None = None,
        push_client: CustomerServiceClient | None = None,
        guard: InputGuard | None = None,
    ) -> None:
        self.settings = settings
        self.guard = guard or InputGuard()
        self._app: Any = None  # the Sanic app, for the tracker store ("forget" on unfollow)
        self.dedup = dedup or dedup_store_from_env(ttl=max(600.0, 2.0 * settings.max_clock_skew))
        self.choices = choices or InMemoryChoiceMemory()
        if push_client is None and settings.can_push:
            push_client = CustomerServiceClient(
                settings.app_id, settings.app_secret, settings.api_base
            )
        self.push_client = push_client
        self.codec = (
            SafeModeCodec(settings.token, settings.encoding_aes_key, settings.app_id)
            if settings.enabled and settings.safe_mode
            else None
        )
        self._background: set[asyncio.Task] = set()

    @classmethod
    def name(cls) -> str:
        """Channel name: URL prefix ``/webhooks/wechat`` and ``input_channel`` in the tracker."""
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        """Read credentials.yml values (token, app_id, encoding_aes_key, app_secret, api_base, …).

        Missing values come from WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_ENCODING_AES_KEY,
        WECHAT_APP_SECRET and WECHAT_API_BASE. Without a token the channel stays off (503).
        """
        settings = WeChatSettings.from_sources(credentials)
        if not settings.enabled:
            logger.warning("WeChat channel is off: WECHAT_TOKEN is not set")
        elif not settings.token_looks_valid():
            logger.warning("WECHAT_TOKEN should be 3-32 letters and digits, as 公众平台 requires")
        logger.info(settings.describe())
        return cls(settings, guard=InputGuard.from_credentials(credentials))

    def get_output_channel(self) -> WeChatPushOutput | None:
        """Customer-service output for proactive messages, when WECHAT_APP_SECRET is set."""
        if self.push_client is None:
            return None
        return WeChatPushOutput(self.push_client, self.choices, self.settings.max_reply_bytes)

    async def close(self) -> None:
        """Wait for answers still being pushed, then close the HTTP client."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self.push_client is not None:
            await self.push_client.close()

    # --- HTTP -----------------------------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes for WeChat's server: health, URL verification and message webhook."""
        hook = Blueprint("wechat_webhook")

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings.enabled else "off"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            try:
                return response.text(self._verify_url(request))
            except RequestRefused as refused:
                return response.text(refused.reason, status=refused.status)

        @hook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self._receive(request, on_new_message)
            except RequestRefused as refused:
                if refused.status >= 403:
                    logger.warning("WeChat webhook refused a request: %s", refused.reason)
                return response.text(refused.reason, status=refused.status)
            except Exception:
                logger.exception("WeChat webhook failed")
                return response.text("internal error", status=500)

        @hook.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await self.close()

        return hook

    def _check_signature(self, request: Request) -> tuple[str, str]:
        """Verify ``signature`` against our token; return (timestamp, nonce)."""
        if not self.settings.enabled:
            raise RequestRefused(503, "WeChat channel is not configured")
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        if not signature_is_valid(args.get("signature"), self.settings.token, timestamp, nonce):
            raise RequestRefused(403, "invalid signature")
        return timestamp, nonce

    def _verify_url(self, request: Request) -> str:
        timestamp, nonce = self._check_signature(request)
        echostr = request.args.get("echostr", "")
        if not echostr or len(echostr) > MAX_ECHOSTR:
            raise RequestRefused(400, "missing echostr")
        msg_signature = request.args.get("msg_signature")
        if msg_signature and self.codec is not None:  # encrypted echostr variant
            try:
                return self.codec.decrypt_echo(echostr, msg_signature, timestamp, nonce)
            except SignatureError as error:
                raise RequestRefused(403, "invalid msg_signature") from error
        return echostr

    def _check_clock(self, timestamp: str) -> None:
        skew = self.settings.max_clock_skew
        try:
            sent_at = int(timestamp)
        except ValueError as error:
            raise RequestRefused(403, "invalid timestamp") from error
        if skew and abs(time.time() - sent_at) > skew:
            raise RequestRefused(403, "stale timestamp (check the server clock)")

    async def _read_body(self, request: Request) -> bytes:
        limit = self.settings.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise RequestRefused(413, "body too large")
        body = bytearray()
        while True:
            chunk = await request.stream.read() if request.stream else None
            if chunk is None:
                break
            body.extend(chunk)
            if len(body) > limit:
                raise RequestRefused(413, "body too large")
        return bytes(body)

    def _open(self, raw: bytes, request: Request, timestamp: str, nonce: str) -> BaseMessage:
        """Screen, decrypt (safe mode) and parse the body into a wechatpy message."""
        try:
            text = screen_xml(decode_body(raw))
            encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
            if self.codec is not None:
                if not encrypted:
                    raise RequestRefused(403, "safe mode: unencrypted message refused")
                envelope = encrypted_part(parse_envelope(text))
                try:
                    text = self.codec.decrypt(
                        envelope, request.args.get("msg_signature"), timestamp, nonce
                    )
                except SignatureError as error:
                    raise RequestRefused(403, "invalid msg_signature") from error
                text = screen_xml(text)
            elif encrypted:
                raise RequestRefused(400, "encrypted message but WECHAT_ENCODING_AES_KEY is unset")
            return parse_wechat_message(text)
        except HostileXMLError as error:
            raise RequestRefused(400, str(error)) from error
        except BadXMLError as error:
            raise RequestRefused(400, str(error)) from error

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        started = time.monotonic()
        self._app = request.app
        timestamp, nonce = self._check_signature(request)
        self._check_clock(timestamp)
        message = self._open(await self._read_body(request), request, timestamp, nonce)

        key = dedup_key(message)
        if await self.dedup.claim(key):
            outcome = Outcome(reply=None)
            try:
                outcome = await self._answer(message, on_new_message, started)
            finally:
                await self.dedup.complete(key, outcome)
        else:
            remaining = self.settings.reply_timeout - (time.monotonic() - started)
            outcome = await self.dedup.wait_for(key, max(remaining, 0.0)) or Outcome(reply=None)
        return self._respond(outcome, message)

    def _respond(self, outcome: Outcome, message: BaseMessage) -> HTTPResponse:
        if not outcome.reply:
            return response.text(SUCCESS)
        reply_xml = render_text_reply(outcome.reply, message)
        if self.codec is not None:
            reply_xml = self.codec.encrypt(reply_xml, new_nonce())
        return response.text(reply_xml, content_type="application/xml; charset=utf-8")

    # --- conversation ---------------------------------------------------------------------

    async def _answer(
        self, message: BaseMessage, on_new_message: OnNewMessage, started: float
    ) -> Outcome:
        """Handle a first delivery: canned reply, nothing, or a Rasa turn within the budget."""
        openid = message.source
        inbound = interpret(message, self.settings.welcome_payload)
        if isinstance(inbound, CannedReply):
            return Outcome(reply=inbound.text)
        if isinstance(inbound, NoReply):
            if inbound.forget_user:
                await self.choices.remember(openid, [])
                await self._forget(openid)
            return Outcome(reply=None)
        prepared = await self._to_user_message(openid, inbound)
        if isinstance(prepared, str):  # the input guard's notice: too long, too fast, empty
            return Outcome(reply=prepared)
        return await self._run_turn(openid, prepared, on_new_message, started)

    async def _forget(self, openid: str) -> None:
        """Delete the conversation of a user who unfollowed the account."""
        from privacy.forget import forget_sender  # Rasa-side only, imported when needed

        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            logger.warning("Unfollow: no tracker store to delete the conversation from")
            return
        try:
            await forget_sender(store, openid)
        except Exception:
            logger.exception("Unfollow: could not delete the conversation")

    async def _to_user_message(self, openid: str, inbound: ToRasa) -> UserMessage | str:
        """The message for Rasa, or the notice to answer with instead."""
        text, metadata = inbound.text, dict(inbound.metadata)
        if inbound.from_user:
            picked = pick_choice(text, await self.choices.recall(openid))
            if picked is not None:  # the payload comes from the bot's own buttons
                text = picked.payload
                metadata["wechat"] = {**metadata.get("wechat", {}), "option": picked.number}
            screened = self.guard.screen(openid, text, offered={text} if picked else ())
            if not screened.to_rasa:
                return screened.notice
            text = screened.text
        return UserMessage(
            text,
            CollectingOutputChannel(),
            sender_id=openid,
            input_channel=self.name(),
            message_id=inbound.message_id,
            metadata=metadata,
        )

    async def _run_turn(
        self, openid: str, user_message: UserMessage, on_new_message: OnNewMessage,
        started: float,
    ) -> Outcome:
        turn = asyncio.ensure_future(on_new_message(user_message))
        budget = self.settings.reply_timeout - (time.monotonic() - started)
        done, _ = await asyncio.wait({turn}, timeout=max(budget, 0.0))
        if turn not in done:
            # Too slow for a passive reply: WeChat gets "success", the answer is pushed later.
            self._keep(asyncio.ensure_future(self._push_when_done(openid, turn, user_message)))
            return Outcome(reply=None)
        if turn.cancelled() or turn.exception() is not None:
            logger.error("Rasa failed on a WeChat message", exc_info=turn.exception())
            return Outcome(reply=APOLOGY)
        return Outcome(reply=await self._deliver(openid, user_message, passive=True))

    async def _deliver(self, openid: str, user_message: UserMessage, passive: bool) -> str | None:
        """Compose the bot's messages and remember their options.

        Passive: return the first chunk and push the rest (or cut the text if nothing can push).
        Not passive (slow path): push everything and return None.
        """
        collected = getattr(user_message.output_channel, "messages", [])
        reply = compose_reply(collected, self.settings.max_reply_bytes)
        if not reply.chunks:  # Rasa said nothing: never leave the user in silence
            language = "en" if user_message.text.isascii() else "zh"
            reply = compose_reply([{"text": notice("no_answer", language)}],
                                  self.settings.max_reply_bytes)
        await self.choices.remember(openid, reply.choices)
        if passive:
            if reply.rest and self.push_client is not None:
                self._keep(asyncio.ensure_future(self.push_client.send_chunks(openid, reply.rest)))
            elif reply.rest:
                return truncate_to("\n\n".join(reply.chunks), self.settings.max_reply_bytes)
            return reply.first
        if reply.chunks and self.push_client is not None:
            await self.push_client.send_chunks(openid, reply.chunks)
        elif reply.chunks:
            logger.warning(
                "A WeChat answer took longer than %.1f s and WECHAT_APP_SECRET is not set: "
                "the user will not see it",
                self.settings.reply_timeout,
            )
        return None

    async def _push_when_done(
        self, openid: str, turn: asyncio.Future, user_message: UserMessage
    ) -> None:
        try:
            await turn
        except Exception:
            logger.exception("Rasa failed on a WeChat message (slow path)")
            if self.push_client is not None:
                await self.push_client.send_text(openid, APOLOGY)
            return
        await self._deliver(openid, user_message, passive=False)

    def _keep(self, task: asyncio.Future) -> None:
        """Hold a reference to a background task until it finishes (asyncio keeps weak ones)."""
        self._background.add(task)
        task.add_done_callback(self._background.discard)
