"""Safe reading of the XML WeChat posts: hostile documents are refused before any parser sees them.

WeChat's XML never has a DTD, so anything declaring a DOCTYPE or entities (billion laughs, XXE) is
rejected outright; nothing is expanded. A guard pass with expat (DTD handlers that abort) backs the
text check up before wechatpy/xmltodict parse the document.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from typing import Any

import xmltodict
from wechatpy import parse_message
from wechatpy.messages import BaseMessage


class BadXMLError(ValueError):
    """The body is not a WeChat XML message (malformed, not UTF-8 or missing fields)."""


class HostileXMLError(BadXMLError):
    """The body declares a DTD or entities; refused without parsing."""


# Only an optional BOM, whitespace and an XML declaration may come before <xml>: comments or
# processing instructions in the prolog could otherwise hide a DOCTYPE from the text check.
_PROLOG = re.compile(r"\A\ufeff?\s*(?:<\?xml[^<>?]*\?>\s*)?<xml[\s>/]")
_CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.DOTALL)
_DECLARATION = re.compile(r"<!\s*(?:doctype|entity|element|attlist|notation)\b", re.IGNORECASE)
_WECHAT_ID = re.compile(r"[A-Za-z0-9_\-@.]{1,128}")


def decode_body(raw: bytes) -> str:
    """Decode a request body as UTF-8 (WeChat's encoding), refusing anything else."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadXMLError("body is not UTF-8") from error


def screen_xml(text: str) -> str:
    """Return ``text`` if it is safe to parse, else raise.

    Raises:
        HostileXMLError: a DOCTYPE/ENTITY (or other DTD) declaration is present.
        BadXMLError: the document does not start with WeChat's ``<xml>`` root or is malformed.

    """
    # Declarations inside CDATA are user text (e.g. a pasted web page), not markup.
    if _DECLARATION.search(_CDATA.sub("", text)):
        raise HostileXMLError("DTD and entity declarations are not accepted")
    if not _PROLOG.match(text):
        raise BadXMLError("expected a WeChat <xml> message")
    _guard_parse(text)
    return text


def _refuse_dtd(*_args: Any) -> None:
    raise HostileXMLError("DTD and entity declarations are not accepted")


def _guard_parse(text: str) -> None:
    """Parse once with expat, aborting at any DTD construct, to catch what regexes cannot."""
    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as error:
        reason = xml.parsers.expat.errors.messages.get(error.code, "syntax error")
        raise BadXMLError(f"malformed XML ({reason})") from error


def parse_envelope(text: str) -> dict[str, Any]:
    """Parse a screened document into a flat dict of its top-level fields."""
    try:
        document = xmltodict.parse(text, disable_entities=True)
    except Exception as error:
        raise BadXMLError("malformed XML") from error
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise BadXMLError("expected a WeChat <xml> message with fields")
    return root


def encrypted_part(envelope: dict[str, Any]) -> str:
    """Return the ``<Encrypt>`` value of a safe-mode envelope."""
    value = envelope.get("Encrypt")
    if not isinstance(value, str) or not value.strip():
        raise BadXMLError("encrypted message without <Encrypt>")
    return value.strip()


def parse_wechat_message(text: str) -> BaseMessage:
    """Turn screened message XML into a wechatpy message, checking the fields we rely on.

    Raises:
        BadXMLError: missing or malformed MsgType / FromUserName / ToUserName / MsgId / CreateTime.

    """
    try:
        message = parse_message(text)
        fields = (message.source, message.target, message.type)
        int(message.id or 0)
        int(message.time)
    except Exception as error:  # xmltodict/wechatpy raise KeyError, TypeError, ValueError ...
        raise BadXMLError("not a WeChat message") from error
    source, target, _type = fields
    for name, value in (("FromUserName", source), ("ToUserName", target)):
        if not isinstance(value, str) or not _WECHAT_ID.fullmatch(value):
            raise BadXMLError(f"missing or malformed {name}")
    return message
