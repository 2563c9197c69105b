"""Shared helpers for the WeChat channel tests: a fake Rasa, a Sanic app, a fake WeChat API."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels.wechat import WeChatInput
from channels.wechat.push import CustomerServiceClient
from channels.wechat.settings import WeChatSettings
from tooling.wechat_sim import (
    FakeWeChatAPI,
    SimConfig,
    build_message_xml,
    read_reply,
    sign_message,
)

TOKEN = "simtoken2024"
APP_ID = "wx1234567890abcdef"
APP_SECRET = "s3cr3t-for-tests"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 letters/digits, as 公众平台 makes
OPENID = "o_test_user_42"
ACCOUNT = "gh_test_account"
URL = "/webhooks/wechat/webhook"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Silence Sanic's note that ASGI mode runs the channel's after_server_stop listener late."""
    here = str(__file__).rsplit("/", 1)[0]
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.filterwarnings("ignore:You have set a listener"))


@dataclass
class FakeRasa:
    """Stands in for ``agent.handle_message``: records messages and answers like Rasa would."""

    answer: Callable[[str], list[dict[str, Any]]] = lambda text: [{"text": f"echo: {text}"}]
    delay: float = 0.0
    fail: bool = False
    received: list[UserMessage] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [message.text for message in self.received]

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("the model exploded")
        for bot_message in self.answer(message.text):
            await message.output_channel.send_response(message.sender_id, dict(bot_message))


def make_settings(**overrides: Any) -> WeChatSettings:
    values: dict[str, Any] = {"token": TOKEN, "app_id": APP_ID}
    values.update(overrides)
    return WeChatSettings(**values)


def make_app(
    rasa: FakeRasa, settings: WeChatSettings | None = None, **channel_kwargs: Any
) -> tuple[Sanic, WeChatInput]:
    """A fresh Sanic app (unique name: Sanic keeps a registry) with the channel mounted."""
    channel = WeChatInput(settings or make_settings(), **channel_kwargs)
    app = Sanic(f"wechat_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/wechat")
    return app, channel


def sim_config(encrypt: bool = False, **overrides: Any) -> SimConfig:
    values: dict[str, Any] = {
        "token": TOKEN,
        "app_id": APP_ID,
        "aes_key": AES_KEY if encrypt else "",
        "encrypt": encrypt,
        "openid": OPENID,
        "account": ACCOUNT,
    }
    values.update(overrides)
    return SimConfig(**values)


async def post_raw(app: Sanic, params: dict[str, str], body: bytes | str, **kwargs: Any):
    content = body.encode("utf-8") if isinstance(body, str) else body
    _, response = await app.asgi_client.post(URL, params=params, content=content, **kwargs)
    return response


async def send(
    app: Sanic,
    kind: str = "text",
    text: str = "",
    config: SimConfig | None = None,
    msg_id: int | None = None,
    create_time: int | None = None,
):
    """Post a signed message the way WeChat does; return (response, decoded reply or None)."""
    config = config or sim_config()
    xml = build_message_xml(kind, text, config.openid, config.account, msg_id, create_time)
    signed = sign_message(xml, config)
    response = await post_raw(app, signed.params, signed.body)
    reply = read_reply(response.text, config, signed.encrypted) if response.status == 200 else None
    return response, reply


@contextlib.asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """Serve ``app`` on a real socket in this event loop; yields the webhook URL.

    Timing tests need this: the ASGI test client only returns once background tasks finish.
    """
    server = await app.create_server(host="127.0.0.1", port=0, return_asyncio_server=True)
    await server.startup()
    port = server.server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}{URL}"
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
async def fake_api():
    """A local fake of api.weixin.qq.com; yields (api, base_url)."""
    api = FakeWeChatAPI(app_id=APP_ID, app_secret=APP_SECRET)
    server = TestServer(api.app)
    await server.start_server()
    try:
        yield api, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def push_client(fake_api):
    api, base = fake_api
    client = CustomerServiceClient(APP_ID, APP_SECRET, base)
    try:
        yield client
    finally:
        await client.close()
