import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from reports import CaseFacts, ReportStore, build_report, extract_identifiers, file_report
from reports.buckets import amount_bucket, hour_of

NOW = datetime(2026, 12, 2, 10, 47, 13, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]
HIGH = CaseFacts(risk_level="high", fee_types=["unfreezing_fee"], patterns=["frozen_loan"],
                 money_sent="yes", amount_sent=2500, region="cn", contact_channel="phone_call",
                 platform="jd_finance", red_flags=["unfreezing_fee"], amount_asked=2500)


def test_a_report_keeps_the_hour_and_buckets_not_the_exact_time_and_amounts(store):
    reference = file_report(HIGH, extract_identifiers("their number 13800138000"), NOW, store)
    (row,) = store.reports()
    assert row["reference"] == reference and reference.startswith("R-") and len(reference) == 8
    assert row["reported_hour"] == "2026-12-02T10:00:00Z"
    assert (row["amount_asked"], row["money_lost"], row["money_sent"]) == ("1k-5k", "1k-5k", "yes")
    assert row["platform"] == "jd_finance" and row["fee_types"] == ["unfreezing_fee"]
    assert [(i["kind"], i["value"]) for i in store.identifiers()] == [("phone", "13800138000")]


def test_amount_buckets_and_hours():
    assert [amount_bucket(v) for v in (None, 0, 999, 1000, 49_999, 250_000)] == [
        "unknown", "0", "1-999", "1k-5k", "10k-50k", "100k+"]
    beijing = timezone(timedelta(hours=8))
    assert hour_of(datetime(2026, 1, 1, 23, 59, tzinfo=beijing)) == "2026-01-01T15:00:00Z"


def test_free_text_in_slots_never_reaches_the_database(store, tmp_path):
    seeded = ["13912345678", "6222021234567890123", "110101199003071234", "Li Wei", "王小明"]
    case = CaseFacts(
        risk_level="high", region="cn", contact_channel="my phone 13912345678",
        platform="我叫王小明", fee_types=["unfreezing_fee", "card 6222021234567890123"],
        red_flags=["110101199003071234"], patterns=["my name is Li Wei"],
        money_sent="yes", amount_sent=3000,
    )
    text = ("my phone is 13912345678, my card is 6222021234567890123, my ID 110101199003071234, "
            "my name is Li Wei. 我叫王小明。 The scammer's number is 13800138000.")
    file_report(case, extract_identifiers(text), NOW, store)
    store.close()
    dump = "\n".join(sqlite3.connect(store.url.removeprefix("sqlite:///")).iterdump())
    assert "13800138000" in dump
    for value in seeded:
        assert value not in dump, value
    row = ReportStore(store.url).reports()[0]
    assert row["contact_channel"] == "other" and row["platform"] == "other"
    assert row["fee_types"] == ["other", "unfreezing_fee"]


def test_lookup_counts_reports_and_gives_first_and_last_seen(store):
    for days, story in ((30, "13800138000 and jd-jr.top"), (2, "+86 138 0013 8000"), (1, "jd-jr.top")):
        case = CaseFacts(risk_level="high", patterns=["frozen_loan" if days > 1 else "fake_credit"])
        store.add(build_report(case, extract_identifiers(story), NOW - timedelta(days=days)))
    phone = store.lookup("138-0013-8000").to_dict()
    assert phone == {"value": "13800138000", "reports": 2, "first_seen": "2026-11-02T10:00:00Z",
                     "last_seen": "2026-11-30T10:00:00Z", "patterns": ["frozen_loan"]}
    domain = store.lookup("https://www.jd-jr.top/pay")
    assert (domain.reports, domain.patterns) == (2, ["fake_credit", "frozen_loan"])
    assert store.lookup("13700000000").to_dict() == {
        "value": "13700000000", "reports": 0, "first_seen": None, "last_seen": None, "patterns": []}


def test_retention_deletes_old_reports_and_their_identifiers(store, monkeypatch):
    store.add(build_report(HIGH, extract_identifiers("13800138000"), NOW - timedelta(days=400)))
    kept = store.add(build_report(HIGH, extract_identifiers("13800138001"), NOW - timedelta(days=364)))
    assert store.purge(now=NOW) == 1
    assert [r["reference"] for r in store.reports()] == [kept]
    assert [i["value"] for i in store.identifiers()] == ["13800138001"]
    monkeypatch.setenv("REPORTS_RETENTION_DAYS", "30")
    assert store.purge(now=NOW) == 1 and store.reports() == []


def test_retention_command_deletes_old_reports(store_url):
    store = ReportStore(store_url)
    store.add(build_report(HIGH, [], datetime.now(timezone.utc) - timedelta(days=10)))
    store.add(build_report(HIGH, [], datetime.now(timezone.utc)))
    store.close()
    env = dict(os.environ, REPORTS_DB_URL=store_url, REPORTS_RETENTION_DAYS="7")
    out = subprocess.run([sys.executable, "-m", "reports", "purge"], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert "Deleted 1 report(s)." in out.stdout
    assert len(ReportStore(store_url).reports()) == 1


def _write_reports(url: str, worker: int, count: int) -> None:
    store = ReportStore(url)
    for i in range(count):
        file_report(HIGH, extract_identifiers(f"their number is 1380013{worker:02d}{i:02d}"), store=store)
    store.close()


def test_concurrent_writers_in_several_processes_lose_nothing(store_url):
    ReportStore(store_url).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_reports, args=(store_url, w, 40)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    store = ReportStore(store_url)
    assert len(store.reports()) == 160
    assert len({i["value"] for i in store.identifiers()}) == 160
    assert store._backend.db.journal_mode == "wal"


def test_cli_lookup_prints_the_json_contract(store_url):
    store = ReportStore(store_url)
    store.add(build_report(HIGH, extract_identifiers("jd-jr.top"), NOW))
    store.close()
    env = dict(os.environ, REPORTS_DB_URL=store_url)
    cli = [str(Path(sys.executable).parent / "scam-check"), "--lookup"]
    found = subprocess.run([*cli, "http://jd-jr.top/a", "--json"], env=env, capture_output=True,
                           text=True, check=True)
    payload = json.loads(found.stdout.strip().splitlines()[-1])
    assert payload == {"value": "jd-jr.top", "reports": 1, "first_seen": "2026-12-02T10:00:00Z",
                       "last_seen": "2026-12-02T10:00:00Z", "patterns": ["frozen_loan"]}
    unknown = subprocess.run([*cli, "13700000000"], env=env, capture_output=True, text=True, check=True)
    assert "no reports yet. That does NOT mean it is safe" in unknown.stdout
    empty = subprocess.run([*cli, " ", "--json"], env=env, capture_output=True, text=True)
    assert empty.returncode == 2 and json.loads(empty.stdout)["error"] == "empty"
