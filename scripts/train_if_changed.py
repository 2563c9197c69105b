"""Train the Rasa model only when config, domain or training data changed.

The model is named after a hash of everything that shapes it, so the same data is never trained
twice: `models/model-<hash>.tar.gz`. Prints the model path on the last line.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain", "data", "nlu_components"]


def data_hash(root: Path = ROOT) -> str:
    """Hash the content and relative paths of every file that shapes the model."""
    digest = hashlib.sha256()
    for name in INPUTS:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--print-path", action="store_true", help="only print the expected path")
    args = parser.parse_args()
    target = model_path()
    if args.print_path:
        print(target)
        return 0
    if target.exists():
        print(f"Model is up to date: {target.relative_to(ROOT)}", file=sys.stderr)
        print(target)
        return 0
    rasa = Path(sys.executable).parent / "rasa"
    cmd = [
        str(rasa), "train", "--domain", "domain", "--config", "config.yml", "--data", "data",
        "--out", "models", "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    print("Training:", " ".join(cmd), file=sys.stderr)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode != 0 or not target.exists():
        print("Training failed.", file=sys.stderr)
        return result.returncode or 1
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
