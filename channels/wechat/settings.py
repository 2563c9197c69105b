"""Settings of the WeChat channel, read from credentials.yml and the environment.

Nothing secret lives in the repository: credentials.yml may name the channel without any values and
every setting then comes from an environment variable. This module imports neither Rasa nor
wechatpy, so launchers (scripts/run_all.py) can describe the set-up cheaply.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_API_BASE = "https://api.weixin.qq.com"
WEBHOOK_PATH = "/webhooks/wechat/webhook"
# Shared de-dup claims and access token for several replicas, e.g. redis://:password@127.0.0.1:6379/2
REDIS_URL_ENV = "WECHAT_REDIS_URL"

# Environment variable -> credentials key. Credentials values win when both are given.
ENV_KEYS = {
    "token": "WECHAT_TOKEN",
    "app_id": "WECHAT_APP_ID",
    "encoding_aes_key": "WECHAT_ENCODING_AES_KEY",
    "app_secret": "WECHAT_APP_SECRET",
    "api_base": "WECHAT_API_BASE",
}

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9]{3,32}")  # what the 公众平台 form accepts


class WeChatConfigError(ValueError):
    """Raised at start-up when the WeChat settings cannot work (e.g. a malformed AES key)."""


@dataclass(frozen=True)
class WeChatSettings:
    """Everything the WeChat channel needs to know.

    Attributes:
        token: the Token typed into 公众平台 → 基本配置 → 服务器配置; empty means "channel off".
        app_id: the account's AppID (checked inside every encrypted message).
        encoding_aes_key: the 43-character EncodingAESKey; set means safe (encrypted) mode.
        app_secret: AppSecret, needed only to push slow answers through the customer-service API.
        api_base: base URL of the WeChat API (tests point it at a local fake server).
        reply_timeout: seconds to wait for Rasa before answering ``success`` (WeChat allows 5).
        max_body_bytes: larger request bodies are refused with 413.
        max_clock_skew: requests whose timestamp is further off are refused (0 = no check).
        welcome_payload: intent sent to Rasa when someone follows the account: the greeting in
            Chinese, as on the web chat's Chinese page (the language then follows the user).
        max_reply_bytes: UTF-8 bytes per text message (2048, see docs/wechat.md).

    """

    token: str = ""
    app_id: str = ""
    encoding_aes_key: str = ""
    app_secret: str = ""
    api_base: str = DEFAULT_API_BASE
    reply_timeout: float = 4.5
    max_body_bytes: int = 32 * 1024
    max_clock_skew: int = 300
    welcome_payload: str = '/greet{"language": "zh"}'
    max_reply_bytes: int = 2048

    @property
    def enabled(self) -> bool:
        """Whether the channel answers at all (a token is configured)."""
        return bool(self.token)

    @property
    def safe_mode(self) -> bool:
        """Whether messages are encrypted (安全模式): on when an EncodingAESKey is set."""
        return bool(self.encoding_aes_key)

    @property
    def can_push(self) -> bool:
        """Whether slow answers can be sent through the customer-service message API."""
        return bool(self.app_id and self.app_secret)

    @classmethod
    def from_sources(
        cls,
        credentials: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> WeChatSettings:
        """Build settings from credentials.yml values, falling back to environment variables.

        Args:
            credentials: the channel's section of credentials.yml (may be None or empty).
            environ: the environment (defaults to ``os.environ``).

        Raises:
            WeChatConfigError: if a value is present but unusable.

        """
        credentials = credentials or {}
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for key, env_name in ENV_KEYS.items():
            value = credentials.get(key) or environ.get(env_name, "")
            values[key] = str(value).strip()
        values["api_base"] = (values["api_base"] or DEFAULT_API_BASE).rstrip("/")
        for key, kind in (
            ("reply_timeout", float),
            ("max_body_bytes", int),
            ("max_clock_skew", int),
            ("max_reply_bytes", int),
        ):
            if credentials.get(key) not in (None, ""):
                try:
                    values[key] = kind(credentials[key])
                except (TypeError, ValueError) as error:
                    raise WeChatConfigError(f"WeChat setting {key!r} must be a number") from error
        if credentials.get("welcome_payload"):
            values["welcome_payload"] = str(credentials["welcome_payload"])
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Fail early, with a message a maintainer can act on, when the settings cannot work."""
        if not self.enabled:
            return
        if self.safe_mode:
            if len(self.encoding_aes_key) != 43 or not self.encoding_aes_key.isalnum():
                raise WeChatConfigError(
                    "WECHAT_ENCODING_AES_KEY must be the 43 letters and digits shown in "
                    "公众平台 → 基本配置 (leave it unset for plain mode)"
                )
            try:
                key = base64.b64decode(self.encoding_aes_key + "=", validate=True)
            except binascii.Error as error:
                raise WeChatConfigError("WECHAT_ENCODING_AES_KEY is not valid base64") from error
            if len(key) != 32:
                raise WeChatConfigError("WECHAT_ENCODING_AES_KEY must decode to 32 bytes")
            if not self.app_id:
                raise WeChatConfigError("safe mode needs WECHAT_APP_ID (it is in every message)")
        if not 0 < self.reply_timeout < 5:
            raise WeChatConfigError("reply_timeout must be between 0 and 5 s (WeChat's limit)")
        if self.max_body_bytes < 1024 or self.max_reply_bytes < 64:
            raise WeChatConfigError("max_body_bytes / max_reply_bytes are too small to be useful")

    def token_looks_valid(self) -> bool:
        """Whether the token has the shape WeChat accepts (3-32 letters and digits)."""
        return bool(_TOKEN_SHAPE.fullmatch(self.token))

    def describe(self, base_url: str = "") -> str:
        """One start-up line saying whether and how WeChat is served (at ``base_url`` if given)."""
        if not self.enabled:
            return "WeChat: off (set WECHAT_TOKEN to serve the 公众号 webhook)"
        mode = "safe mode (encrypted)" if self.safe_mode else "plain mode"
        push = (
            "slow answers pushed via the customer-service API"
            if self.can_push
            else "no WECHAT_APP_SECRET: answers slower than 4.5 s are lost"
        )
        return f"WeChat: served at {base_url.rstrip('/')}{WEBHOOK_PATH} ({mode}; {push})"


def wechat_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether WECHAT_TOKEN is set, i.e. whether launchers should serve the WeChat channel."""
    environ = os.environ if environ is None else environ
    return bool(environ.get(ENV_KEYS["token"], "").strip())
