"""Benchmark the scam checker on real third-party texts (not a test; prints figures).

Two sets, both by default:
- ``dev``: a research set of real texts kept outside the project (``--data PATH`` or the
  ``CHECKER_DEV_SET`` environment variable), read in place: never copied in, never trained on;
- ``licensed``: the benchmark part of the openly licensed corpus in knowledge/corpora/ (the
  resemblance model is trained on its other, train part only). ``--set licensed-train`` shows
  the train part, the only one to study when changing rules.
Prints, per set, language and label, the share flagged (medium or high), median/p95 time per
message after warm-up, and the cold-start time (import + knowledge base + first check) measured
in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SET_ENV = "CHECKER_DEV_SET"  # path of the research dev set (jsonl), kept outside the project
DEFAULT_DATA = Path(os.environ[DEV_SET_ENV]) if os.environ.get(DEV_SET_ENV) else None
SETS = ("dev", "licensed", "licensed-train")
COLD_START = "import time; t=time.perf_counter(); import scamcheck; scamcheck.check('hello'); " \
             "print(time.perf_counter()-t)"


def cold_start_seconds(runs: int = 3) -> float:
    """Median wall time of import + knowledge base load + first check in a fresh process."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD_START], cwd=ROOT, capture_output=True,
                             text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def load_set(name: str, dev_path: Path | None = DEFAULT_DATA) -> list[dict] | None:
    """The rows of set ``name``, or None when its data is missing."""
    if name == "dev":
        if dev_path is None or not dev_path.exists():
            return None
        return [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines() if line]
    sys.path.insert(0, str(ROOT))
    from scamcheck.resemblance import corpus_part

    return corpus_part("train" if name == "licensed-train" else "benchmark") or None


def run_set(name: str, rows: list[dict], show_misses: bool) -> dict[str, list[float]]:
    """Check every row, print the flagged share per language and label; return timings (ms)."""
    from scamcheck import RiskLevel, check

    flagged: dict[tuple[str, str], list[bool]] = defaultdict(list)
    timings: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        start = time.perf_counter()
        result = check(row["text"])
        timings[row["lang"]].append((time.perf_counter() - start) * 1000)
        hit = result.risk is not RiskLevel.LOW
        flagged[(row["lang"], row["label"])].append(hit)
        if show_misses and hit != (row["label"] != "legit"):
            print(f"MISS [{name}] {row['lang']} {row['label']} {result.risk.value} {result.score} "
                  f"{[f.id for f in result.red_flags]} {row.get('source', '')} | {row['text'][:150]!r}")
    print(f"== {name} ({len(rows)} texts)")
    print(f"{'lang':<5}{'label':<12}{'n':>5}{'flagged':>10}")
    for (lang, label), hits in sorted(flagged.items()):
        print(f"{lang:<5}{label:<12}{len(hits):>5}{sum(hits) / len(hits):>10.3f}")
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the dev set (jsonl)")
    parser.add_argument("--set", dest="sets", action="append", choices=SETS,
                        help="set(s) to run (repeatable); default: dev and licensed")
    parser.add_argument("--show-misses", action="store_true", help="print misclassified texts")
    parser.add_argument("--no-cold-start", action="store_true", help="skip the cold-start timing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from scamcheck import check

    check("warm-up")  # build/load once, then time steady state
    timings: dict[str, list[float]] = defaultdict(list)
    for name in args.sets or ["dev", "licensed"]:
        rows = load_set(name, args.data)
        if rows is None:
            hint = f" (set {DEV_SET_ENV} or --data)" if name == "dev" else ""
            print(f"== {name}: data not found{hint}", file=sys.stderr)
            continue
        for lang, values in run_set(name, rows, args.show_misses).items():
            timings[lang] += values
    if not timings:
        return 2
    for lang, values in sorted(timings.items()):
        p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
        print(f"{lang}: median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms per message")
    if not args.no_cold_start:
        print(f"cold start: {cold_start_seconds():.2f} s (fresh process, median of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
