"""WeChat's 5-second rule: retries are answered once, slow answers go out as customer-service messages."""

from __future__ import annotations

import asyncio
import logging
import time

import aiohttp

from channels.wechat.settings import WeChatSettings
from tests.channels.conftest import (
    APP_ID,
    APP_SECRET,
    OPENID,
    FakeRasa,
    make_app,
    send,
    serving,
    sim_config,
)
from tooling.wechat_sim import build_message_xml, post_message


async def test_retry_after_the_answer_repeats_it_without_a_second_rasa_turn():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    first, first_reply = await send(app, text="对方让我交会员费", msg_id=4242)
    retry, retry_reply = await send(app, text="对方让我交会员费", msg_id=4242)
    assert first_reply.text == retry_reply.text == "echo: 对方让我交会员费"
    assert len(rasa.received) == 1


async def test_retry_arriving_while_the_first_is_still_running_waits_for_the_same_answer():
    rasa = FakeRasa(delay=0.4)
    app, _ = make_app(rasa)
    (_, first), (_, retry) = await asyncio.gather(
        send(app, text="hello", msg_id=777),
        send(app, text="hello", msg_id=777),
    )
    assert first.text == retry.text == "echo: hello"
    assert len(rasa.received) == 1


async def test_different_messages_with_the_same_text_are_both_answered():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    await send(app, text="在吗", msg_id=1)
    await send(app, text="在吗", msg_id=2)
    assert len(rasa.received) == 2


async def test_event_retries_are_deduplicated_by_sender_and_create_time():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    created = int(time.time())
    await send(app, kind="subscribe", create_time=created)
    await send(app, kind="subscribe", create_time=created)
    assert rasa.texts == ['/greet{"language": "zh"}']  # followers are greeted in Chinese


async def test_slow_answer_gets_success_then_arrives_as_a_customer_service_message(
    fake_api, push_client
):
    api, _ = fake_api
    rasa = FakeRasa(delay=0.6, answer=lambda t: [{"text": "这是典型的贷款诈骗，请不要转账。"}])
    app, _ = make_app(rasa, WeChatSettings(token="simtoken2024", reply_timeout=0.2),
                      push_client=push_client)
    async with serving(app) as url, aiohttp.ClientSession() as session:
        config = sim_config(url=url)
        started = time.monotonic()
        status, reply = await post_message(session, config, build_message_xml("text", "交解冻费?", OPENID))
        waited = time.monotonic() - started
    assert (status, reply.text) == (200, None)  # "success"
    assert waited < 0.5  # answered within the budget, long before Rasa finished
    pushed = await api.wait_for_messages(count=1, timeout=5)
    assert pushed == [
        {"touser": OPENID, "msgtype": "text", "text": {"content": "这是典型的贷款诈骗，请不要转账。"}}
    ]


async def test_retry_of_a_slow_message_gets_success_and_the_answer_is_pushed_once(
    fake_api, push_client
):
    api, _ = fake_api
    rasa = FakeRasa(delay=0.5)
    app, channel = make_app(
        rasa, WeChatSettings(token="simtoken2024", reply_timeout=0.15), push_client=push_client
    )
    first = await send(app, text="slow", msg_id=99)
    retry = await send(app, text="slow", msg_id=99)
    await channel.close()  # waits for the background push
    assert first[0].text == retry[0].text == "success"
    assert [m["text"]["content"] for m in api.sent] == ["echo: slow"]
    assert len(rasa.received) == 1


async def test_slow_answer_options_are_remembered_for_the_next_message(fake_api, push_client):
    buttons = [{"text": "选一个", "buttons": [{"title": "是", "payload": "/affirm"}]}]
    rasa = FakeRasa(delay=0.3, answer=lambda t: buttons if t == "slow" else [])
    app, channel = make_app(
        rasa, WeChatSettings(token="simtoken2024", reply_timeout=0.1), push_client=push_client
    )
    await send(app, text="slow")
    await channel.close()
    assert "1. 是" in fake_api[0].sent[0]["text"]["content"]
    rasa.delay = 0
    await send(app, text="1")
    assert rasa.texts[-1] == "/affirm"


async def test_slow_answer_without_app_secret_is_logged_as_lost(caplog):
    rasa = FakeRasa(delay=0.3)
    app, channel = make_app(rasa, WeChatSettings(token="simtoken2024", reply_timeout=0.1))
    assert channel.get_output_channel() is None
    with caplog.at_level(logging.WARNING, logger="channels.wechat"):
        response, _ = await send(app, text="hi")
        await channel.close()
    assert response.text == "success"
    assert "WECHAT_APP_SECRET" in caplog.text
    assert "hi" not in caplog.text.replace("WECHAT", "")  # message text is not logged


async def test_slow_failure_pushes_an_apology(fake_api, push_client):
    rasa = FakeRasa(delay=0.3, fail=True)
    app, channel = make_app(
        rasa, WeChatSettings(token="simtoken2024", reply_timeout=0.1), push_client=push_client
    )
    await send(app, text="hi")
    await channel.close()
    assert "抱歉" in fake_api[0].sent[0]["text"]["content"]


async def test_channel_built_from_credentials_pushes_through_the_configured_api(fake_api):
    from channels.wechat import WeChatInput

    api, base = fake_api
    channel = WeChatInput.from_credentials(
        {"token": "simtoken2024", "app_id": APP_ID, "app_secret": APP_SECRET, "api_base": base}
    )
    output = channel.get_output_channel()
    await output.send_response(OPENID, {"text": "提醒：不要转账", "buttons": [
        {"title": "知道了", "payload": "/affirm"}]})
    await channel.close()
    assert api.sent[0]["text"]["content"].startswith("提醒：不要转账\n1. 知道了")
    assert [c.payload for c in await channel.choices.recall(OPENID)] == ["/affirm"]
