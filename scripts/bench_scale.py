"""Scale-out benchmark (``make bench-scale``): throughput and p95 through nginx for 1, 2, 3 replicas.

    .venv/bin/python scripts/bench_scale.py [--replicas 3] [--conversations 20] [--turns 10]

Starts the scale-out deployment (scripts/scale.py) once with the largest number of replicas, on
the test ports with its data in build/bench/scale/, then for each count lets nginx route to that
many replicas (a reload, no restart) and plays the same conversations as
``scripts/bench_conversation.py`` through nginx. Prints one row per count, and the resident
memory of each replica, each action server, PostgreSQL, Redis and nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.bench_conversation import percentile, run  # noqa: E402
from scripts.scale import MAX_REPLICAS, TEST_PORTS, Deployment, ScaleConfig  # noqa: E402
from tooling.model import ensure_model  # noqa: E402
from tooling.services import ServiceError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=3, help=f"largest count (<= {MAX_REPLICAS})")
    parser.add_argument("--actions", type=int, default=2, help="action servers")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--model", type=Path)
    args = parser.parse_args()

    home = ROOT / "build" / "bench" / "scale"
    shutil.rmtree(home, ignore_errors=True)
    config = ScaleConfig(model=args.model or ensure_model(), replicas=args.replicas,
                         action_servers=args.actions, ports=TEST_PORTS, home=home, web=False)
    deployment = Deployment(config)
    rows = []
    try:
        print(f"Starting {args.replicas} replicas and {args.actions} action servers…", flush=True)
        deployment.start()
        for count in range(1, args.replicas + 1):
            deployment.route_to(count)
            results = asyncio.run(run(config.public_url, args.conversations, args.turns,
                                      args.timeout))
            ms = [1000 * v for v in results.latencies] or [float("nan")]
            rows.append((count, results.throughput, percentile(ms, 0.95), percentile(ms, 0.5),
                         len(results.errors) + results.silent))
            print(f"  {count} replica(s): {results.throughput:.1f} msg/s", flush=True)
        memory = [(p.name, p.rss_bytes()) for p in deployment.all_processes()]
    except ServiceError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        deployment.stop()

    print(f"\n{args.conversations} users x {args.turns} turns through nginx, "
          f"{args.actions} action servers")
    print("| replicas | throughput (msg/s) | p50 (ms) | p95 (ms) | errors |\n| --- | --- | --- | --- | --- |")
    for count, throughput, p95, p50, errors in rows:
        print(f"| {count} | {throughput:.1f} | {p50:.0f} | {p95:.0f} | {errors} |")
    print("\n| process | RSS (MB) |\n| --- | --- |")
    for name, rss in memory:
        print(f"| {name} | {rss / 2**20:.0f} |")
    return 1 if any(row[-1] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
