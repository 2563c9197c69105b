"""The WeChat webhook as WeChat's server sees it: verification, signatures, safe mode, replies."""

from __future__ import annotations

import time

import pytest
import xmltodict

from channels.input_guard import notice
from channels.wechat.crypto import make_signature
from tests.channels.conftest import (
    ACCOUNT,
    AES_KEY,
    OPENID,
    TOKEN,
    URL,
    FakeRasa,
    make_app,
    make_settings,
    post_raw,
    send,
    sim_config,
)
from tooling.wechat_sim import build_message_xml, sign_message


def verification_params(token: str = TOKEN, echostr: str = "echo-12345") -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), "998877"
    return {
        "signature": make_signature(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echostr,
    }


# --- URL verification ------------------------------------------------------------------------


async def test_url_verification_echoes_echostr_when_signed_with_our_token():
    app, _ = make_app(FakeRasa())
    _, response = await app.asgi_client.get(URL, params=verification_params())
    assert response.status == 200
    assert response.text == "echo-12345"


@pytest.mark.parametrize(
    "params",
    [
        verification_params(token="someoneelse"),
        {k: v for k, v in verification_params().items() if k != "signature"},
        {**verification_params(), "signature": "0" * 40},
        {**verification_params(), "nonce": "111"},  # signature no longer matches
    ],
    ids=["other-token", "missing", "zeros", "tampered-nonce"],
)
async def test_url_verification_refuses_a_bad_signature(params):
    app, _ = make_app(FakeRasa())
    _, response = await app.asgi_client.get(URL, params=params)
    assert response.status == 403
    assert "echo-12345" not in response.text


async def test_encrypted_echostr_is_decrypted_in_safe_mode():
    from wechatpy.crypto import PrpCrypto, WeChatCrypto

    crypto = WeChatCrypto(TOKEN, AES_KEY, make_settings().app_id)
    encrypted_echo = PrpCrypto(crypto.key).encrypt("plain-echo-77", make_settings().app_id).decode()
    params = verification_params(echostr=encrypted_echo)
    params["msg_signature"] = make_signature(
        TOKEN, params["timestamp"], params["nonce"], encrypted_echo
    )
    app, _ = make_app(FakeRasa(), make_settings(encoding_aes_key=AES_KEY))
    _, response = await app.asgi_client.get(URL, params=params)
    assert (response.status, response.text) == (200, "plain-echo-77")


async def test_channel_without_token_is_off_and_says_so():
    rasa = FakeRasa()
    app, _ = make_app(rasa, make_settings(token=""))
    _, health = await app.asgi_client.get("/webhooks/wechat/")
    _, verify = await app.asgi_client.get(URL, params=verification_params())
    response, _ = await send(app, text="你好")
    assert health.json == {"status": "off"}
    assert verify.status == 503 and response.status == 503
    assert rasa.received == []


# --- plain mode messages -----------------------------------------------------------------------


async def test_text_message_gets_one_passive_reply_addressed_to_the_user():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    response, reply = await send(app, text="有人让我交解冻费")
    assert response.status == 200
    assert reply.text == "echo: 有人让我交解冻费"
    assert reply.fields["ToUserName"] == OPENID and reply.fields["FromUserName"] == ACCOUNT
    assert reply.fields["MsgType"] == "text"
    message = rasa.received[0]
    assert (message.sender_id, message.input_channel) == (OPENID, "wechat")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: {**p, "signature": make_signature("wrongtoken", p["timestamp"], p["nonce"])},
        lambda p: {k: v for k, v in p.items() if k != "signature"},
        lambda p: {k: v for k, v in p.items() if k != "timestamp"},
        lambda p: {**p, "nonce": p["nonce"] + "1"},
    ],
    ids=["other-token", "no-signature", "no-timestamp", "changed-nonce"],
)
async def test_badly_signed_message_is_refused_and_never_reaches_rasa(tamper):
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    signed = sign_message(build_message_xml("text", "hi", OPENID, ACCOUNT), sim_config())
    response = await post_raw(app, tamper(signed.params), signed.body)
    assert response.status == 403
    assert rasa.received == []


async def test_replayed_message_with_an_old_timestamp_is_refused():
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    old = str(int(time.time()) - 3600)
    signed = sign_message(build_message_xml("text", "hi", OPENID, ACCOUNT), sim_config(), old)
    response = await post_raw(app, signed.params, signed.body)
    assert response.status == 403 and "timestamp" in response.text
    assert rasa.received == []


async def test_several_bot_messages_arrive_as_one_reply():
    rasa = FakeRasa(answer=lambda _: [{"text": "第一句"}, {"text": "第二句"}, {"custom": {"x": 1}}])
    app, _ = make_app(rasa)
    _, reply = await send(app, text="hi")
    assert reply.text == "第一句\n\n第二句"


async def test_bot_text_containing_a_cdata_terminator_still_gives_valid_xml():
    tricky = "a]]>b <xml> & \x07 end"
    app, _ = make_app(FakeRasa(answer=lambda _: [{"text": tricky}]))
    response, reply = await send(app, text="hi")
    assert xmltodict.parse(response.text)["xml"]["Content"] == "a]]>b <xml> &  end"
    assert reply.text == "a]]>b <xml> &  end"  # the control character cannot travel in XML


async def test_bot_that_says_nothing_still_gives_the_user_an_answer():
    app, _ = make_app(FakeRasa(answer=lambda _: []))
    _, reply = await send(app, text="hi")
    assert reply.text == notice("no_answer", "en")


async def test_rasa_failure_gives_a_kind_apology_not_a_traceback():
    app, _ = make_app(FakeRasa(fail=True))
    response, reply = await send(app, text="hi")
    assert response.status == 200
    assert "抱歉" in reply.text and "Sorry" in reply.text
    assert "Traceback" not in response.text


# --- safe mode ---------------------------------------------------------------------------------


async def test_safe_mode_round_trip_decrypts_the_message_and_encrypts_the_reply():
    rasa = FakeRasa()
    app, _ = make_app(rasa, make_settings(encoding_aes_key=AES_KEY))
    response, reply = await send(app, text="对方说要先交保证金", config=sim_config(encrypt=True))
    assert response.status == 200
    envelope = xmltodict.parse(response.text)["xml"]
    assert set(envelope) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert "保证金" not in response.text  # nothing readable on the wire
    assert reply.text == "echo: 对方说要先交保证金"
    assert rasa.texts == ["对方说要先交保证金"]


@pytest.mark.parametrize("damage", ["msg_signature", "ciphertext", "app_id"])
async def test_safe_mode_refuses_tampered_or_foreign_messages(damage):
    rasa = FakeRasa()
    app, _ = make_app(rasa, make_settings(encoding_aes_key=AES_KEY))
    config = sim_config(encrypt=True)
    if damage == "app_id":
        config.app_id = "wx_another_app"  # encrypted for another account
    signed = sign_message(build_message_xml("text", "hi", OPENID, ACCOUNT), config)
    params, body = dict(signed.params), signed.body
    if damage == "msg_signature":
        params["msg_signature"] = "f" * 40
    if damage == "ciphertext":
        # Re-signed, so only decryption can notice: the last block holds the AppID and padding.
        encrypted = xmltodict.parse(body)["xml"]["Encrypt"]
        flipped = "A" if encrypted[-5] != "A" else "B"
        broken = encrypted[:-5] + flipped + encrypted[-4:]
        body = body.replace(encrypted, broken)
        params["msg_signature"] = make_signature(
            TOKEN, params["timestamp"], params["nonce"], broken
        )
    response = await post_raw(app, params, body)
    assert response.status == 403
    assert rasa.received == []


async def test_safe_mode_refuses_unencrypted_messages():
    rasa = FakeRasa()
    app, _ = make_app(rasa, make_settings(encoding_aes_key=AES_KEY))
    response, _ = await send(app, text="hi", config=sim_config(encrypt=False))
    assert response.status == 403
    assert rasa.received == []


async def test_plain_mode_cannot_read_encrypted_messages_and_says_why():
    app, _ = make_app(FakeRasa())
    response, _ = await send(app, text="hi", config=sim_config(encrypt=True))
    assert response.status == 400 and "WECHAT_ENCODING_AES_KEY" in response.text


async def test_health_route_reports_ok():
    app, _ = make_app(FakeRasa())
    _, response = await app.asgi_client.get("/webhooks/wechat/")
    assert response.json == {"status": "ok"}


async def test_unknown_payload_shape_in_signed_request_is_400_not_500():
    app, _ = make_app(FakeRasa())
    params = sign_message("<xml/>", sim_config()).params
    response = await post_raw(app, params, "<xml><MsgType>text</MsgType></xml>")
    assert response.status == 400
