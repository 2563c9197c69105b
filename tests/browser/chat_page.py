"""A page object for the web chat: what a user sees and does, in Playwright terms."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

from tooling.paths import ROOT

SETTLE_SECONDS = 1.2  # a turn is over when no bot message arrived for this long
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


class ChatPage:
    """The chat widget on a page served by the web chat server."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")

    def open(self, path: str = "/") -> ChatPage:
        self.page.goto(self.base_url + path)
        self.log.wait_for()
        return self

    # -- what is on screen ------------------------------------------------------------
    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log")

    @property
    def input(self) -> Locator:
        return self.page.locator(".sg-input")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator(".sg-msg.sg-bot")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator(".sg-msg.sg-user")

    @property
    def cards(self) -> Locator:
        return self.page.locator(".sg-card")

    @property
    def quick_replies(self) -> Locator:
        return self.page.locator(".sg-quick-button")

    @property
    def typing(self) -> Locator:
        return self.page.locator(".sg-typing")

    def language_button(self, name: str) -> Locator:
        """The header's language switch (the bot may offer a same-named quick reply too)."""
        return self.page.locator(".sg-language").get_by_role("button", name=name)

    def transcript(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".sg-msg").all_inner_texts()]

    def saved_state(self) -> dict:
        raw = self.page.evaluate("localStorage.getItem('scamguard.v1')")
        return json.loads(raw) if raw else {}

    # -- waiting ----------------------------------------------------------------------
    def wait_for_turn(self, bot_count_before: int, timeout: float = 60.0) -> None:
        """Wait until the bot answered (more bot messages) and stopped sending for a moment."""
        deadline = time.monotonic() + timeout
        last_count, last_change = bot_count_before, time.monotonic()
        while time.monotonic() < deadline:
            count = self.bot_messages.count() + self.cards.count()
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            quiet = time.monotonic() - last_change >= SETTLE_SECONDS
            if count > bot_count_before and quiet and self.typing.is_hidden():
                return
            self.page.wait_for_timeout(150)
        raise AssertionError(
            f"No answer from the bot within {timeout:.0f} s. Transcript: {self.transcript()}"
        )

    def wait_for_greeting(self) -> None:
        self.wait_for_turn(0)

    def bot_count(self) -> int:
        return self.bot_messages.count() + self.cards.count()

    # -- doing ------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Type `text`, press Enter and wait for the bot's answer."""
        before = self.bot_count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_turn(before)

    def click_reply(self, button: Locator) -> None:
        before = self.bot_count()
        button.click()
        self.wait_for_turn(before)

    def converse_until_verdict(self, story: str, fallback: str, max_turns: int = 10) -> None:
        """Tell the story, then answer every further question with `fallback` until a card."""
        self.say(story)
        for _ in range(max_turns):
            if self.cards.count():
                return
            self.say(fallback)
        raise AssertionError(f"No verdict card after {max_turns} answers: {self.transcript()}")

    def screenshot(self, path: str) -> None:
        self.page.screenshot(path=path, full_page=False)


class RequestLog:
    """Every request and WebSocket a page opens."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def foreign(self, allowed_hosts: set[str]) -> list[str]:
        """URLs whose host:port is not one of `allowed_hosts`."""
        return [u for u in self.urls if urlsplit(u).netloc not in allowed_hosts
                and not u.startswith(("data:", "about:"))]


def user_events(db: Path) -> list[tuple[str, str]]:
    """(sender_id, text) of every user message in the tracker store."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"
        ).fetchall()
    return [(sender, json.loads(data).get("text") or "") for sender, data in rows]
