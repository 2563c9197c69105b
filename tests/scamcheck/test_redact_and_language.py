"""Redaction of personal data and language detection."""

import pytest

from scamcheck.language import detect_language, to_simplified
from scamcheck.redact import redact


@pytest.mark.parametrize(
    "text,secret",
    [
        ("call me on 13812345678", "13812345678"),
        ("my card is 6222 0212 3456 7890 123", "6222 0212 3456 7890 123"),
        ("身份证110101199003071234", "110101199003071234"),
        ("my name is John Smith and I was scammed", "John Smith"),
        ("我叫张三，被骗了", "张三"),
        ("write to victim@example.com", "victim@example.com"),
        ("UK mobile +44 7700 900123", "7700 900123"),
    ],
)
def test_personal_data_is_replaced(text, secret):
    assert secret not in redact(text)


def test_story_words_and_amounts_survive_redaction():
    out = redact("They asked for 2000 yuan as an unfreezing fee on 12 May")
    assert "2000 yuan" in out and "unfreezing fee" in out


@pytest.mark.parametrize(
    "text,lang",
    [("hello there", "en"), ("你好", "zh"), ("JD金融客服说我的loan被冻结了", "zh"),
     ("I got a call from 京东 about a loan fee", "en"), ("😱😱", "en")],
)
def test_language_detection(text, lang):
    assert detect_language(text) == lang


def test_traditional_chinese_is_converted():
    assert to_simplified("貸款被凍結，銀行卡號填錯") == "贷款被冻结，银行卡号填错"
