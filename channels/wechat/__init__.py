"""WeChat Official Account (公众号) channel, registered in credentials.yml as ``channels.wechat.WeChatInput``.

The modules, in the order a message meets them: :mod:`.crypto` (signatures, safe mode),
:mod:`.safe_xml` (hostile XML refused), :mod:`.dedup` (WeChat's retries), :mod:`.inbound` (what
each message type means), :mod:`.choices` (numbered options), :mod:`.render` (replies within
WeChat's byte limit), :mod:`.push` (slow answers as customer-service messages), all wired together
in :mod:`.channel`. :mod:`.settings` reads the configuration without importing Rasa or wechatpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from channels.wechat.channel import WeChatInput

__all__ = ["WeChatInput"]


def __getattr__(name: str) -> Any:
    """Import the channel (and with it Rasa) only when asked, so ``.settings`` stays cheap to load."""
    if name == "WeChatInput":
        from channels.wechat.channel import WeChatInput

        return WeChatInput
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
