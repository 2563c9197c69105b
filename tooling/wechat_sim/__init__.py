"""The WeChat simulator: plays WeChat's server and its API against the ``channels.wechat`` webhook.

Developer tooling only; the assistant never imports it. ``wechat-sim`` (:mod:`.cli`) is the
command line; the tests use :mod:`.messages` and :mod:`.fake_api` directly.
"""

from tooling.wechat_sim.cli import main, run
from tooling.wechat_sim.fake_api import FakeWeChatAPI
from tooling.wechat_sim.messages import (
    BotReply,
    ReplyError,
    SimConfig,
    build_message_xml,
    post_message,
    read_reply,
    sign_message,
    verify_url,
)

__all__ = [
    "BotReply",
    "FakeWeChatAPI",
    "ReplyError",
    "SimConfig",
    "build_message_xml",
    "main",
    "post_message",
    "read_reply",
    "run",
    "sign_message",
    "verify_url",
]
