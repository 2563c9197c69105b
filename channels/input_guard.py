"""What every public channel does with user text before Rasa sees it: one place, one rule.

REST (:mod:`channels.rest`), socket.io (:mod:`channels.socketio`) and WeChat
(:mod:`channels.wechat`) call :meth:`InputGuard.screen` with the raw text. It answers in this
order, each step cheap enough for hostile input:

1. **Too long**: more than ``max_chars`` characters. Measured before anything else touches the
   text, so a 1 MB message costs microseconds and gets a kind notice in the user's language.
2. **Too fast**: more than ``rate_limit`` messages from one sender in ``rate_window`` seconds.
3. **Normalised**: control characters, zero-width and bidirectional marks and lone surrogates
   are removed, other white space becomes one plain space (:func:`normalise_text`).
4. **Empty**: nothing left (or only punctuation): a notice asking for words.
5. **Commands neutralised**: text that starts with "/" (even "/ / /", or after invisible
   characters) would be read by Rasa as an intent with entities (``/start_over``,
   ``/inform{"money_sent": false}``). Only a button payload the bot itself offered, as the
   channel tells it, keeps its slash (:func:`neutralise_command`).

The notices live in ``channels/notices.yml``.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from channels.expiring_cache import ExpiringCache

NOTICES_FILE = Path(__file__).resolve().parent / "notices.yml"
LANGUAGES = ("en", "zh")
DEFAULT_MAX_CHARS = 2000
DEFAULT_RATE_LIMIT = 30  # messages per sender ...
DEFAULT_RATE_WINDOW = 60.0  # ... in this many seconds
MAX_TRACKED_SENDERS = 100_000
# How much of an oversized text is looked at to choose the notice's language.
LANGUAGE_SAMPLE_CHARS = 2000

COMMAND_PREFIX = "/"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_SPACES = re.compile(r"\s+")
# Characters removed outright: format characters (zero-width, bidi embeddings/overrides/isolates,
# BOM, soft hyphen, ...), surrogates (lone ones arrive through JSON "\ud800" escapes and break
# UTF-8 logs and databases), and controls other than white space (which become spaces).
_DROPPED_CATEGORIES = frozenset({"Cf", "Cs", "Cc"})
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")


class Outcome(str, Enum):
    """What the guard decided about one message."""

    TO_RASA = "to_rasa"
    TOO_LONG = "too_long"
    RATE_LIMITED = "rate_limited"
    EMPTY = "empty"


@dataclass(frozen=True)
class Screened:
    """The guard's answer: text for Rasa, or a notice to send back instead."""

    outcome: Outcome
    text: str = ""
    notice: str = ""
    language: str = "en"

    @property
    def to_rasa(self) -> bool:
        """Whether ``text`` should be handed to Rasa."""
        return self.outcome is Outcome.TO_RASA


@lru_cache(maxsize=1)
def _notices() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(NOTICES_FILE.read_text(encoding="utf-8")) or {}
    return {key: value for key, value in data.items() if isinstance(value, dict)}


def notice(key: str, language: str, **values: Any) -> str:
    """The channel notice ``key`` in ``language`` (English when unknown), values filled in."""
    entry = _notices()[key]
    text = entry[language if language in LANGUAGES else "en"]
    return text.format(**values) if values else text


def notice_language(text: str, hint: Any = None) -> str:
    """The language to answer in: the channel's hint if valid, else the script of the text.

    Only the first ``LANGUAGE_SAMPLE_CHARS`` characters are looked at, so this stays cheap for
    any length.
    """
    if hint in LANGUAGES:
        return str(hint)
    return "zh" if _CJK.search(text[:LANGUAGE_SAMPLE_CHARS]) else "en"


def normalise_text(text: str) -> str:
    """Text as NLU should see it: NFC, no invisible or control characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for char in text:
        if char in _WHITESPACE_CONTROLS:
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()


def neutralise_command(text: str, offered: Container[str] = ()) -> str:
    """Text that Rasa can never read as an intent command, unless it is an offered payload.

    Rasa takes any text starting with "/" (after stripping white space) as ``/intent{entities}``.
    Every leading slash is removed, with the white space between them, so "/ /inform{...}"
    becomes "inform{...}" and is read as words. ``offered`` holds the button payloads the bot
    offered to this user; a text equal to one of them is a button press and is kept as it is.
    """
    if text in offered:
        return text
    text = text.strip()
    while text.startswith(COMMAND_PREFIX):
        text = text[len(COMMAND_PREFIX):].strip()
    return text


def looks_like_command(text: str) -> bool:
    """Whether Rasa would read ``text`` as an intent command: it starts with "/"."""
    return text.lstrip().startswith(COMMAND_PREFIX)


def without_command_prefix(text: str) -> str:
    """User text as words only: normalised (:func:`normalise_text`), every leading "/" removed.

    Normalising first means "\u200b/restart" loses its slash too. Every channel uses this rule.
    """
    return neutralise_command(normalise_text(text))


def has_words(text: str) -> bool:
    """Whether the text has at least one letter, digit or symbol (emoji count), not just marks."""
    return any(unicodedata.category(char)[0] in "LNS" for char in text)


def button_payloads(messages: Iterable[dict[str, Any]]) -> list[str]:
    """The payloads of every button in bot messages (Rasa's ``buttons`` / ``quick_replies``)."""
    payloads = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        for key in ("buttons", "quick_replies"):
            for button in message.get(key) or ():
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    payloads.append(button["payload"])
    return payloads


class RateLimiter:
    """At most ``limit`` messages per sender in any ``window`` seconds (in this process)."""

    def __init__(
        self,
        limit: int = DEFAULT_RATE_LIMIT,
        window: float = DEFAULT_RATE_WINDOW,
        max_senders: int = MAX_TRACKED_SENDERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: ExpiringCache[str, deque[float]] = ExpiringCache(max_senders, clock=clock)

    def allow(self, sender: str) -> bool:
        """Record one message from ``sender``; False when it is over the limit."""
        if self.limit <= 0:
            return True
        now = self._clock()
        times = self._seen.get(sender) or deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        allowed = len(times) < self.limit
        if allowed:
            times.append(now)
        self._seen.put(sender, times)
        return allowed


class InputGuard:
    """Length limit, rate limit, normalisation and the command rule for one channel."""

    def __init__(
        self,
        max_chars: int = DEFAULT_MAX_CHARS,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        rate_window: float = DEFAULT_RATE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_chars = max_chars
        self.limiter = RateLimiter(rate_limit, rate_window, clock=clock)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputGuard:
        """Read ``max_message_chars``, ``rate_limit`` and ``rate_window`` from credentials.yml."""
        credentials = credentials or {}
        return cls(
            max_chars=int(credentials.get("max_message_chars") or DEFAULT_MAX_CHARS),
            rate_limit=int(credentials.get("rate_limit", DEFAULT_RATE_LIMIT)),
            rate_window=float(credentials.get("rate_window") or DEFAULT_RATE_WINDOW),
        )

    def screen(
        self,
        sender: str,
        raw: Any,
        offered: Container[str] = (),
        language_hint: Any = None,
    ) -> Screened:
        """Decide what to do with ``raw`` from ``sender`` (see the module docstring)."""
        raw = raw if isinstance(raw, str) else ""
        if len(raw) > self.max_chars:
            language = notice_language(raw, language_hint)
            return Screened(
                Outcome.TOO_LONG, notice=notice("too_long", language, limit=self.max_chars, length=len(raw)),
                language=language,
            )
        if not self.limiter.allow(sender):
            language = notice_language(raw, language_hint)
            return Screened(
                Outcome.RATE_LIMITED, notice=notice("rate_limited", language), language=language
            )
        if raw in offered:  # a button press: the bot's own payload, exactly as it was sent
            return Screened(Outcome.TO_RASA, text=raw, language=notice_language(raw, language_hint))
        text = without_command_prefix(raw)
        language = notice_language(text, language_hint)
        if not has_words(text):
            return Screened(Outcome.EMPTY, notice=notice("empty", language), language=language)
        return Screened(Outcome.TO_RASA, text=text, language=language)
