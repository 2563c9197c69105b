"""What WeChat's server sends to a 公众号 webhook, and how it reads the answers.

:func:`build_message_xml` writes the XML of a user message or event, :func:`sign_message` signs
it with the token (and encrypts it in safe mode), :func:`read_reply` checks a passive reply the way
WeChat does. :func:`post_message` and :func:`verify_url` do the HTTP part.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import xmltodict
from wechatpy.crypto import WeChatCrypto

from channels.wechat.crypto import make_signature, new_nonce, signature_is_valid

DEFAULT_URL = "http://localhost:5005/webhooks/wechat/webhook"
DEFAULT_OPENID = "o_sim_user_0001"
DEFAULT_ACCOUNT = "gh_sim_account"
MESSAGE_TYPES = ("text", "voice", "image", "link", "location", "video", "subscribe", "unsubscribe")


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
