"""The real stack for the hardening tests: the project's channels and its private tracker store.

Ports 15140-15149 (Rasa 15140, actions 15141; a second Rasa for restarts uses the same port).
The tracker store is ``privacy.tracker_store.PrivateSQLTrackerStore`` on a temporary SQLite file,
and the WeChat channel is on with a test token.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from scripts.stack import ROOT, Ports, Stack, StackConfig
from tests.hardening.corpus import WECHAT_TOKEN

PORTS = Ports(actions=15141, rasa=15140, web=15142)
LOGS = ROOT / "test-artifacts" / "logs" / "hardening"


def model_path() -> Path:
    """The model to test: HARDENING_TEST_MODEL, else the one for the current data."""
    if os.environ.get("HARDENING_TEST_MODEL"):
        return Path(os.environ["HARDENING_TEST_MODEL"])
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_if_changed.py"), "--print-path"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return Path(out.stdout.strip().splitlines()[-1])


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
    model = model or model_path()
    if not model.exists():
        raise FileNotFoundError(f"No trained model at {model}: run `make train` first.")
    with tempfile.TemporaryDirectory(prefix="hardening-") as tmp, \
            Stack(stack_config(model, Path(tmp), name)) as stack:
        yield stack
