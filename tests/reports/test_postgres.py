"""The same store on PostgreSQL (the scale-out deployment): a throw-away cluster on port 15129."""

from __future__ import annotations

import multiprocessing
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reports import CaseFacts, ReportStore, build_report, extract_identifiers, file_report

pytestmark = pytest.mark.servers
PORT = 15129
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=timezone.utc)
CASE = CaseFacts(risk_level="high", fee_types=["deposit"], patterns=["advance_fee_loan"])


def _as_postgres(*cmd: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    if not shutil.which("initdb") or not shutil.which("pg_ctl"):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    data = Path(tempfile.mkdtemp(prefix="reports-pg-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(data, account.pw_uid, account.pw_gid)
    subprocess.run(_as_postgres("initdb", "-D", str(data), "-U", "reports", "--auth=trust"),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres("pg_ctl", "-D", str(data), "-l", str(data / "log"), "-w", "-o",
                                f"-p {PORT} -k {data} -c listen_addresses=127.0.0.1", "start"),
                   check=True, capture_output=True)
    try:
        time.sleep(0.5)
        yield f"postgresql://reports@127.0.0.1:{PORT}/postgres"
    finally:
        subprocess.run(_as_postgres("pg_ctl", "-D", str(data), "-m", "fast", "stop"), capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def _write(url: str, worker: int) -> None:
    store = ReportStore(url)
    for i in range(20):
        file_report(CASE, extract_identifiers(f"13900{worker:03d}{i:03d}"), store=store)
    store.close()


def test_postgres_store_files_looks_up_purges_and_takes_concurrent_writers(pg_url):
    store = ReportStore(pg_url)
    store.add(build_report(CASE, extract_identifiers("13800138000 jd-jr.top"), NOW))
    store.add(build_report(CASE, extract_identifiers("+86 13800138000"), NOW - timedelta(days=400)))
    assert store.lookup("138 0013 8000").to_dict() == {
        "value": "13800138000", "reports": 2, "first_seen": "2025-10-28T10:00:00Z",
        "last_seen": "2026-12-02T10:00:00Z", "patterns": ["advance_fee_loan"]}
    assert store.purge(now=NOW) == 1
    assert store.lookup("13800138000").reports == 1
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write, args=(pg_url, w)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    assert len(store.reports()) == 61
    assert store.reports()[0]["fee_types"] == ["deposit"]
    store.close()
