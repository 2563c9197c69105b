"""The real stack for the hardening tests: the project's channels and its private tracker store.

Ports 15140-15149 (Rasa 15140, actions 15141; a second Rasa for restarts uses the same port).
The tracker store is ``privacy.tracker_store.PrivateSQLTrackerStore`` on a temporary SQLite file,
and the WeChat channel is on with a test token.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from tests.hardening.corpus import WECHAT_TOKEN
from tooling.model import model_from_env
from tooling.paths import ROOT
from tooling.ports import Ports
from tooling.stack import Stack, StackConfig

PORTS = Ports(actions=15141, rasa=15140, web=15142)
LOGS = ROOT / "test-artifacts" / "logs" / "hardening"


def write_private_endpoints(directory: Path, tracker_db: Path) -> Path:
    """endpoints.yml with the private tracker store on ``tracker_db``."""
    settings = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    settings["tracker_store"] = {
        "type": "privacy.tracker_store.PrivateSQLTrackerStore",
        "dialect": "sqlite", "db": str(tracker_db), "retention_days": 30,
    }
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def stack_config(model: Path, tmp: Path, name: str) -> StackConfig:
    """A stack on the hardening ports with its own tracker database under ``tmp``."""
    return StackConfig(
        model=model, ports=PORTS, web=False, public_host="127.0.0.1",
        endpoints=write_private_endpoints(tmp, tmp / "trackers.db"), tracker_db=None,
        log_dir=LOGS / name, extra_env={"WECHAT_TOKEN": WECHAT_TOKEN},
    )


@contextlib.contextmanager
def hardened_stack(model: Path | None, name: str) -> Iterator[Stack]:
    """Start the stack, yield it, stop it (the temporary tracker database goes with it)."""
    model = model or model_from_env("HARDENING_TEST_MODEL")
    if not model.exists():
        raise FileNotFoundError(f"No trained model at {model}: run `make train` first.")
    with tempfile.TemporaryDirectory(prefix="hardening-") as tmp, \
            Stack(stack_config(model, Path(tmp), name)) as stack:
        yield stack
