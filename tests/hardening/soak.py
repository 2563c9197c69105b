"""Soak benchmark (not a test): many users talking for minutes, memory sampled as it runs.

    .venv/bin/python -m tests.hardening.soak                     # 50 users x 20 turns, 10 min
    .venv/bin/python -m tests.hardening.soak --minutes 2 --users 10

Starts its own stack on the hardening ports (or uses ``--rasa-url`` with ``--pids``). Each user
plays 20-turn conversations over REST, one after another, with a short pause between turns,
until the time is up. Every 30 s it samples the resident memory of Rasa and the action server.
Prints turns, errors (non-200, no text, exceptions), rate-limit notices, latency percentiles and
the memory samples; exits non-zero on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

TURNS = [
    "hi", "someone called me about a loan", "they said they were from JD Finance",
    "it was a phone call", "they want me to pay an unfreezing fee first", "no I haven't paid",
    "is it normal to pay a fee before the loan", "no that's all", "what should I do now",
    "thanks", "有人让我交解冻费", "对方说是京东金融的客服", "我还没转钱", "没有了", "谢谢",
    "how do I report this", "I'm in Singapore", "are you a bot", "can they get my money back",
    "bye",
]


@dataclass
class Tally:
    """What the users saw."""

    turns: int = 0
    errors: int = 0
    rate_limited: int = 0
    latencies: list[float] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        """Count one error and keep a few examples."""
        self.errors += 1
        if len(self.examples) < 10:
            self.examples.append(what)


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB (0 if gone)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(proc.name) != pid and int(stat[1]) != pid:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


async def user(client: httpx.AsyncClient, url: str, turns: int, until: float, tally: Tally) -> None:
    """One user: 20-turn conversations until the time is up."""
    while time.monotonic() < until:
        sender = f"soak-{secrets.token_hex(6)}"
        for text in TURNS[:turns]:
            if time.monotonic() >= until:
                return
            started = time.monotonic()
            try:
                reply = await client.post(url, json={"sender": sender, "message": text})
                messages = reply.json() if reply.status_code == 200 else []
            except (httpx.HTTPError, ValueError) as error:
                tally.error(f"{type(error).__name__} on {text!r}")
                continue
            tally.latencies.append(time.monotonic() - started)
            tally.turns += 1
            joined = " ".join(m.get("text") or "" for m in messages if isinstance(m, dict))
            if reply.status_code != 200 or not (joined or any("custom" in m for m in messages)):
                tally.error(f"HTTP {reply.status_code}, no text, on {text!r}")
            elif "faster than I can read" in joined or "速度比我读的还快" in joined:
                tally.rate_limited += 1
            await asyncio.sleep(random.uniform(0.5, 1.5))


async def sample(pids: dict[str, int], until: float, every: float,
                 samples: list[tuple[float, dict[str, float]]]) -> None:
    """Record the memory of each process every ``every`` seconds."""
    started = time.monotonic()
    while True:
        samples.append((time.monotonic() - started, {n: rss_mb(p) for n, p in pids.items()}))
        if time.monotonic() + every > until:
            return
        await asyncio.sleep(every)


async def soak(rasa_url: str, pids: dict[str, int], users: int, turns: int,
               minutes: float, every: float) -> tuple[Tally, list]:
    """Run the users and the sampler together."""
    until = time.monotonic() + 60 * minutes
    tally, samples = Tally(), []
    url = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=users + 5)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await asyncio.gather(
            sample(pids, until, every, samples),
            *(user(client, url, turns, until, tally) for _ in range(users)),
        )
    return tally, samples


def report(tally: Tally, samples: list, users: int, minutes: float) -> str:
    """The figures as printed lines."""
    lat = sorted(tally.latencies) or [0.0]
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
    lines = [
        f"users: {users}, minutes: {minutes:g}, turns: {tally.turns} "
        f"({tally.turns / (60 * minutes):.1f}/s)",
        f"errors: {tally.errors}, rate-limit notices: {tally.rate_limited}",
        f"latency p50 {pct(0.5):.2f} s, p95 {pct(0.95):.2f} s, max {lat[-1]:.2f} s, "
        f"mean {statistics.fmean(lat):.2f} s",
        "RSS (MB) every sample: "
        + "; ".join(f"{t:.0f}s " + " ".join(f"{n}={v:.0f}" for n, v in s.items())
                    for t, s in samples),
    ]
    if len(samples) >= 3:
        for name in samples[0][1]:
            first, last = samples[1][1][name], samples[-1][1][name]  # after warm-up
            lines.append(f"{name}: {first:.0f} -> {last:.0f} MB ({last - first:+.0f} MB)")
    return "\n".join(lines + tally.examples)


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between RSS samples")
    parser.add_argument("--rasa-url")
    parser.add_argument("--pids", nargs="*", default=[], help="name=pid of processes to sample")
    parser.add_argument("--model", type=Path)
    args = parser.parse_args(argv)
    if args.rasa_url:
        pids = {k: int(v) for k, v in (p.split("=") for p in args.pids)}
        tally, samples = asyncio.run(soak(args.rasa_url, pids, args.users, args.turns,
                                          args.minutes, args.every))
    else:
        from tests.hardening.servers import hardened_stack

        with hardened_stack(args.model, "soak") as stack:
            pids = {p.name: p.popen.pid for p in stack.processes}
            tally, samples = asyncio.run(soak(stack.urls.rasa, pids, args.users, args.turns,
                                              args.minutes, args.every))
    print(report(tally, samples, args.users, args.minutes))
    return 0 if tally.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
