"""Benchmark the scam checker on real third-party texts (not a test; prints figures).

Reads ../shared/reference/real_texts_dev.jsonl in place (research use only: never copied into
the project, never trained on). Prints, per language, the share of loan_scam, other_scam and
legit texts flagged (medium or high), median/p95 time per message after warm-up, and the
cold-start time (import + knowledge base + first check) measured in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "reference" / "real_texts_dev.jsonl"
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show-misses", action="store_true", help="print misclassified texts")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"Data not found: {args.data}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line]
    sys.path.insert(0, str(ROOT))
    from scamcheck import RiskLevel, check

    check("warm-up")  # build/load once, then time steady state
    flagged: dict[tuple[str, str], list[bool]] = defaultdict(list)
    timings: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        start = time.perf_counter()
        result = check(row["text"])
        timings[row["lang"]].append((time.perf_counter() - start) * 1000)
        hit = result.risk is not RiskLevel.LOW
        flagged[(row["lang"], row["label"])].append(hit)
        if args.show_misses and hit != (row["label"] != "legit"):
            print(f"MISS {row['lang']} {row['label']} {result.risk.value} {result.score} "
                  f"{[f.id for f in result.red_flags]} | {row['text'][:150]!r}")
    print(f"{'lang':<5}{'label':<12}{'n':>5}{'flagged':>10}")
    for (lang, label), hits in sorted(flagged.items()):
        print(f"{lang:<5}{label:<12}{len(hits):>5}{sum(hits) / len(hits):>10.3f}")
    for lang, values in sorted(timings.items()):
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"{lang}: median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms per message")
    print(f"cold start: {cold_start_seconds():.2f} s (fresh process, median of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
