"""The ``wechat-sim`` command against a served channel, as a developer would use it."""

from __future__ import annotations

import argparse

import pytest

from channels.wechat.settings import WeChatSettings
from tests.channels.conftest import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    OPENID,
    TOKEN,
    FakeRasa,
    make_app,
    serving,
)
from tooling.wechat_sim import cli


def sim_args(url: str, *text: str, **overrides) -> argparse.Namespace:
    args = cli._parser().parse_args(["--url", url, "--token", TOKEN, *text])
    for name, value in overrides.items():
        setattr(args, name, value)
    return args


async def test_sim_prints_the_bot_reply(capsys):
    rasa = FakeRasa(answer=lambda t: [{"text": "这是骗局"}])
    app, _ = make_app(rasa)
    async with serving(app) as url:
        code = await cli.run(sim_args(url, "有人让我交解冻费"))
    assert code == 0
    assert capsys.readouterr().out.strip() == "这是骗局"
    assert rasa.texts == ["有人让我交解冻费"]


async def test_sim_in_safe_mode_encrypts_and_reads_the_encrypted_reply(capsys):
    rasa = FakeRasa()
    settings = WeChatSettings(token=TOKEN, app_id=APP_ID, encoding_aes_key=AES_KEY)
    app, _ = make_app(rasa, settings)
    async with serving(app) as url:
        code = await cli.run(
            sim_args(url, "保证金", aes_key=AES_KEY, app_id=APP_ID)
        )
    assert code == 0
    assert "echo: 保证金" in capsys.readouterr().out


async def test_sim_repeat_shows_retries_get_the_same_answer_once(capsys):
    rasa = FakeRasa()
    app, _ = make_app(rasa)
    async with serving(app) as url:
        await cli.run(sim_args(url, "在吗", repeat=3))
    assert capsys.readouterr().out.count("echo: 在吗") == 3
    assert len(rasa.received) == 1


async def test_sim_verify_checks_the_url_like_wechat(capsys):
    app, _ = make_app(FakeRasa())
    async with serving(app) as url:
        assert await cli.run(sim_args(url, verify=True)) == 0
        assert await cli.run(sim_args(url, verify=True, token="wrongtoken")) == 1
    out = capsys.readouterr().out
    assert "URL verification: OK" in out and "FAILED (HTTP 403)" in out


async def test_sim_fake_api_prints_a_slow_answer_pushed_later(capsys, unused_tcp_port):
    rasa = FakeRasa(delay=0.4, answer=lambda t: [{"text": "慢慢的回答"}])
    settings = WeChatSettings(
        token=TOKEN, app_id=APP_ID, app_secret=APP_SECRET, reply_timeout=0.1,
        api_base=f"http://127.0.0.1:{unused_tcp_port}",
    )
    app, channel = make_app(rasa, settings)
    async with serving(app) as url:
        code = await cli.run(
            sim_args(url, "hi", fake_api=unused_tcp_port, push_wait=5.0)
        )
        await channel.close()
    out = capsys.readouterr().out
    assert code == 0
    assert "(success" in out and "[customer-service message] 慢慢的回答" in out


async def test_sim_reports_an_unreachable_server(capsys):
    code = await cli.run(sim_args("http://127.0.0.1:9/webhooks/wechat/webhook", "hi"))
    assert code == 1
    assert "cannot reach" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["hi"], "WECHAT_TOKEN"),
        (["--token", "t", "--aes-key", "short", "hi"], "43"),
    ],
)
def test_sim_explains_missing_settings(argv, complaint, capsys, monkeypatch):
    for name in ("WECHAT_TOKEN", "WECHAT_ENCODING_AES_KEY", "WECHAT_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(argv) == 2
    assert complaint in capsys.readouterr().out


async def test_the_fake_api_refuses_texts_over_wechats_limit_as_wechat_does(fake_api, push_client):
    api, _ = fake_api
    assert await push_client.send_text(OPENID, "骗" * 683) is False  # 2049 bytes: errcode 45002
    assert await push_client.send_text(OPENID, "骗" * 682 + "ok") is True  # exactly 2048 bytes
    assert [m["text"]["content"] for m in api.sent] == ["骗" * 682 + "ok"]
