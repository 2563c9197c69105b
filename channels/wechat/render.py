"""Turning the bot's messages into WeChat text: one reply, numbered options, a byte limit.

WeChat shows one passive reply per user message, has no buttons and cuts text content at 2048 UTF-8
bytes (see docs/wechat.md for the sources). Rasa may answer with several messages, buttons, images
or custom JSON; this module joins them into chunks of at most ``max_bytes`` each. The first chunk is
the passive reply; the connector pushes any others through the customer-service API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply

from channels.wechat.choices import Choice

OPTIONS_HINT = "（回复数字即可选择 · reply with a number）"
TRUNCATED_MARK = "…"

# Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Drop characters XML cannot carry, so a bot text can never break the reply document."""
    return _NOT_XML.sub("", text)


def cdata_safe(text: str) -> str:
    """Escape ``]]>`` for a CDATA section (wechatpy 1.8.18 does not: it would end the section)."""
    return xml_safe(text).replace("]]>", "]]]]><![CDATA[>")


def utf8_len(text: str) -> int:
    """Length of ``text`` in UTF-8 bytes (a Chinese character is 3)."""
    return len(text.encode("utf-8"))


@dataclass
class ComposedReply:
    """The bot's answer as WeChat text chunks plus the numbered options they show."""

    chunks: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)

    @property
    def first(self) -> str | None:
        """The passive reply, or None if the bot said nothing."""
        return self.chunks[0] if self.chunks else None

    @property
    def rest(self) -> list[str]:
        """What does not fit into the passive reply."""
        return self.chunks[1:]


def _button_lines(buttons: Iterable[Any], choices: list[Choice]) -> list[str]:
    lines = []
    for button in buttons:
        if not isinstance(button, dict):
            continue
        title = str(button.get("title") or "").strip()
        url = button.get("url")
        if url and (button.get("type") == "web_url" or not button.get("payload")):
            lines.append(f"{title}: {url}" if title else str(url))
            continue
        payload = str(button.get("payload") or title).strip()
        if not payload:
            continue
        choice = Choice(number=len(choices) + 1, title=title or payload, payload=payload)
        choices.append(choice)
        lines.append(f"{choice.number}. {choice.title}")
    return lines


def _message_block(message: dict[str, Any], choices: list[Choice]) -> str:
    """Text for one bot message; custom JSON (e.g. the verdict card for the widget) is skipped."""
    parts: list[str] = []
    if isinstance(message.get("text"), str) and message["text"].strip():
        parts.append(message["text"].strip())
    options = message.get("buttons") or message.get("quick_replies") or []
    numbered_before = len(choices)
    lines = _button_lines(options, choices) if isinstance(options, list) else []
    if lines:
        parts.append("\n".join(lines))
        if len(choices) > numbered_before:
            parts.append(OPTIONS_HINT)
    if isinstance(message.get("image"), str) and message["image"].strip():
        parts.append(f"[图片 image] {message['image'].strip()}")
    if isinstance(message.get("attachment"), str) and message["attachment"].strip():
        parts.append(message["attachment"].strip())
    return xml_safe("\n".join(parts))


def _split_long(text: str, max_bytes: int) -> list[str]:
    """Split one block at line breaks, then between characters, into pieces within the limit."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf8_len(candidate) <= max_bytes:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        while utf8_len(line) > max_bytes:
            cut = len(line.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore"))
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        pieces.append(current)
    return pieces


def compose_reply(messages: Sequence[dict[str, Any]], max_bytes: int = 2048) -> ComposedReply:
    """Join the bot's messages into as few chunks of at most ``max_bytes`` as keep them whole.

    Messages are separated by a blank line; options are numbered across the whole answer.
    """
    reply = ComposedReply()
    blocks = [block for block in (_message_block(m, reply.choices) for m in messages) if block]
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if utf8_len(candidate) <= max_bytes:
            current = candidate
            continue
        if current:
            reply.chunks.append(current)
        pieces = _split_long(block, max_bytes)
        reply.chunks.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    if current:
        reply.chunks.append(current)
    return reply


def truncate_to(text: str, max_bytes: int) -> str:
    """Cut ``text`` to ``max_bytes`` UTF-8 bytes, marking the cut with an ellipsis."""
    if utf8_len(text) <= max_bytes:
        return text
    room = max_bytes - utf8_len(TRUNCATED_MARK)
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore") + TRUNCATED_MARK


def render_text_reply(text: str, message: BaseMessage) -> str:
    """Render the passive reply XML for ``message`` with ``text``, made safe for CDATA."""
    return TextReply(content=cdata_safe(text), message=message).render()
