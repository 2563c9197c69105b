"""Conversation tests: `rasa test core --stories tests/ --fail-on-prediction-errors` on the cached model.

Trains first only if the model for the current data does not exist yet (tooling/model.py).
Writes reports to results/core/ (failed_test_stories.yml lists any failure). Exit code 0 only when
every test story in tests/test_*.yml passes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tooling.model import TrainingError, ensure_model  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, help="model archive (default: the cached one)")
    parser.add_argument("--stories", default="tests/", help="test stories file or directory")
    parser.add_argument("--out", default="results/core")
    args = parser.parse_args()
    try:
        model = args.model or ensure_model()
    except TrainingError as error:
        sys.exit(f"{error} Cannot run the conversation tests.")
    cmd = [
        str(Path(sys.executable).parent / "rasa"), "test", "core",
        "--model", str(model), "--stories", args.stories, "--out", args.out,
        "--fail-on-prediction-errors", "--no-plot",
    ]
    print("Running:", " ".join(cmd), flush=True)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    failed = ROOT / args.out / "failed_test_stories.yml"
    if result.returncode != 0:
        print(f"Conversation tests FAILED; see {failed.relative_to(ROOT)}", file=sys.stderr)
    else:
        print("All conversation tests passed.")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
