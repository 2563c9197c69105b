"""Latency benchmark: concurrent conversations through the REST channel, against a reference bot.

    .venv/bin/python scripts/bench_conversation.py --compare     # `make bench-conversation`
    .venv/bin/python scripts/bench_conversation.py --url http://localhost:5005

``--compare`` measures, in the same run and on the same machine, this assistant and a Rasa init
bot (``rasa init``, trained once into build/bench/ and reused while Rasa's version is the same),
one after the other so they never share the CPU. For each: model load time (start of
``rasa run`` until it answers, TensorFlow import included), throughput and p95 latency of
--conversations concurrent conversations x --turns turns, single-user p50 latency, and resident
memory of Rasa (and of the action server) after the load. It prints both rows, their ratios and
the goals of docs/performance.md.

``--url`` only runs the concurrent conversations against a server that is already running.
Exit code 1 when there was any HTTP error or silent turn (a 200 answer with no message at all).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tooling.model import ensure_model  # noqa: E402
from tooling.paths import BIN  # noqa: E402
from tooling.ports import Ports  # noqa: E402
from tooling.processes import ManagedProcess, base_env, wait_until_healthy  # noqa: E402
from tooling.stack import Stack, StackConfig  # noqa: E402

SCRIPTS = {
    "en": [
        "hi",
        "Someone from JD Finance called me, they said my bank card number was wrong and the loan "
        "is frozen, I have to pay an unfreezing fee first",
        "a phone call",
        "I don't know",
        "no I haven't paid anything yet",
        "no that's all",
        "can a lender charge a fee before paying out?",
        "I'm in the UK",
        "thanks",
        "bye",
    ],
    "zh": [
        "你好",
        "有个自称京东金融客服的人打电话给我，说我银行卡号填错了，贷款被冻结，要先交解冻费",
        "打电话",
        "不知道",
        "还没转钱",
        "没有了",
        "放款前先收费正常吗？",
        "刷流水是什么意思",
        "谢谢",
        "再见",
    ],
}
# The init bot's own intents (greet, mood_*, affirm, deny, bot_challenge, goodbye).
INIT_BOT_SCRIPTS = {
    "en": ["hello", "I am sad", "no", "are you a bot?", "I'm feeling great", "yes", "hi there",
           "very sad", "yes it did", "goodbye"],
}
# Ports of this benchmark: this assistant's stack, then the init bot's Rasa.
BENCH_PORTS = Ports(actions=15163, rasa=15164, web=15168)
INIT_BOT_PORT = 15169
GOALS = "goals: throughput >= 0.8x, single-user p50 <= 1.2x, model load <= 30 s, Rasa RSS <= 1.2 GB"


@dataclass
class Results:
    """Latencies of successful turns, plus what went wrong."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    silent: int = 0
    wall: float = 0.0

    @property
    def throughput(self) -> float:
        """Answered messages per second of wall time."""
        return len(self.latencies) / self.wall if self.wall else 0.0


async def converse(client: httpx.AsyncClient, url: str, script: list[str], turns: int,
                   results: Results) -> None:
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    for turn in range(turns):
        message = script[turn % len(script)]
        started = time.perf_counter()
        try:
            response = await client.post(url, json={"sender": sender, "message": message})
            elapsed = time.perf_counter() - started
        except httpx.HTTPError as error:
            results.errors.append(f"{type(error).__name__}: {error}")
            continue
        if response.status_code != 200:
            results.errors.append(f"HTTP {response.status_code}")
            continue
        results.latencies.append(elapsed)
        if not response.json():
            results.silent += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def run(url: str, conversations: int, turns: int, timeout: float,
              scripts: dict[str, list[str]] | None = None) -> Results:
    """Play ``conversations`` conversations of ``turns`` turns at once against ``url``."""
    scripts = scripts or SCRIPTS
    results = Results()
    webhook = url.rstrip("/") + "/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        # One warm-up message so that first-use costs (jieba, TensorFlow graphs) are not measured.
        await client.post(webhook, json={"sender": f"bench-warmup-{uuid.uuid4().hex[:6]}",
                                         "message": next(iter(scripts.values()))[0]})
        languages = sorted(scripts)
        started = time.perf_counter()
        await asyncio.gather(*(converse(client, webhook, scripts[languages[i % len(languages)]],
                                        turns, results)
                               for i in range(conversations)))
        results.wall = time.perf_counter() - started
    return results


def report(results: Results, conversations: int, turns: int, url: str) -> None:
    print(f"{conversations} conversations x {turns} turns = {conversations * turns} messages "
          f"in {results.wall:.1f} s ({url})")
    if results.latencies:
        ms = [1000 * v for v in results.latencies]
        print(f"latency p50 {percentile(ms, 0.50):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
              f"max {max(ms):.0f} ms, mean {statistics.mean(ms):.0f} ms")
    print(f"throughput {results.throughput:.1f} messages/s")
    print(f"errors {len(results.errors)}, silent turns {results.silent}")
    for error in sorted(set(results.errors))[:5]:
        print(f"  {error}")


# --- the comparison with a Rasa init bot --------------------------------------------------------

@dataclass
class Row:
    """One bot's figures."""

    name: str
    load_s: float
    throughput: float
    p95_ms: float
    single_p50_ms: float
    rasa_rss: int
    actions_rss: int = 0
    errors: int = 0
    silent: int = 0


def measure(name: str, url: str, scripts: dict[str, list[str]], rasa: ManagedProcess,
            actions: ManagedProcess | None, load_s: float, args: argparse.Namespace) -> Row:
    """Single user first (an idle server), then the concurrent load, then memory."""
    single = asyncio.run(run(url, 1, args.single_turns, args.timeout, scripts))
    loaded = asyncio.run(run(url, args.conversations, args.turns, args.timeout, scripts))
    ms = [1000 * v for v in loaded.latencies] or [float("nan")]
    single_ms = [1000 * v for v in single.latencies] or [float("nan")]
    return Row(name, load_s, loaded.throughput, percentile(ms, 0.95),
               percentile(single_ms, 0.50), rasa.rss_bytes(),
               actions.rss_bytes() if actions else 0,
               len(loaded.errors) + len(single.errors), loaded.silent + single.silent)


def init_bot_model(rasa_version: str) -> Path:
    """The init bot's model, trained once per Rasa version into build/bench/."""
    home = ROOT / "build" / "bench" / f"rasa-init-{rasa_version}"
    models = sorted((home / "models").glob("*.tar.gz")) if home.exists() else []
    if models:
        return models[-1]
    home.mkdir(parents=True, exist_ok=True)
    print(f"Training the Rasa init bot once into {home.relative_to(ROOT)} …", flush=True)
    subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(home)],
                   cwd=home, env=base_env(), check=True, stdout=subprocess.DEVNULL)
    models = sorted((home / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model in {home}")
    return models[-1]


def timed_start(stack: Stack) -> float:
    started = time.perf_counter()
    stack.start()
    return time.perf_counter() - started


def bench_ours(model: Path, args: argparse.Namespace, log_dir: Path) -> Row:
    config = StackConfig(model=model, ports=BENCH_PORTS, web=False, public_host="127.0.0.1",
                         tracker_db=log_dir / "bench-trackers.db", log_dir=log_dir / "ours")
    stack = Stack(config)
    try:
        load = timed_start(stack)
        return measure("this assistant", config.urls.rasa, SCRIPTS, stack.process("rasa"),
                       stack.process("actions"), load, args)
    finally:
        stack.close()


def bench_init_bot(model: Path, args: argparse.Namespace, log_dir: Path) -> Row:
    home = model.parent.parent
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "init-bot-rasa.log"
    command = [str(BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1",
               "--port", str(INIT_BOT_PORT)]
    log = log_path.open("wb")
    started = time.perf_counter()
    popen = subprocess.Popen(command, cwd=home, env=base_env(), stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    rasa = ManagedProcess("init bot", popen, log_path, f"http://127.0.0.1:{INIT_BOT_PORT}/", log)
    try:
        wait_until_healthy([rasa], timeout=600, log_dir=log_dir)
        load = time.perf_counter() - started
        return measure("Rasa init bot", f"http://127.0.0.1:{INIT_BOT_PORT}", INIT_BOT_SCRIPTS,
                       rasa, None, load, args)
    finally:
        rasa.stop()


def print_comparison(ours: Row, init: Row, args: argparse.Namespace) -> None:
    gb = 1024 ** 3

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "-"

    rows = [
        (f"{args.conversations} users x {args.turns} turns: throughput (msg/s)",
         f"{ours.throughput:.1f}", f"{init.throughput:.1f}", ratio(ours.throughput, init.throughput)),
        ("... p95 latency (ms)", f"{ours.p95_ms:.0f}", f"{init.p95_ms:.0f}",
         ratio(ours.p95_ms, init.p95_ms)),
        ("1 user: p50 latency (ms)", f"{ours.single_p50_ms:.0f}", f"{init.single_p50_ms:.0f}",
         ratio(ours.single_p50_ms, init.single_p50_ms)),
        ("model load at start-up (s)", f"{ours.load_s:.1f}", f"{init.load_s:.1f}",
         ratio(ours.load_s, init.load_s)),
        ("Rasa RSS (GB)", f"{ours.rasa_rss / gb:.2f}", f"{init.rasa_rss / gb:.2f}",
         ratio(ours.rasa_rss, init.rasa_rss)),
        ("action server RSS (GB)", f"{ours.actions_rss / gb:.2f}", "-", "-"),
    ]
    print("\n| | this assistant | Rasa init bot | ratio |\n| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nerrors: {ours.errors} / {init.errors}; silent turns: {ours.silent} / {init.silent}")
    print(GOALS)


def compare(args: argparse.Namespace) -> int:
    import rasa

    log_dir = ROOT / "build" / "bench"
    init_model = init_bot_model(rasa.__version__)
    ours = bench_ours(args.model or ensure_model(), args, log_dir)
    init = bench_init_bot(init_model, args, log_dir)
    print_comparison(ours, init, args)
    return 1 if ours.errors or ours.silent else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--url", help="base URL of a running Rasa server")
    target.add_argument("--compare", action="store_true",
                        help="start this assistant and a Rasa init bot and compare them")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--single-turns", type=int, default=20,
                        help="turns of the single-user run (--compare)")
    parser.add_argument("--model", type=Path, help="this assistant's model (--compare)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per message")
    args = parser.parse_args()
    if args.compare:
        return compare(args)

    url = args.url or "http://localhost:5005"
    try:
        results = asyncio.run(run(url, args.conversations, args.turns, args.timeout))
    except httpx.HTTPError as error:
        print(f"Cannot reach {url}: {error}", file=sys.stderr)
        return 2
    report(results, args.conversations, args.turns, url)
    return 1 if results.errors or results.silent else 0


if __name__ == "__main__":
    sys.exit(main())
