"""``wechat-sim``: play the WeChat server on the command line to test the WeChat channel locally.

It builds the XML WeChat would post, signs it with the token (and encrypts it in safe mode), posts
it to the webhook and prints the bot's passive reply. With ``--fake-api PORT`` it also plays the
WeChat API (access token + customer-service messages), so answers that take longer than 4.5 s are
printed when the bot pushes them; start Rasa with ``WECHAT_API_BASE=http://127.0.0.1:PORT`` and any
``WECHAT_APP_SECRET`` for that.

Examples::

    wechat-sim "有人让我交解冻费"
    wechat-sim --type subscribe
    wechat-sim --interactive            # one message per line; ":help" lists the commands
    wechat-sim --verify                 # the URL check WeChat does when you save the settings
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import xmltodict
from aiohttp import web
from wechatpy.crypto import WeChatCrypto

from channels.wechat.crypto import make_signature, new_nonce, signature_is_valid

DEFAULT_URL = "http://localhost:5005/webhooks/wechat/webhook"
DEFAULT_OPENID = "o_sim_user_0001"
DEFAULT_ACCOUNT = "gh_sim_account"
MESSAGE_TYPES = ("text", "voice", "image", "link", "location", "video", "subscribe", "unsubscribe")
MAX_TEXT_BYTES = 2048  # WeChat refuses longer customer-service texts (errcode 45002)


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def new_msg_id() -> int:
    """Return a fresh 64-bit message id, unique enough for a local session."""
    return int(time.time() * 1000) * 1000 + secrets.randbelow(1000)


def build_message_xml(
    kind: str,
    text: str = "",
    openid: str = DEFAULT_OPENID,
    account: str = DEFAULT_ACCOUNT,
    msg_id: int | None = None,
    create_time: int | None = None,
) -> str:
    """Build the XML WeChat posts for a message of ``kind`` (see ``MESSAGE_TYPES``)."""
    create_time = int(time.time()) if create_time is None else create_time
    fields = [
        f"<ToUserName>{_cdata(account)}</ToUserName>",
        f"<FromUserName>{_cdata(openid)}</FromUserName>",
        f"<CreateTime>{create_time}</CreateTime>",
    ]
    if kind in ("subscribe", "unsubscribe"):
        fields += ["<MsgType><![CDATA[event]]></MsgType>", f"<Event>{_cdata(kind)}</Event>"]
        return "<xml>" + "".join(fields) + "</xml>"
    fields.append(f"<MsgType>{_cdata(kind)}</MsgType>")
    if kind == "text":
        fields.append(f"<Content>{_cdata(text)}</Content>")
    elif kind == "voice":
        fields += ["<MediaId><![CDATA[sim_media]]></MediaId>", "<Format><![CDATA[amr]]></Format>"]
        if text:
            fields.append(f"<Recognition>{_cdata(text)}</Recognition>")
    elif kind == "image":
        fields += [
            "<PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl>",
            "<MediaId><![CDATA[sim_media]]></MediaId>",
        ]
    elif kind == "link":
        fields += [
            f"<Title>{_cdata(text or '贷款秒批')}</Title>",
            "<Description><![CDATA[]]></Description>",
            "<Url><![CDATA[http://example.invalid/loan]]></Url>",
        ]
    elif kind == "location":
        fields += [
            "<Location_X>23.134521</Location_X>",
            "<Location_Y>113.358803</Location_Y>",
            "<Scale>20</Scale>",
            f"<Label>{_cdata(text)}</Label>",
        ]
    elif kind == "video":
        fields += [
            "<MediaId><![CDATA[sim_media]]></MediaId>",
            "<ThumbMediaId><![CDATA[sim_thumb]]></ThumbMediaId>",
        ]
    fields.append(f"<MsgId>{msg_id if msg_id is not None else new_msg_id()}</MsgId>")
    return "<xml>" + "".join(fields) + "</xml>"


@dataclass
class SimConfig:
    """Who the simulator pretends to be and where it posts."""

    url: str = DEFAULT_URL
    token: str = ""
    app_id: str = ""
    aes_key: str = ""
    encrypt: bool = False
    openid: str = DEFAULT_OPENID
    account: str = DEFAULT_ACCOUNT
    timeout: float = 15.0

    @property
    def crypto(self) -> WeChatCrypto:
        """Return wechatpy's safe-mode helper for this account."""
        return WeChatCrypto(self.token, self.aes_key, self.app_id)


@dataclass
class SignedRequest:
    """Query parameters and body of one webhook POST."""

    params: dict[str, str]
    body: str
    encrypted: bool


def sign_message(
    xml: str, config: SimConfig, timestamp: str | None = None, nonce: str | None = None
) -> SignedRequest:
    """Sign (and in safe mode encrypt) ``xml`` the way WeChat's server does."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or new_nonce()
    params = {
        "signature": make_signature(config.token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": config.openid,
    }
    if not config.encrypt:
        return SignedRequest(params, xml, encrypted=False)
    envelope = xmltodict.parse(config.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
    params.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
    body = (
        f"<xml><ToUserName>{_cdata(config.account)}</ToUserName>"
        f"<Encrypt>{_cdata(envelope['Encrypt'])}</Encrypt></xml>"
    )
    return SignedRequest(params, body, encrypted=True)


class ReplyError(ValueError):
    """The bot's reply is something WeChat would reject."""


@dataclass
class BotReply:
    """What the user would see: the passive text (None for ``success``/empty) and raw fields."""

    text: str | None
    fields: dict[str, Any] = field(default_factory=dict)


def read_reply(body: str, config: SimConfig, encrypted: bool) -> BotReply:
    """Check and decode a webhook response like WeChat does.

    Raises:
        ReplyError: malformed XML, a bad signature on an encrypted reply, or a wrong recipient.

    """
    if body.strip() in ("", "success"):
        return BotReply(text=None)
    try:
        reply = xmltodict.parse(body)["xml"]
        if encrypted:
            if not signature_is_valid(
                reply.get("MsgSignature"),
                config.token,
                reply.get("TimeStamp"),
                reply.get("Nonce"),
                reply.get("Encrypt"),
            ):
                raise ReplyError("encrypted reply has a wrong MsgSignature")
            inner = config.crypto.decrypt_message(
                body, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"]
            )
            reply = xmltodict.parse(inner)["xml"]
    except ReplyError:
        raise
    except Exception as error:
        raise ReplyError(f"reply is not valid WeChat XML: {body[:200]!r}") from error
    if reply.get("ToUserName") != config.openid:
        raise ReplyError("reply is addressed to someone else")
    content = reply.get("Content") if reply.get("MsgType") == "text" else None
    return BotReply(text=content if content is not None else "", fields=dict(reply))


async def post_message(
    session: aiohttp.ClientSession, config: SimConfig, xml: str
) -> tuple[int, BotReply | str]:
    """POST one message; return (HTTP status, decoded reply or the error body)."""
    signed = sign_message(xml, config)
    async with session.post(
        config.url,
        params=signed.params,
        data=signed.body.encode("utf-8"),
        headers={"Content-Type": "text/xml; charset=utf-8"},
        timeout=aiohttp.ClientTimeout(total=config.timeout),
    ) as response:
        body = await response.text()
        if response.status != 200:
            return response.status, body
        return response.status, read_reply(body, config, signed.encrypted)


async def verify_url(session: aiohttp.ClientSession, config: SimConfig) -> tuple[int, bool]:
    """WeChat's URL check: GET with a signed echostr; True if it came back unchanged."""
    timestamp, nonce, echostr = str(int(time.time())), new_nonce(), secrets.token_hex(8)
    params = {
        "signature": make_signature(config.token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echostr,
    }
    async with session.get(config.url, params=params) as response:
        return response.status, (await response.text()) == echostr


# --- fake WeChat API (access token + customer-service messages) ----------------------------


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


# --- command line ----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="wechat-sim",
        description="Play WeChat's server: sign and post a message to the bot, print its reply.",
    )
    parser.add_argument("text", nargs="*", help="message text (voice: the recognised text)")
    parser.add_argument("--url", default=env("WECHAT_SIM_URL", DEFAULT_URL), help="webhook URL")
    parser.add_argument("--token", default=env("WECHAT_TOKEN", ""), help="default: $WECHAT_TOKEN")
    parser.add_argument("--app-id", default=env("WECHAT_APP_ID", ""), help="default: $WECHAT_APP_ID")
    parser.add_argument(
        "--aes-key",
        default=env("WECHAT_ENCODING_AES_KEY", ""),
        help="EncodingAESKey; when set, messages are encrypted (default: $WECHAT_ENCODING_AES_KEY)",
    )
    parser.add_argument("--plain", action="store_true", help="send unencrypted even with a key")
    parser.add_argument("--type", default="text", choices=MESSAGE_TYPES, help="message type")
    parser.add_argument("--openid", default=DEFAULT_OPENID, help="the user's OpenID")
    parser.add_argument("--msg-id", type=int, help="fixed MsgId (to replay a message)")
    parser.add_argument("--repeat", type=int, default=1, help="deliver N times, like retries")
    parser.add_argument("--interactive", "-i", action="store_true", help="chat line by line")
    parser.add_argument("--verify", action="store_true", help="only do the URL verification")
    parser.add_argument(
        "--fake-api",
        type=int,
        metavar="PORT",
        help="also serve a fake WeChat API on 127.0.0.1:PORT and print pushed messages",
    )
    parser.add_argument(
        "--push-wait", type=float, default=20.0, help="seconds to wait for pushed answers"
    )
    return parser


def _show(status: int, reply: BotReply | str) -> bool:
    if isinstance(reply, str):
        print(f"[HTTP {status}] {reply.strip()}")
        return False
    if reply.text is None:
        print("(success: no passive reply; a slow answer would come as a customer-service message)")
    elif reply.text == "" and reply.fields:
        print(f"({reply.fields.get('MsgType')} reply) {reply.fields}")
    else:
        print(reply.text)
    return True


async def _print_pushes(api: FakeWeChatAPI | None, seen: int, wait: float) -> int:
    if api is None:
        return seen
    messages = await api.wait_for_messages(seen + 1, wait)
    for message in messages[seen:]:
        print(f"[customer-service message] {message.get('text', {}).get('content', message)}")
    return len(messages)


async def _send(
    session: aiohttp.ClientSession,
    config: SimConfig,
    kind: str,
    text: str,
    msg_id: int | None,
    create_time: int | None = None,
) -> tuple[bool, bool]:
    """Send one message; return (ok, answered passively)."""
    xml = build_message_xml(kind, text, config.openid, config.account, msg_id, create_time)
    status, reply = await post_message(session, config, xml)
    ok = _show(status, reply)
    return ok, ok and isinstance(reply, BotReply) and reply.text is not None


INTERACTIVE_HELP = (
    "Type a message and press Enter. Commands: :subscribe  :unsubscribe  :image  :link  "
    ":location  :video  :voice <text>  :quit"
)


async def _interactive(
    session: aiohttp.ClientSession, config: SimConfig, api: FakeWeChatAPI | None, wait: float
) -> int:
    print(INTERACTIVE_HELP)
    loop = asyncio.get_running_loop()
    pushed = 0
    while True:
        line = await loop.run_in_executor(None, _prompt)
        if line is None or line.strip() in (":quit", ":q"):
            return 0
        line = line.strip()
        if not line:
            continue
        if line == ":help":
            print(INTERACTIVE_HELP)
            continue
        kind, text = "text", line
        if line.startswith(":"):
            command, _, text = line[1:].partition(" ")
            if command not in MESSAGE_TYPES:
                print(f"unknown command {line!r}; {INTERACTIVE_HELP}")
                continue
            kind = command
        _ok, answered = await _send(session, config, kind, text, None)
        if not answered:
            pushed = await _print_pushes(api, pushed, wait if kind in ("text", "voice") else 0.5)


def _prompt() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        return None


async def run(args: argparse.Namespace) -> int:
    """Run the simulator with parsed arguments; return the exit code."""
    config = SimConfig(
        url=args.url,
        token=args.token,
        app_id=args.app_id,
        aes_key=args.aes_key,
        encrypt=bool(args.aes_key) and not args.plain,
        openid=args.openid,
    )
    runner: web.AppRunner | None = None
    api: FakeWeChatAPI | None = None
    if args.fake_api:
        api = FakeWeChatAPI()
        runner = web.AppRunner(api.app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", args.fake_api).start()
        print(f"fake WeChat API on http://127.0.0.1:{args.fake_api} (set WECHAT_API_BASE to it)")
    try:
        async with aiohttp.ClientSession() as session:
            if args.verify:
                status, echoed = await verify_url(session, config)
                print("URL verification:", "OK" if echoed else f"FAILED (HTTP {status})")
                return 0 if echoed else 1
            if args.interactive:
                return await _interactive(session, config, api, args.push_wait)
            text = " ".join(args.text)
            if args.type in ("text",) and not text:
                print("wechat-sim: give the message text, or use --type / --interactive")
                return 2
            msg_id, create_time = args.msg_id or new_msg_id(), int(time.time())
            all_ok, answered = True, False
            for _ in range(max(args.repeat, 1)):  # a retry repeats MsgId and CreateTime
                ok, passive = await _send(session, config, args.type, text, msg_id, create_time)
                all_ok, answered = all_ok and ok, answered or passive
            if not answered:
                await _print_pushes(api, 0, args.push_wait)
            return 0 if all_ok else 1
    except aiohttp.ClientError as error:
        print(f"wechat-sim: cannot reach {config.url}: {error}", file=sys.stderr)
        return 1
    except ReplyError as error:
        print(f"wechat-sim: WeChat would reject this reply: {error}", file=sys.stderr)
        return 1
    finally:
        if runner is not None:
            await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wechat-sim`` command."""
    args = _parser().parse_args(argv)
    if not args.token:
        print("wechat-sim: set WECHAT_TOKEN or pass --token (the same token Rasa uses)")
        return 2
    if args.aes_key and not args.plain and (len(args.aes_key) != 43 or not args.app_id):
        print("wechat-sim: safe mode needs a 43-character --aes-key and --app-id")
        return 2
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
