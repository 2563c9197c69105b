"""The trained Rasa model, named after a hash of everything that shapes it.

The same data is never trained twice: the model for the current config, domain, training data
and NLU components is ``models/model-<hash>.tar.gz``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tooling.paths import BIN, ROOT

MODEL_INPUTS = ("config.yml", "domain", "data", "nlu_components")


class TrainingError(RuntimeError):
    """`rasa train` failed or did not write the expected model."""


def data_hash(root: Path = ROOT) -> str:
    """Hash the content and relative paths of every file that shapes the model."""
    digest = hashlib.sha256()
    for name in MODEL_INPUTS:
        base = root / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    """Where the model for the current data lives (whether or not it exists yet)."""
    return root / "models" / f"model-{data_hash(root)}.tar.gz"


def model_from_env(variable: str, root: Path = ROOT) -> Path:
    """The model named by the environment variable `variable`, else the one for the current data."""
    override = os.environ.get(variable)
    return Path(override) if override else model_path(root)


def train_command(target: Path) -> list[str]:
    """The `rasa train` command that writes the model to `target`."""
    return [
        str(BIN / "rasa"), "train", "--domain", "domain", "--config", "config.yml", "--data", "data",
        "--out", str(target.parent), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]


def ensure_model(root: Path = ROOT) -> Path:
    """The model for the current data, trained first if it does not exist yet."""
    target = model_path(root)
    if target.exists():
        return target
    command = train_command(target)
    print("Training:", " ".join(command), file=sys.stderr, flush=True)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(command, cwd=root, env=env, check=False)
    if result.returncode != 0 or not target.exists():
        raise TrainingError(f"Training failed (exit code {result.returncode}); no model at {target}.")
    return target
