"""What to do with each kind of WeChat message: send text to Rasa, answer kindly, or stay quiet.

Only words reach Rasa. Text that starts with "/" would be read by Rasa as an intent with entities
(``/restart``, ``/inform{"money_sent": false}``), so user text never keeps a leading slash (the
shared rule, :func:`channels.input_guard.without_command_prefix`); the bot's own intents (the
welcome on follow, a numbered option's payload) are produced here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wechatpy.messages import BaseMessage

from channels.input_guard import without_command_prefix

ASK_FOR_WORDS = (
    "我目前只能读懂文字。请用文字告诉我发生了什么：对方是谁、怎么联系您的、让您做什么或交什么钱。\n"
    "I can only read text for now - please tell me in words what happened."
)
ASK_FOR_WORDS_IMAGE = (
    "我看不到图片里的内容。请把截图里的关键文字打出来，或者描述一下对方让您做什么。\n"
    "I can't see pictures - please type what the screenshot says."
)
ASK_FOR_WORDS_LINK = (
    "收到一个链接。来路不明的链接请先不要点开，更不要在里面填写银行卡号、密码或验证码。"
    "请用文字告诉我对方让您做什么。\n"
    "Please don't open links from strangers or type card numbers or codes into them. "
    "Tell me in words what you were asked to do."
)
ASK_FOR_WORDS_VOICE = (
    "这段语音没能转成文字。请直接打字告诉我发生了什么。\n"
    "I couldn't understand the voice message - please type it instead."
)
APOLOGY = (
    "抱歉，我这边出了点问题，请稍后再发一次。\n"
    "Sorry, something went wrong on my side - please send your message again in a moment."
)

FOLLOW_EVENTS = {"subscribe", "subscribe_scan"}


@dataclass(frozen=True)
class ToRasa:
    """Text for Rasa, with the id and metadata to log with it."""

    text: str
    message_id: str
    metadata: dict[str, Any] = field(default_factory=dict)
    from_user: bool = True  # False: an intent this channel produced (welcome), no option lookup


@dataclass(frozen=True)
class CannedReply:
    """A reply the channel gives itself (the message never reaches Rasa)."""

    text: str


@dataclass(frozen=True)
class NoReply:
    """Nothing to say (e.g. unfollow, automatic location reports, menu view events)."""

    forget_user: bool = False


Inbound = ToRasa | CannedReply | NoReply


def _user_text(text: Any, message: BaseMessage, kind: str) -> Inbound:
    words = without_command_prefix(text) if isinstance(text, str) else ""
    if not words:
        return CannedReply(ASK_FOR_WORDS)
    return ToRasa(words, str(message.id), {"wechat": {"msg_type": kind}})


def _raw_type(message: BaseMessage) -> str:
    raw = getattr(message, "_data", None)
    return str(raw.get("MsgType") or "").lower() if isinstance(raw, dict) else ""


def interpret(message: BaseMessage, welcome_payload: str = "/greet") -> Inbound:
    """Decide how to handle a parsed WeChat message."""
    kind = message.type
    if kind == "text":
        return _user_text(message.content, message, "text")
    if kind == "voice":
        recognition = getattr(message, "recognition", None)
        if isinstance(recognition, str) and recognition.strip():
            return _user_text(recognition, message, "voice")
        return CannedReply(ASK_FOR_WORDS_VOICE)
    if kind == "event":
        event = str(getattr(message, "event", "") or "").lower()
        if event in FOLLOW_EVENTS:
            return ToRasa(
                welcome_payload,
                f"event-{message.source}-{message.time}",
                # Followers of a Chinese 公众号: greet in Chinese first (same key as the widget's
                # customData); the language then follows what the user writes.
                {"language": "zh", "wechat": {"msg_type": "event", "event": event}},
                from_user=False,
            )
        return NoReply(forget_user=event == "unsubscribe")
    if _raw_type(message) == "event":  # an event wechatpy does not know: nothing to answer
        return NoReply()
    if kind == "image":
        return CannedReply(ASK_FOR_WORDS_IMAGE)
    if kind == "link":
        return CannedReply(ASK_FOR_WORDS_LINK)
    return CannedReply(ASK_FOR_WORDS)  # location, video, shortvideo, file, unknown types
