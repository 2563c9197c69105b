"""Latency benchmark: concurrent conversations through the REST channel of a running server.

    .venv/bin/python scripts/bench_conversation.py --url http://localhost:5005

Starts --conversations conversations at once (default 20; half English, half Chinese), each
sending --turns messages (default 10) one after the other and waiting for each answer. Prints the
p50/p95/max latency per message, messages per second, errors (HTTP failures, timeouts) and silent
turns (a 200 answer with no message at all). Exit code 1 when there was any error or silent turn.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field

import httpx

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


@dataclass
class Results:
    """Latencies of successful turns, plus what went wrong."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    silent: int = 0


async def converse(client: httpx.AsyncClient, url: str, language: str, turns: int,
                   results: Results) -> None:
    sender = f"bench-{language}-{uuid.uuid4().hex[:10]}"
    script = SCRIPTS[language]
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


async def run(url: str, conversations: int, turns: int, timeout: float) -> Results:
    results = Results()
    webhook = url.rstrip("/") + "/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        # One warm-up message so that first-use costs (jieba, TensorFlow graphs) are not measured.
        await client.post(webhook, json={"sender": f"bench-warmup-{uuid.uuid4().hex[:6]}",
                                         "message": "hi"})
        languages = ["en" if i % 2 == 0 else "zh" for i in range(conversations)]
        await asyncio.gather(*(converse(client, webhook, lang, turns, results)
                               for lang in languages))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:5005", help="Rasa server base URL")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per message")
    args = parser.parse_args()

    started = time.perf_counter()
    try:
        results = asyncio.run(run(args.url, args.conversations, args.turns, args.timeout))
    except httpx.HTTPError as error:
        print(f"Cannot reach {args.url}: {error}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - started
    sent = args.conversations * args.turns
    print(f"{args.conversations} conversations x {args.turns} turns = {sent} messages "
          f"in {wall:.1f} s ({args.url})")
    if results.latencies:
        ms = [1000 * v for v in results.latencies]
        print(f"latency p50 {percentile(ms, 0.50):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
              f"max {max(ms):.0f} ms, mean {statistics.mean(ms):.0f} ms")
    print(f"throughput {len(results.latencies) / wall:.1f} messages/s")
    print(f"errors {len(results.errors)}, silent turns {results.silent}")
    for error in sorted(set(results.errors))[:5]:
        print(f"  {error}")
    return 1 if results.errors or results.silent else 0


if __name__ == "__main__":
    sys.exit(main())
