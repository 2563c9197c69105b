"""A scripted stand-in for Rasa's socket.io channel, to test how the widget draws messages.

A real python-socketio server (aiohttp) in a background thread: it confirms sessions, answers
``start_conversation`` with a greeting and each user message with the events scripted for it,
and records everything the widget sends.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import socketio
from aiohttp import web

GREETING = {"text": "Hello, tell me what happened.",
            "quick_replies": [{"content_type": "text", "title": "Someone offered me a loan",
                               "payload": "/describe_offer"}]}


class FakeRasa:
    """Socket.IO server on 127.0.0.1:`port` that replies from `self.script`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.script: dict[str, list[dict[str, Any]]] = {}
        self.received: list[tuple[str, Any]] = []
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[])
        self.app = web.Application()
        self.sio.attach(self.app)
        self.sio.on("session_request", self._session_request)
        self.sio.on("start_conversation", self._start)
        self.sio.on("user_uttered", self._user_uttered)
        self.sio.on("set_language", self._set_language)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _session_request(self, sid: str, data: dict[str, Any]) -> None:
        self.received.append(("session_request", data))
        await self.sio.enter_room(sid, data["session_id"])
        await self.sio.emit("session_confirm", data["session_id"], room=sid)

    async def _start(self, sid: str, data: dict[str, Any]) -> None:
        self.received.append(("start_conversation", data))
        await self.sio.emit("bot_uttered", GREETING, room=sid)

    async def _set_language(self, sid: str, data: dict[str, Any]) -> None:
        self.received.append(("set_language", data))
        await self.sio.emit("bot_uttered", {"text": "好的，我们用中文。"}, room=sid)

    async def _user_uttered(self, sid: str, data: dict[str, Any]) -> None:
        self.received.append(("user_uttered", data))
        for event in self.script.get(data.get("message", ""), [{"text": "OK."}]):
            await self.sio.emit("bot_uttered", event, room=sid)

    def start(self) -> FakeRasa:
        threading.Thread(target=self._serve, daemon=True).start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Rasa did not start")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def up() -> None:
            self._runner = web.AppRunner(self.app, shutdown_timeout=2.0)
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
            self._ready.set()

        self._loop.run_until_complete(up())
        self._loop.run_forever()

    def stop(self) -> None:
        async def down() -> None:
            if self.sio.eio.sockets:  # close every client's connection, like a crash
                await self.sio.eio.disconnect()
            await self.sio.shutdown()
            if self._runner is not None:
                await self._runner.cleanup()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:  # engine.io's ping and housekeeping tasks
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(down(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
