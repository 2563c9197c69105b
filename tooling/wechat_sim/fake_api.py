"""A local stand-in for api.weixin.qq.com: access tokens and customer-service messages."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from aiohttp import web

MAX_TEXT_BYTES = 2048  # WeChat refuses longer customer-service texts (errcode 45002)


class FakeWeChatAPI:
    """A local stand-in for api.weixin.qq.com: issues tokens and records pushed messages."""

    def __init__(self, app_id: str | None = None, app_secret: str | None = None) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.sent: list[dict[str, Any]] = []
        self.token_requests = 0
        self._valid_tokens: set[str] = set()
        self._counter = itertools.count(1)
        self._arrived = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        self.app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)

    def invalidate_tokens(self) -> None:
        """Make every issued token invalid (as another server force-refreshing would)."""
        self._valid_tokens.clear()

    async def _stable_token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        data = await request.json()
        if (self.app_id and data.get("appid") != self.app_id) or (
            self.app_secret and data.get("secret") != self.app_secret
        ):
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        token = f"sim-token-{next(self._counter)}"
        self._valid_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": 7200})

    async def _custom_send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") not in self._valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        data = await request.json()
        content = str((data.get("text") or {}).get("content", ""))
        if len(content.encode("utf-8")) > MAX_TEXT_BYTES:
            return web.json_response({"errcode": 45002, "errmsg": "content size out of limit"})
        self.sent.append(data)
        self._arrived.set()
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def wait_for_messages(self, count: int = 1, timeout: float = 10.0) -> list[dict]:
        """Wait until at least ``count`` messages were pushed (or the timeout); return them all."""
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                break
        return list(self.sent)
