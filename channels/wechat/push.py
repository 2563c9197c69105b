"""Customer-service messages (客服消息): how answers slower than WeChat's 5 s reach the user.

An async aiohttp client (never wechatpy's blocking ``WeChatClient``) posts to
``{api_base}/cgi-bin/message/custom/send``. The access token comes from ``/cgi-bin/stable_token``
in normal mode, which returns the same token to every caller while it is valid, so several Rasa
replicas can share an account without invalidating each other's tokens. It is cached until shortly
before it expires, in this process (:class:`InMemoryTokenStore`) or, when ``WECHAT_REDIS_URL`` is
set, in Redis for every replica (:class:`RedisTokenStore`), so the daily token quota is spent once
per deployment rather than once per replica. Errors are logged (without message text or secrets)
and never raised.
"""

from __future__ import annotations

import abc
import asyncio
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel

from channels.expiring_cache import ExpiringCache
from channels.wechat.choices import ChoiceMemory
from channels.wechat.render import compose_reply
from channels.wechat.settings import REDIS_URL_ENV

logger = logging.getLogger(__name__)

# errcodes meaning "this access_token is no longer valid" -> fetch a fresh one and retry once.
TOKEN_ERRORS = {40001, 40014, 42001}
TOKEN_MARGIN_S = 60.0
ACCESS_TOKEN = "access_token"  # the one key of the in-process token cache


class TokenStore(abc.ABC):
    """Where the access token is cached between messages."""

    @abc.abstractmethod
    async def get(self) -> str | None:
        """The cached token, or None when there is none or it has expired."""

    @abc.abstractmethod
    async def put(self, token: str, ttl: float) -> None:
        """Cache ``token`` for ``ttl`` seconds."""

    @abc.abstractmethod
    async def clear(self) -> None:
        """Forget the cached token (WeChat said it is no longer valid)."""


class InMemoryTokenStore(TokenStore):
    """The token in this process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._cache: ExpiringCache[str, str] = ExpiringCache(max_items=1, clock=clock)

    async def get(self) -> str | None:
        """The cached token, or None when there is none or it has expired."""
        return self._cache.get(ACCESS_TOKEN) or None

    async def put(self, token: str, ttl: float) -> None:
        """Cache ``token`` for ``ttl`` seconds."""
        self._cache.put(ACCESS_TOKEN, token, ttl=ttl)

    async def clear(self) -> None:
        """Forget the cached token."""
        self._cache.pop(ACCESS_TOKEN)


class RedisTokenStore(TokenStore):
    """The token in Redis, shared by every replica; the key expires with the token.

    The key is named after a hash of the AppID, so one Redis can serve several accounts. Redis
    errors are logged and treated as "no token cached" (the token is then fetched again).
    """

    def __init__(self, url: str, app_id: str, prefix: str = "loanscam:wechat") -> None:
        self._url = url
        self._key = f"{prefix}:token:{hashlib.sha256(app_id.encode()).hexdigest()[:16]}"
        self._client: Any = None

    def _redis(self) -> Any:
        if self._client is None:  # lazily, inside the running loop
            import redis.asyncio

            self._client = redis.asyncio.Redis.from_url(self._url, socket_timeout=2.0)
        return self._client

    async def get(self) -> str | None:
        """The shared token, or None."""
        try:
            value = await self._redis().get(self._key)
        except Exception as error:  # noqa: BLE001 (redis errors and connection failures)
            logger.warning("WeChat token store unavailable (%s)", type(error).__name__)
            return None
        return value.decode() if isinstance(value, bytes) else value

    async def put(self, token: str, ttl: float) -> None:
        """Share ``token`` for ``ttl`` seconds."""
        try:
            await self._redis().set(self._key, token, ex=max(1, int(ttl)))
        except Exception as error:  # noqa: BLE001
            logger.warning("WeChat token not shared (%s)", type(error).__name__)

    async def clear(self) -> None:
        """Forget the shared token."""
        try:
            await self._redis().delete(self._key)
        except Exception as error:  # noqa: BLE001
            logger.warning("WeChat token not cleared (%s)", type(error).__name__)

    async def close(self) -> None:
        """Close the Redis connections."""
        if self._client is not None:
            await self._client.close()
            self._client = None


def token_store_from_env(app_id: str, clock: Callable[[], float] = time.monotonic,
                         environ: Mapping[str, str] | None = None) -> TokenStore:
    """Redis when ``WECHAT_REDIS_URL`` is set (several replicas), else in this process."""
    url = (os.environ if environ is None else environ).get(REDIS_URL_ENV, "").strip()
    return RedisTokenStore(url, app_id) if url else InMemoryTokenStore(clock)


class CustomerServiceClient:
    """Sends text to a user through the customer-service message API."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        api_base: str = "https://api.weixin.qq.com",
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        token_store: TokenStore | None = None,
    ) -> None:
        self._app_id = app_id
        self._app_secret = app_secret
        self._api_base = api_base.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._tokens = token_store or token_store_from_env(app_id, clock)
        self._token_lock: asyncio.Lock | None = None

    async def close(self) -> None:
        """Close the HTTP session (the client can be used again afterwards)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
        if isinstance(self._tokens, RedisTokenStore):
            await self._tokens.close()

    def _http(self) -> aiohttp.ClientSession:
        # Created lazily inside the running loop (Sanic's), never at import or construction.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _post_json(self, path: str, payload: dict[str, Any], **params: str) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")  # WeChat shows \\uXXXX raw
        async with self._http().post(
            f"{self._api_base}{path}",
            params=params or None,
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8"},
        ) as response:
            response.raise_for_status()
            data = await response.json(content_type=None)
        if not isinstance(data, dict):
            raise ValueError("WeChat API answered with something other than a JSON object")
        return data

    async def access_token(self, refresh: bool = False) -> str:
        """Return a valid access token, fetched once and cached until shortly before expiry."""
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
        async with self._token_lock:
            if refresh:
                await self._tokens.clear()
            cached = await self._tokens.get()
            if cached:
                return cached
            data = await self._post_json(
                "/cgi-bin/stable_token",
                {
                    "grant_type": "client_credential",
                    "appid": self._app_id,
                    "secret": self._app_secret,
                },
            )
            token = data.get("access_token")
            if not token:
                raise PermissionError(f"no access_token (errcode {data.get('errcode')})")
            lifetime = float(data.get("expires_in") or 7200)
            await self._tokens.put(str(token), max(lifetime - TOKEN_MARGIN_S, 30.0))
            return str(token)

    async def send_text(self, openid: str, content: str) -> bool:
        """Send ``content`` to ``openid``; True on success. Never raises."""
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        try:
            for attempt in (1, 2):
                token = await self.access_token(refresh=attempt == 2)
                data = await self._post_json(
                    "/cgi-bin/message/custom/send", payload, access_token=token
                )
                errcode = int(data.get("errcode") or 0)
                if errcode == 0:
                    return True
                if errcode not in TOKEN_ERRORS:
                    break
            logger.warning(
                "WeChat customer-service message refused: errcode %s (%s)",
                errcode,
                data.get("errmsg", ""),
            )
        except Exception as error:  # network, HTTP status, bad JSON, missing token
            logger.warning("WeChat customer-service message not sent: %s", type(error).__name__)
        return False

    async def send_chunks(self, openid: str, chunks: Sequence[str]) -> bool:
        """Send several texts in order; stop at the first failure."""
        for chunk in chunks:
            if not await self.send_text(openid, chunk):
                return False
        return True


class WeChatPushOutput(OutputChannel):
    """Rasa output channel that delivers each bot message as a customer-service message.

    Used for proactive messages (reminders, ``trigger_intent``); ordinary replies go back in the
    HTTP response instead.
    """

    def __init__(
        self,
        client: CustomerServiceClient,
        choices: ChoiceMemory | None = None,
        max_bytes: int = 2048,
    ) -> None:
        self._client = client
        self._choices = choices
        self._max_bytes = max_bytes

    @classmethod
    def name(cls) -> str:
        """Channel name, as in credentials.yml routes."""
        return "wechat"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Render one bot message as WeChat text (options numbered) and push it."""
        reply = compose_reply([message], self._max_bytes)
        if reply.choices and self._choices is not None:
            await self._choices.remember(recipient_id, reply.choices)
        await self._client.send_chunks(recipient_id, reply.chunks)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Push a plain text."""
        await self.send_response(recipient_id, {"text": text})
