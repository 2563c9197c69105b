"""Train the Rasa model only when config, domain or training data changed (``make train``).

The model is named after a hash of everything that shapes it (see ``tooling/model.py``), so the
same data is never trained twice: `models/model-<hash>.tar.gz`. Prints the model path on the last line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tooling.model import TrainingError, ensure_model, model_path  # noqa: E402


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
    try:
        ensure_model()
    except TrainingError as error:
        print(error, file=sys.stderr)
        return 1
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
