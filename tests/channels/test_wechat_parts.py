"""The WeChat channel's parts on their own: rendering, de-duplication, settings, push client."""

from __future__ import annotations

import asyncio

import pytest
import xmltodict
from wechatpy import parse_message

from channels.wechat.dedup import InMemoryDedupStore, Outcome, dedup_key
from channels.wechat.push import CustomerServiceClient
from channels.wechat.render import compose_reply, render_text_reply, truncate_to, utf8_len
from channels.wechat.settings import WeChatConfigError, WeChatSettings, wechat_enabled
from tests.channels.conftest import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    OPENID,
    FakeRasa,
    make_app,
    make_settings,
    send,
)
from tooling.wechat_sim import build_message_xml


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- rendering ------------------------------------------------------------------------------------


def test_options_are_numbered_across_the_whole_answer():
    reply = compose_reply([
        {"text": "A?", "buttons": [{"title": "yes", "payload": "/affirm"}]},
        {"text": "B?", "buttons": [{"title": "no", "payload": "/deny"},
                                   {"title": "官网", "url": "https://www.12321.cn", "type": "web_url"}]},
    ])
    assert [(c.number, c.payload) for c in reply.choices] == [(1, "/affirm"), (2, "/deny")]
    assert "1. yes" in reply.first and "2. no" in reply.first
    assert "官网: https://www.12321.cn" in reply.first  # links are shown, not numbered


def test_a_single_huge_message_is_split_between_characters_within_the_limit():
    text = "骗" * 1000  # 3000 bytes, no line breaks
    reply = compose_reply([{"text": text}], max_bytes=2048)
    assert len(reply.chunks) == 2
    assert all(utf8_len(chunk) <= 2048 for chunk in reply.chunks)
    assert "".join(reply.chunks) == text


def test_truncation_never_splits_a_character():
    cut = truncate_to("骗" * 1000, 2048)
    assert utf8_len(cut) <= 2048 and cut.endswith("…")
    cut.encode("utf-8")  # still valid text


def test_rendered_reply_survives_cdata_terminators_and_swaps_the_addresses():
    message = parse_message(build_message_xml("text", "hi", OPENID, "gh_acc", msg_id=5))
    xml = render_text_reply("x]]>y]]>z", message)
    fields = xmltodict.parse(xml)["xml"]
    assert fields["Content"] == "x]]>y]]>z"
    assert (fields["ToUserName"], fields["FromUserName"]) == (OPENID, "gh_acc")


# --- de-duplication -------------------------------------------------------------------------------


def test_messages_are_keyed_by_msgid_and_events_by_sender_and_time():
    text = parse_message(build_message_xml("text", "hi", "o_a", msg_id=123, create_time=10))
    event = parse_message(build_message_xml("subscribe", "", "o_a", create_time=10))
    assert dedup_key(text) == "msg:123"
    assert dedup_key(event) == "evt:o_a:10"


async def test_dedup_entries_expire_after_their_ttl():
    clock = FakeClock()
    store = InMemoryDedupStore(ttl=60, clock=clock)
    assert await store.claim("k") is True
    assert await store.claim("k") is False
    clock.now += 61
    assert await store.claim("k") is True


async def test_dedup_store_stays_bounded_under_a_flood():
    store = InMemoryDedupStore(ttl=600, max_entries=100)
    for i in range(1000):
        await store.claim(f"k{i}")
    assert len(store) == 100


async def test_waiting_retry_gets_the_outcome_or_gives_up_in_time():
    store = InMemoryDedupStore()
    await store.claim("k")
    assert await store.wait_for("k", 0.05) is None
    asyncio.get_running_loop().call_later(0.05, asyncio.ensure_future,
                                          store.complete("k", Outcome("answer")))
    assert await store.wait_for("k", 1.0) == Outcome("answer")


# --- settings -------------------------------------------------------------------------------------


def test_settings_come_from_the_environment_when_credentials_are_empty():
    env = {"WECHAT_TOKEN": "tok123", "WECHAT_APP_ID": APP_ID, "WECHAT_ENCODING_AES_KEY": AES_KEY,
           "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_API_BASE": "http://127.0.0.1:9/"}
    settings = WeChatSettings.from_sources(None, env)
    assert (settings.token, settings.app_id, settings.safe_mode) == ("tok123", APP_ID, True)
    assert settings.api_base == "http://127.0.0.1:9" and settings.can_push
    assert "safe mode" in settings.describe()
    assert wechat_enabled(env) and not wechat_enabled({})


def test_credentials_values_win_over_the_environment():
    settings = WeChatSettings.from_sources({"token": "fromyaml", "reply_timeout": "3"},
                                           {"WECHAT_TOKEN": "fromenv"})
    assert (settings.token, settings.reply_timeout, settings.safe_mode) == ("fromyaml", 3.0, False)
    assert "plain mode" in settings.describe()


def test_without_a_token_the_channel_is_off():
    settings = WeChatSettings.from_sources({}, {})
    assert not settings.enabled
    assert "off" in settings.describe()


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"WECHAT_ENCODING_AES_KEY": "short"}, "43"),
        ({"WECHAT_ENCODING_AES_KEY": AES_KEY, "WECHAT_APP_ID": ""}, "WECHAT_APP_ID"),
    ],
)
def test_unusable_safe_mode_settings_stop_start_up_with_a_clear_message(env, complaint):
    with pytest.raises(WeChatConfigError, match=complaint):
        WeChatSettings.from_sources({}, {"WECHAT_TOKEN": "tok123", **env})


def test_reply_timeout_must_leave_room_within_wechats_five_seconds():
    with pytest.raises(WeChatConfigError, match="5"):
        WeChatSettings.from_sources({"reply_timeout": 6}, {"WECHAT_TOKEN": "tok123"})


# --- customer-service client ------------------------------------------------------------------------


async def test_access_token_is_fetched_once_and_reused(fake_api, push_client):
    api, _ = fake_api
    assert await push_client.send_text(OPENID, "一")
    assert await push_client.send_text(OPENID, "二")
    assert api.token_requests == 1
    assert [m["text"]["content"] for m in api.sent] == ["一", "二"]


async def test_invalidated_token_is_refreshed_and_the_message_still_sent(fake_api, push_client):
    api, _ = fake_api
    await push_client.send_text(OPENID, "一")
    api.invalidate_tokens()
    assert await push_client.send_text(OPENID, "二")
    assert api.token_requests == 2 and len(api.sent) == 2


async def test_expired_token_is_replaced_before_use(fake_api):
    api, base = fake_api
    clock = FakeClock()
    client = CustomerServiceClient(APP_ID, APP_SECRET, base, clock=clock)
    try:
        await client.send_text(OPENID, "一")
        clock.now += 7200
        await client.send_text(OPENID, "二")
    finally:
        await client.close()
    assert api.token_requests == 2


async def test_refused_messages_are_reported_without_raising(fake_api, caplog):
    api, base = fake_api
    client = CustomerServiceClient(APP_ID, "wrong-secret", base)
    try:
        assert await client.send_text(OPENID, "secret text 13800138000") is False
    finally:
        await client.close()
    assert api.sent == []
    assert "13800138000" not in caplog.text and "wrong-secret" not in caplog.text


async def test_unreachable_api_is_reported_without_raising():
    client = CustomerServiceClient(APP_ID, APP_SECRET, "http://127.0.0.1:9", timeout=2)
    try:
        assert await client.send_text(OPENID, "hi") is False
    finally:
        await client.close()


# --- the channel's byte limit ---------------------------------------------------------------------


def test_the_reply_limit_is_wechats_2048_bytes_unless_configured_lower():
    assert WeChatSettings().max_reply_bytes == 2048
    settings = WeChatSettings.from_sources({"max_reply_bytes": "300"}, {"WECHAT_TOKEN": "tok123"})
    assert settings.max_reply_bytes == 300


async def test_the_passive_reply_and_every_push_stay_within_the_configured_limit(fake_api, push_client):
    api, _ = fake_api
    text = "骗子常说先交钱再放款。" * 40  # 1320 bytes on one line: must be cut between characters
    app, _ = make_app(FakeRasa(answer=lambda _: [{"text": text}]), make_settings(max_reply_bytes=300),
                      push_client=push_client)
    _, reply = await send(app, text="hi")
    pushed = [m["text"]["content"] for m in await api.wait_for_messages(count=4, timeout=5)]
    assert utf8_len(reply.text) <= 300 and len(pushed) == 4
    assert all(utf8_len(content) <= 300 for content in pushed)
    assert reply.text + "".join(pushed) == text


async def test_proactive_messages_are_pushed_within_the_channels_limit(fake_api, push_client):
    api, _ = fake_api
    _, channel = make_app(FakeRasa(), make_settings(max_reply_bytes=300), push_client=push_client)
    text = "骗" * 250  # 750 bytes
    await channel.get_output_channel().send_text_message(OPENID, text)
    pushed = [m["text"]["content"] for m in api.sent]
    assert [utf8_len(content) for content in pushed] == [300, 300, 150]
    assert "".join(pushed) == text


# --- loading by Rasa -----------------------------------------------------------------------------


def test_rasa_loads_the_channel_from_an_empty_credentials_entry(tmp_path, monkeypatch):
    from rasa.core.run import create_http_input_channels

    from channels.wechat import WeChatInput

    monkeypatch.setenv("WECHAT_TOKEN", "tok123")
    monkeypatch.delenv("WECHAT_ENCODING_AES_KEY", raising=False)
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("rest:\nchannels.wechat.WeChatInput:\n", encoding="utf-8")
    channels = create_http_input_channels(None, str(credentials))
    wechat = next(c for c in channels if isinstance(c, WeChatInput))
    assert wechat.settings.token == "tok123" and not wechat.settings.safe_mode
    assert wechat.url_prefix() == "wechat"
