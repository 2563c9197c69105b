"""A fresh SQLite reports store per test (never build/reports.db)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reports import ReportStore


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reports.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[ReportStore]:
    opened = ReportStore(store_url)
    yield opened
    opened.close()
