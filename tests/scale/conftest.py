"""Shared fixtures: the model to serve, and a real Redis (port 16379) started per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tooling.model import model_from_env
from tooling.ports import port_is_free
from tooling.services import Redis, ServiceError, missing_programs

REDIS_PORT = 16379
REDIS_PASSWORD = "scale-tests-only"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://`` URL of a Redis started for this test module (skipped if not installed)."""
    if "redis-server" in missing_programs():
        pytest.skip("redis-server is not installed (make scale-deps installs it)")
    if not port_is_free(REDIS_PORT):
        pytest.skip(f"port {REDIS_PORT} is taken: is a scale test already running?")
    home = tmp_path_factory.mktemp("redis")
    try:
        process = Redis(home / "data", REDIS_PORT, REDIS_PASSWORD, home).start()
    except ServiceError as error:
        pytest.skip(f"Redis could not be started: {error}")
    try:
        yield f"redis://:{REDIS_PASSWORD}@127.0.0.1:{REDIS_PORT}/2"
    finally:
        process.stop()


@pytest.fixture(scope="session")
def model() -> Path:
    """The trained model: SCALE_TEST_MODEL, else the one for the current data."""
    path = model_from_env("SCALE_TEST_MODEL")
    if not path.exists():
        pytest.fail(f"No trained model at {path}: run `make train` first.")
    return path
