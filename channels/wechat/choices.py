"""Numbered options: WeChat has no buttons, so the bot's buttons become "1. …, 2. …".

The last options shown to each user are remembered for a while; when the user answers with a
number (or the option's exact title) the button's payload is sent to Rasa instead of the text. The
payload comes from the bot's own response, never from the user. As with de-duplication, the
in-process memory suits one Rasa process; several replicas need a shared store (Redis hash per
user with a TTL) behind the same interface.
"""

from __future__ import annotations

import abc
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from channels.expiring_cache import ExpiringCache


@dataclass(frozen=True)
class Choice:
    """One numbered option: what the user sees and what Rasa receives."""

    number: int
    title: str
    payload: str


class ChoiceMemory(abc.ABC):
    """Remembers the options last shown to each user."""

    @abc.abstractmethod
    async def remember(self, user: str, choices: Sequence[Choice]) -> None:
        """Replace the user's options (an empty list forgets them)."""

    @abc.abstractmethod
    async def recall(self, user: str) -> list[Choice]:
        """Return the options last shown to the user, if still fresh."""


class InMemoryChoiceMemory(ChoiceMemory):
    """Per-process memory with a TTL and a bound on the number of users kept."""

    def __init__(
        self,
        ttl: float = 3600.0,
        max_users: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._by_user: ExpiringCache[str, list[Choice]] = ExpiringCache(max_users, ttl, clock)

    async def remember(self, user: str, choices: Sequence[Choice]) -> None:
        """Replace the user's options (an empty list forgets them)."""
        if choices:
            self._by_user.put(user, list(choices))
        else:
            self._by_user.pop(user)

    async def recall(self, user: str) -> list[Choice]:
        """Return the options last shown to the user, if still fresh."""
        return list(self._by_user.get(user, []))


def _normalise(text: str) -> str:
    # NFKC turns full-width digits typed with a Chinese IME ("２") into ASCII ones.
    return unicodedata.normalize("NFKC", text).strip().strip(".。、)）").strip().casefold()


def pick_choice(text: str, choices: Sequence[Choice]) -> Choice | None:
    """Return the option the user picked by number or by its exact title, if any."""
    if not choices:
        return None
    answer = _normalise(text)
    if answer.isdecimal() and len(answer) <= 3:
        number = int(answer)
        return next((choice for choice in choices if choice.number == number), None)
    return next((choice for choice in choices if _normalise(choice.title) == answer), None)
