"""``python -m reports``: maintenance commands for the reports store.

``python -m reports purge [--days N]`` deletes reports older than the retention period;
``python -m reports lookup VALUE`` prints how often VALUE was reported (JSON).
"""

from __future__ import annotations

import argparse
import json
import sys

from .store import ReportStore


def main(argv: list[str] | None = None) -> int:
    """Runs one command against ``REPORTS_DB_URL``."""
    parser = argparse.ArgumentParser(prog="python -m reports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purge", help="delete reports past the retention period")
    purge.add_argument("--days", type=int, help="keep this many days (default REPORTS_RETENTION_DAYS)")
    lookup = commands.add_parser("lookup", help="how often a number, link or account was reported")
    lookup.add_argument("value")
    args = parser.parse_args(argv)
    store = ReportStore()
    try:
        if args.command == "purge":
            if args.days is not None and args.days < 1:
                parser.error("--days must be at least 1")
            print(f"Deleted {store.purge(args.days)} report(s).")
        else:
            print(json.dumps(store.lookup(args.value).to_dict(), ensure_ascii=False))
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
