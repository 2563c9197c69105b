"""The WeChat simulator: plays WeChat's server and its API against the ``channels.wechat`` webhook.

Developer tooling only; the assistant never imports it. :mod:`.cli` holds the ``wechat-sim``
command line and the message helpers the tests use.
"""

from devtools.wechat_sim.cli import (
    BotReply,
    FakeWeChatAPI,
    ReplyError,
    SimConfig,
    build_message_xml,
    main,
    post_message,
    read_reply,
    run,
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
