"""Property-based fuzzing of the scam checker and the WeChat XML reader: never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.wechat.safe_xml import BadXMLError, parse_wechat_message, screen_xml
from scamcheck import check
from tests.hardening.corpus import XML_BOMBS, hostile_texts

FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event"]


@given(hostile_texts(max_size=800))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_checker_answers_any_text_with_a_verdict(text: str) -> None:
    try:
        assessment = check(text)
    except ValueError:  # empty or binary input: the documented refusal
        return
    assert assessment.risk in ("low", "medium", "high")
    assert 0 <= assessment.score <= 100


xml_fields = st.lists(
    st.tuples(st.sampled_from(FIELDS + ["x", "Encrypt", "!DOCTYPE"]),
              st.one_of(hostile_texts(200), st.integers().map(str))),
    max_size=8,
)


@given(xml_fields, st.sampled_from(["", '<?xml version="1.0"?>', "\ufeff", "<!-- c -->"]))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_wechat_reader_accepts_a_message_or_refuses_it_cleanly(fields, prolog) -> None:
    body = prolog + "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields) + "</xml>"
    try:
        message = parse_wechat_message(screen_xml(body))
    except BadXMLError:
        return
    assert message.source and message.target


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_random_text_is_never_taken_for_wechat_xml_by_mistake(text: str) -> None:
    try:
        parse_wechat_message(screen_xml(text))
    except BadXMLError:
        return
    assert text.lstrip("\ufeff \t\r\n").startswith(("<xml", "<?xml"))


@pytest.mark.parametrize("bomb", XML_BOMBS)
def test_xml_bombs_and_junk_are_refused_without_expansion(bomb: str) -> None:
    with pytest.raises(BadXMLError):
        parse_wechat_message(screen_xml(bomb))
