import pytest

from reports.identifiers import Identifier, extract_identifiers, lookup_values


@pytest.mark.parametrize(("text", "expected"), [
    ("their number is +86 138-0013-8000", [("phone", "13800138000")]),
    ("call them back on 0086 13800138000", [("phone", "13800138000")]),
    ("they called from 021-5555 1234 and 400-123-4567", [("phone", "02155551234"), ("phone", "4001234567")]),
    ("a UK number +44 7911 123456", [("phone", "+447911123456")]),
    ("safe account 6222 0212 3456 7890 123", [("bank_account", "6222021234567890123")]),
    ("link https://www.JD-Daikuan.xyz/login?uid=42", [("domain", "jd-daikuan.xyz")]),
    ("the site jd-jr.top", [("domain", "jd-jr.top")]),
    ("an app called QuickCash Pro", [("app", "quickcash pro")]),
    ("微信号：abc_123x", [("wechat", "abc_123x")]),
    ("加QQ12345678", [("qq", "12345678")]),
    ("他让我下载一个叫“速借宝”的APP", [("app", "速借宝")]),
    ("对方电话13800138000，网址jd-jr.top", [("domain", "jd-jr.top"), ("phone", "13800138000")]),
])
def test_the_scammers_identifiers_are_found_and_normalised(text, expected):
    assert extract_identifiers(text) == sorted(Identifier(k, v) for k, v in expected)


@pytest.mark.parametrize("text", [
    "my phone is 13912345678",
    "my card 6222021234567890123",
    "我的手机是13912345678",
    "我的银行卡6222021234567890123",
    "ID 110101199003071234",
    "my name is Li Wei, email li.wei@example.com",
    "skip", "没有", "",
])
def test_the_users_own_data_and_non_identifiers_are_never_extracted(text):
    assert extract_identifiers(text) == []


def test_own_and_scammer_numbers_in_one_message_keep_only_the_scammers():
    found = extract_identifiers("my number is 13912345678, theirs is 13800138000")
    assert found == [Identifier("phone", "13800138000")]


def test_lookup_normalises_like_filing():
    assert lookup_values("+86 138 0013 8000") == ["13800138000"]
    assert lookup_values("http://www.jd-jr.top/x") == ["jd-jr.top"]
    assert lookup_values("QuickCash Pro") == ["quickcash pro"]
