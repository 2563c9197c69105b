"""The real assistant for the conversation tests: one stack per test module, on its own ports.

Each module that uses the ``stack`` fixture sets ``PORTS`` (the range 15100-15109 belongs to these
tests). The model is the one ``scripts/train_if_changed.py --print-path`` names
(``CONVERSATION_TEST_MODEL`` overrides it); a missing model fails the test rather than skipping it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tooling.model import model_from_env
from tooling.paths import ROOT
from tooling.stack import Stack, StackConfig


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server and Rasa (no web chat) with a temporary tracker store."""
    model = model_from_env("CONVERSATION_TEST_MODEL")
    if not model.exists():
        pytest.fail(f"No trained model at {model}: run `make train` first.")
    name = request.module.__name__.rsplit(".", 1)[-1]
    config = StackConfig(
        model=model, ports=request.module.PORTS, web=False, public_host="127.0.0.1",
        tracker_db=tmp_path_factory.mktemp("tracker") / "tracker.db",
        log_dir=ROOT / "test-artifacts" / "logs" / name,
    )
    with Stack(config) as running:
        yield running
