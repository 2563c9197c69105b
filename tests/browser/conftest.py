"""Real servers (tooling/stack.py on the test ports) and Debian's Chromium driven by Playwright.

The model is the one `scripts/train_if_changed.py --print-path` names (run `make train` first).
BROWSER_TEST_MODEL and BROWSER_TEST_PROJECT point the tests at another model / project folder.
Screenshots go to test-artifacts/screenshots/, server logs to test-artifacts/logs/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.chat_page import DESKTOP, RequestLog
from tooling.model import model_from_env
from tooling.paths import ROOT
from tooling.ports import TEST_PORTS, available_ports
from tooling.stack import Stack, StackConfig

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="package")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tracker") / "tracker.db"


@pytest.fixture(scope="package")
def stack(tracker_db: Path) -> Iterator[Stack]:
    model = model_from_env("BROWSER_TEST_MODEL")
    if not model.exists():
        pytest.fail(f"No trained model at {model}: run `make train` first.")
    project = Path(os.environ.get("BROWSER_TEST_PROJECT", ROOT))
    config = StackConfig(
        # The test ports, unless another test run on this machine holds one of them.
        model=model, ports=available_ports(TEST_PORTS), public_host="127.0.0.1", project=project,
        endpoints=project / "endpoints.yml", credentials=project / "credentials.yml",
        tracker_db=tracker_db, log_dir=ARTIFACTS / "logs",
    )
    with Stack(config) as running:
        yield running


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian Chromium is missing: run `make system-deps` (apt install chromium).")
    launched = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator:
    """A factory for fresh pages (own context: own localStorage) at a given viewport."""
    contexts = []

    def make(viewport: dict[str, int] | None = None) -> tuple[Page, RequestLog]:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page, RequestLog(page)

    yield make
    for context in contexts:
        context.close()
