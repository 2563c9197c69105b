"""Profile messages end to end inside Rasa (cProfile), with the real action server.

    .venv/bin/python scripts/profile_message.py [--model M] [--language en|zh] [--repeat 3]

Starts the action server (port 15163), loads the model into this process with the project's
endpoints (action server, SQLite tracker store in a temporary file) and plays the benchmark
conversation of scripts/bench_conversation.py turn by turn under cProfile, after one warm-up
conversation. Prints the time per turn spent in each part (tokenizer and featurizers, DIET,
ResponseSelector, each policy, tracker load and save, action-server calls), how many policy
predictions and action calls a turn makes and the size of what Rasa sends to the action server.
The raw profile goes to build/profile/message.prof (``python -m pstats`` or snakeviz reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.bench_conversation import SCRIPTS  # noqa: E402
from tooling.model import ensure_model  # noqa: E402
from tooling.ports import Ports  # noqa: E402
from tooling.stack import Stack, StackConfig  # noqa: E402

PORTS = Ports(actions=15163, rasa=15164, web=15168)
# (label, file fragment, function name): the parts of one turn worth knowing about.
PARTS = [
    ("tokenizer (jieba + OpenCC)", "mixed_tokenizer", "process"),
    ("RegexFeaturizer", "regex_featurizer", "process"),
    ("LexicalSyntacticFeaturizer", "lexical_syntactic_featurizer", "process"),
    ("CountVectorsFeaturizer (both)", "count_vectors_featurizer", "process"),
    ("DIETClassifier", "diet_classifier", "process"),
    ("ResponseSelector", "response_selector", "process"),
    ("whole NLU parse", "processor.py", "parse_message"),
    ("MemoizationPolicy predictions", "memoization.py", "predict_action_probabilities"),
    ("RulePolicy predictions", "rule_policy.py", "predict_action_probabilities"),
    ("TEDPolicy predictions", "ted_policy.py", "predict_action_probabilities"),
    ("all policy predictions", "processor.py", "predict_next_with_tracker_if_should"),
    ("tracker load (SQL)", "tracker_store.py", "retrieve"),
    ("tracker save (SQL)", "tracker_store.py", "save"),
    ("action-server calls", "action.py", "_make_request"),
    ("whole turn", "agent.py", "handle_message"),
]


def find(stats: pstats.Stats, fragment: str, name: str) -> tuple[int, float]:
    """Calls and cumulative seconds of the outermost function ``name`` in a file matching.

    Wrappers share names (FailSafeTrackerStore.retrieve calls SQLTrackerStore.retrieve), so the
    entry with the largest cumulative time stands for the part.
    """
    calls, cumulative = 0, 0.0
    for (filename, _, function), (_, ncalls, _, cum, _) in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and fragment in filename and cum > cumulative:
            calls, cumulative = ncalls, cum
    return calls, cumulative


async def play(agent: Any, script: list[str]) -> None:
    sender = f"profile-{uuid.uuid4().hex[:8]}"
    for text in script:
        await agent.handle_text(text, sender_id=sender)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--language", choices=sorted(SCRIPTS), default="en")
    parser.add_argument("--repeat", type=int, default=3, help="profiled conversations")
    args = parser.parse_args()
    model = args.model or ensure_model()
    out = ROOT / "build" / "profile"
    out.mkdir(parents=True, exist_ok=True)

    stack = Stack(StackConfig(model=model, ports=PORTS, rasa=False, web=False,
                              log_dir=out / "logs"))
    stack.start()
    try:
        started = time.perf_counter()
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints
        from rasa.utils.endpoints import EndpointConfig
        imported = time.perf_counter()

        sent: list[int] = []
        original = EndpointConfig.request

        async def measured(self: EndpointConfig, *a: Any, **kw: Any) -> Any:
            if "json" in kw:
                sent.append(len(json.dumps(kw["json"]).encode()))
            return await original(self, *a, **kw)

        EndpointConfig.request = measured  # type: ignore[method-assign]
        db = Path(tempfile.mkdtemp()) / "trackers.db"
        endpoints = AvailableEndpoints(
            action=EndpointConfig(url=f"{stack.urls.actions}/webhook",
                                  enable_selective_domain=True),
            tracker_store=EndpointConfig(type="SQL", dialect="sqlite", db=str(db)),
        )
        loop = asyncio.new_event_loop()
        agent = loop.run_until_complete(load_agent(model_path=str(model), endpoints=endpoints,
                                                   loop=loop))
        loaded = time.perf_counter()
        script = SCRIPTS[args.language]
        loop.run_until_complete(play(agent, script))  # warm-up: graphs, jieba, caches
        sent.clear()
        profile = cProfile.Profile()
        wall = time.perf_counter()
        profile.enable()
        for _ in range(args.repeat):
            loop.run_until_complete(play(agent, script))
        profile.disable()
        wall = time.perf_counter() - wall
    finally:
        stack.close()

    turns = args.repeat * len(script)
    profile.dump_stats(out / "message.prof")
    stats = pstats.Stats(profile)
    print(f"start-up: import rasa {imported - started:.1f} s, load model {loaded - imported:.1f} s")
    print(f"{turns} turns ({args.language}), {1000 * wall / turns:.0f} ms per turn wall time "
          "under the profiler\n")
    print("| part | calls per turn | ms per turn |\n| --- | --- | --- |")
    for label, fragment, name in PARTS:
        calls, seconds = find(stats, fragment, name)
        print(f"| {label} | {calls / turns:.1f} | {1000 * seconds / turns:.1f} |")
    if sent:
        print(f"\naction-server requests: {len(sent) / turns:.1f} per turn, "
              f"{sum(sent) / len(sent) / 1024:.1f} KiB each on average, max {max(sent) / 1024:.1f} KiB")
    print("\nTop 25 functions by own time:")
    stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
