"""The development corpus end to end: real Rasa and action servers over REST.

Marked `servers`. At least DEV_MIN_PASS of the conversations in ``dev/`` must reach the expected
verdict and advice without a loop (a regression floor; the goal is 0.95); the failures (with
transcripts) are printed either way.
The held-out corpus is not run here: it is measured only with ``scripts/run_conversations.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.run_conversations import load_corpus, pass_rate, print_report, run
from tooling.ports import Ports
from tooling.stack import Stack

pytestmark = pytest.mark.servers
PORTS = Ports(actions=15100, rasa=15101, web=15102)
DEV_MIN_PASS = 0.68  # regression floor just under the measured 35/48 (0.73); the goal (0.95) is not met
DEV = Path(__file__).parent / "dev"


def test_the_dev_corpus_reaches_the_right_verdict_and_advice(stack: Stack) -> None:
    outcomes = run(load_corpus([DEV]), stack.urls.rasa, workers=4)
    print_report(outcomes, show_failures=True)
    failed = [f"{o.conversation.id}: {'; '.join(o.failures)}" for o in outcomes if not o.passed]
    assert pass_rate(outcomes) >= DEV_MIN_PASS, "\n".join(failed)
