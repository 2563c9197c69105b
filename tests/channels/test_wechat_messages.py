"""Message types, slash text, numbered options and WeChat's length limit, through the webhook."""

from __future__ import annotations

import pytest

from channels.wechat.render import compose_reply, utf8_len
from tests.channels.conftest import FakeRasa, make_app, post_raw, send, sim_config
from tooling.wechat_sim import sign_message

OPTIONS = [
    {"text": "钱已经转出去了吗？", "buttons": [
        {"title": "已经转了", "payload": '/inform{"money_sent": true}'},
        {"title": "还没有", "payload": '/inform{"money_sent": false}'},
    ]},
]


# --- what reaches Rasa --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "rasa_sees"),
    [
        ("/restart", "restart"),
        ('/inform{"money_sent": false}', 'inform{"money_sent": false}'),
        ("\u3000/greet", "greet"),  # Rasa strips the ideographic space before looking for "/"
        ("//greet", "greet"),
        ("  / stop", "stop"),
    ],
)
async def test_user_text_starting_with_a_slash_is_never_an_intent(typed, rasa_sees):
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    await send(app, text=typed)
    assert rasa.texts == [rasa_sees]


@pytest.mark.parametrize("typed", ["/", " // ", "   "])
async def test_nothing_but_slashes_or_spaces_gets_a_request_for_words(typed):
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    _, reply = await send(app, text=typed)
    assert "文字" in reply.text
    assert rasa.received == []


async def test_following_the_account_sends_the_welcome_intent():
    rasa = FakeRasa(answer=lambda text: [{"text": "您好！我可以帮您判断贷款是不是骗局。"}])
    app, _ = make_app(rasa)
    _, reply = await send(app, kind="subscribe")
    assert rasa.texts == ['/greet{"language": "zh"}']  # followers are greeted in Chinese
    assert reply.text.startswith("您好")


async def test_unfollowing_gets_success_and_forgets_the_options():
    rasa = FakeRasa(answer=lambda _: OPTIONS)
    app, channel = make_app(rasa)
    await send(app, text="帮我看看")
    response, reply = await send(app, kind="unsubscribe")
    assert response.text == "success" and reply.text is None
    assert await channel.choices.recall(rasa.received[0].sender_id) == []
    assert len(rasa.received) == 1


async def test_voice_with_recognition_goes_to_rasa_as_its_text():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    _, reply = await send(app, kind="voice", text="客服说我的账户被冻结了")
    assert rasa.texts == ["客服说我的账户被冻结了"]
    assert rasa.received[0].metadata == {"wechat": {"msg_type": "voice"}}
    assert reply.text == "echo: 客服说我的账户被冻结了"


async def test_voice_without_recognition_asks_the_user_to_type():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    _, reply = await send(app, kind="voice", text="")
    assert "打字" in reply.text and "type" in reply.text
    assert rasa.received == []


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("image", "图片"),
        ("link", "链接"),
        ("location", "文字"),
        ("video", "文字"),
    ],
)
async def test_non_text_messages_get_a_kind_request_for_words_and_skip_rasa(kind, words):
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    response, reply = await send(app, kind=kind, text="")
    assert response.status == 200
    assert words in reply.text
    assert any(word in reply.text for word in ("words", "type", "tell me"))  # English too
    assert rasa.received == []


async def test_unknown_message_types_and_events_are_handled_without_rasa():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    file_xml = (
        "<xml><ToUserName>gh_x</ToUserName><FromUserName>o_user</FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType>file</MsgType><MsgId>77</MsgId></xml>"
    )
    event_xml = file_xml.replace("<MsgType>file</MsgType>", "<MsgType>event</MsgType>").replace(
        "<MsgId>77</MsgId>", "<Event>view_miniprogram</Event>"
    )
    file_signed = sign_message(file_xml, sim_config())
    event_signed = sign_message(event_xml, sim_config())
    file_reply = await post_raw(app, file_signed.params, file_signed.body)
    event_reply = await post_raw(app, event_signed.params, event_signed.body)
    assert "文字" in file_reply.text
    assert event_reply.text == "success"
    assert rasa.received == []


# --- numbered options ---------------------------------------------------------------------------


async def test_buttons_become_numbered_options_and_the_number_sends_the_payload():
    rasa = FakeRasa(answer=lambda text: OPTIONS if text == "帮我看看" else [{"text": "好的"}])
    app, _ = make_app(rasa)
    _, reply = await send(app, text="帮我看看")
    assert "1. 已经转了" in reply.text and "2. 还没有" in reply.text
    assert "回复数字" in reply.text
    await send(app, text="2")
    assert rasa.texts[-1] == '/inform{"money_sent": false}'
    assert rasa.received[-1].metadata["wechat"]["option"] == 2


@pytest.mark.parametrize("typed", ["２", "2.", " 2 ", "还没有"])
async def test_options_can_be_picked_by_full_width_number_or_title(typed):
    rasa = FakeRasa(answer=lambda text: OPTIONS if text == "帮我看看" else [])
    app, _ = make_app(rasa)
    await send(app, text="帮我看看")
    await send(app, text=typed)
    assert rasa.texts[-1] == '/inform{"money_sent": false}'


async def test_a_number_is_plain_text_when_no_options_are_open():
    rasa = FakeRasa(answer=lambda text: OPTIONS if text == "帮我看看" else [{"text": "多少钱？"}])
    app, _ = make_app(rasa)
    await send(app, text="帮我看看")
    await send(app, text="1")  # picks option 1; the bot then asks without options
    await send(app, text="2")
    assert rasa.texts == ["帮我看看", '/inform{"money_sent": true}', "2"]


async def test_a_number_outside_the_options_is_plain_text():
    rasa = FakeRasa(answer=lambda _: OPTIONS)
    app, _ = make_app(rasa)
    await send(app, text="帮我看看")
    await send(app, text="7")
    assert rasa.texts[-1] == "7"


# --- length limit --------------------------------------------------------------------------------


async def test_long_answer_is_split_within_2048_bytes_and_the_rest_is_pushed(fake_api, push_client):
    api, _ = fake_api
    paragraphs = [{"text": f"第{i}段：" + "骗子常说先交钱再放款。" * 20} for i in range(6)]
    rasa = FakeRasa(answer=lambda _: paragraphs)
    app, _ = make_app(rasa, push_client=push_client)
    _, reply = await send(app, text="hi")
    assert utf8_len(reply.text) <= 2048
    assert reply.text.startswith("第0段")
    expected_chunks = len(compose_reply(paragraphs).chunks)
    pushed = await api.wait_for_messages(count=expected_chunks - 1, timeout=5)
    assert len(pushed) == expected_chunks - 1 >= 1
    assert all(utf8_len(m["text"]["content"]) <= 2048 for m in pushed)
    delivered = "\n\n".join([reply.text] + [m["text"]["content"] for m in pushed])
    assert delivered == "\n\n".join(p["text"] for p in paragraphs)  # nothing lost or reordered


async def test_long_answer_is_cut_with_an_ellipsis_when_nothing_can_push():
    rasa = FakeRasa(answer=lambda _: [{"text": "很长的回答。" * 400}])
    app, _ = make_app(rasa)
    _, reply = await send(app, text="hi")
    assert utf8_len(reply.text) <= 2048
    assert reply.text.endswith("…")
