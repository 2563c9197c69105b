"""NLU gate: intent macro-F1 on the held-out files, per language, must be at least 0.90.

Runs `rasa test nlu` with the current model on tests/nlu/test_nlu_en.yml and
tests/nlu/test_nlu_zh.yml separately (reports in results/nlu_en, results/nlu_zh) and prints,
per language, the macro-F1 over the intents in the file, accuracy, the weakest intents and the
FAQ answer accuracy. Macro-F1 averages the F1 of every intent that occurs in the held-out file;
predictions of `nlu_fallback` (low confidence) count as errors for the true intent but are not a
class of their own (Rasa's "macro avg" would add it as a zero-F1 row).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tooling.model import ensure_model  # noqa: E402

THRESHOLD = 0.90
FILES = {"en": "tests/nlu/test_nlu_en.yml", "zh": "tests/nlu/test_nlu_zh.yml"}
SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def evaluate(model: Path, language: str, nlu_file: str) -> Path:
    out = ROOT / "results" / f"nlu_{language}"
    cmd = [
        str(Path(sys.executable).parent / "rasa"), "test", "nlu", "--model", str(model),
        "--nlu", nlu_file, "--out", str(out), "--no-plot",
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    if done.returncode != 0:
        sys.exit(f"rasa test nlu failed for {nlu_file}:\n{done.stderr[-3000:]}")
    return out


def intent_scores(report: dict) -> dict[str, dict]:
    """Per-intent rows of intent_report.json for intents that occur in the test file."""
    return {
        name: row for name, row in report.items()
        if name not in SUMMARY_KEYS and isinstance(row, dict) and row.get("support", 0) > 0
    }


def macro_f1(report: dict) -> float:
    rows = intent_scores(report)
    return sum(r["f1-score"] for r in rows.values()) / len(rows) if rows else 0.0


def summarise(language: str, out: Path) -> float:
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    score = macro_f1(report)
    rows = intent_scores(report)
    weakest = sorted(rows.items(), key=lambda item: item[1]["f1-score"])[:3]
    accuracy = report.get("accuracy", 0.0)
    print(f"[{language}] intent macro-F1 {score:.3f} (accuracy {accuracy:.3f}, "
          f"{len(rows)} intents, {sum(r['support'] for r in rows.values())} examples)")
    print(f"[{language}] weakest: " + ", ".join(f"{n} {r['f1-score']:.2f}" for n, r in weakest))
    faq = out / "response_selection_report.json"
    if faq.exists():
        faq_report = json.loads(faq.read_text(encoding="utf-8"))
        print(f"[{language}] FAQ answer accuracy {faq_report.get('accuracy', 0.0):.3f}")
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, help="model archive (default: the cached one)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args()
    model = args.model or ensure_model()
    failed = []
    for language, nlu_file in FILES.items():
        if not (ROOT / nlu_file).exists():
            print(f"[{language}] missing held-out file {nlu_file}", file=sys.stderr)
            failed.append(language)
            continue
        score = summarise(language, evaluate(model, language, nlu_file))
        if score < args.threshold:
            failed.append(language)
    if failed:
        print(f"NLU gate FAILED (< {args.threshold:.2f}): {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"NLU gate passed (intent macro-F1 >= {args.threshold:.2f} for en and zh).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
