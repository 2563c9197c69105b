"""The analyst view: Datasette on a seeded reports database, behind a password, with charts.

Starts Datasette on port 18001 (``reports.analyst.datasette_command``); the browser test drives
Debian's Chromium and saves docs/analyst.png.
"""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from reports import CaseFacts, ReportStore, build_report, extract_identifiers
from reports.analyst import AnalystSetupError, datasette_command, datasette_env
from tooling.paths import ROOT
from tooling.ports import port_is_free

PORT = 18001
BASE = f"http://127.0.0.1:{PORT}"
AUTH = ("analyst", "correct horse battery staple")
CHROMIUM = "/usr/bin/chromium"
NOW = datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
PLATFORMS = ["jd_finance", "360_iou", "alipay", "bank", "police", None]
FEES = ["unfreezing_fee", "deposit", "membership_fee", "insurance_fee", "flow_transfer"]
PHONES = ["13800138000", "13912345670", "4001234567", "17700004444"]
DOMAINS = ["jd-jr.top", "quickloan.vip", "360-iou-help.com"]


def seed(path: Path, count: int = 60) -> None:
    rng = random.Random(7)
    store = ReportStore(f"sqlite:///{path}")
    for i in range(count):
        sent = rng.random() < 0.5
        case = CaseFacts(
            risk_level=rng.choice(["high", "high", "medium"]), region="cn",
            contact_channel=rng.choice(["phone_call", "sms", "wechat", "app"]),
            platform=rng.choice(PLATFORMS), fee_types=rng.sample(FEES, rng.randint(1, 2)),
            amount_asked=rng.choice([800, 2000, 6000, 30000]), money_sent="yes" if sent else "no",
            amount_sent=rng.choice([500, 3000, 8000, 20000, 120000]) if sent else None,
            patterns=["wrong_card_frozen" if i % 3 else "advance_fee_loan"],
        )
        text = f"{PHONES[min(int(rng.expovariate(1.2)), 3)]} {rng.choice(DOMAINS)}"
        store.add(build_report(case, extract_identifiers(text), NOW - timedelta(days=rng.randint(0, 55))))
    store.close()


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not port_is_free(PORT):
        pytest.fail(f"Port {PORT} is taken: stop whatever listens there.")
    db = tmp_path_factory.mktemp("analyst") / "reports.db"
    seed(db)
    env = datasette_env({**os.environ, "ANALYST_PASSWORD": AUTH[1]})
    log_dir = ROOT / "test-artifacts" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / "analyst_datasette.log", "wb") as log:
        process = subprocess.Popen(datasette_command(PORT, db_path=db), env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while port_is_free(PORT):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("Datasette did not start: see test-artifacts/logs/analyst_datasette.log")
            time.sleep(0.2)
        yield BASE
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def test_the_analyst_view_needs_a_password():
    with pytest.raises(AnalystSetupError, match="ANALYST_PASSWORD"):
        datasette_env({"PATH": "/usr/bin"})
    env = datasette_env({"ANALYST_PASSWORD": "x"})
    assert env["ANALYST_PASSWORD_HASH"].startswith("pbkdf2_sha256$") and "ANALYST_PASSWORD" not in env


@pytest.mark.servers
@pytest.mark.parametrize("path", [
    "/", "/reports", "/reports/reports.json", "/reports/identifiers.csv",
    "/reports/most_reported_numbers.json", "/-/dashboards/reports", "/-/metadata.json",
    "/reports.db",
])
def test_requests_without_or_with_wrong_credentials_are_refused(datasette, path):
    assert httpx.get(datasette + path).status_code == 401
    assert httpx.get(datasette + path, auth=("analyst", "guess")).status_code == 401


@pytest.mark.servers
def test_canned_queries_and_exports_follow_the_documented_schema(datasette):
    numbers = httpx.get(f"{datasette}/reports/most_reported_numbers.json?_shape=objects", auth=AUTH)
    assert numbers.status_code == 200
    rows = numbers.json()["rows"]
    assert rows[0]["phone"] == "13800138000" and rows[0]["reports"] >= rows[-1]["reports"]
    assert set(rows[0]) == {"phone", "reports", "first_seen", "last_seen"}
    weekly = httpx.get(f"{datasette}/reports/reports_per_week.json?_shape=array", auth=AUTH).json()
    assert sum(row["reports"] for row in weekly) == 60
    exported = httpx.get(f"{datasette}/reports/reports.csv?_size=max", auth=AUTH)
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert list(table[0]) == ["reference", "reported_hour", "risk_level", "region", "contact_channel",
                              "platform", "fee_types", "amount_asked", "money_sent", "money_lost",
                              "red_flags", "patterns"]
    assert len(table) == 60 and all(r["reported_hour"].endswith(":00:00Z") for r in table)
    ids = httpx.get(f"{datasette}/reports/identifiers.json?_shape=array&_size=1", auth=AUTH).json()
    assert set(ids[0]) == {"rowid", "report_reference", "kind", "value", "reported_hour"} - {"rowid"}


@pytest.mark.servers
def test_the_view_is_read_only(datasette):
    sql = "delete from reports"
    answer = httpx.get(f"{datasette}/reports.json", params={"sql": sql}, auth=AUTH)
    assert answer.status_code in (400, 403)
    count = httpx.get(f"{datasette}/reports.json?sql=select+count(*)+as+n+from+reports&_shape=array",
                      auth=AUTH).json()
    assert count == [{"n": 60}]


@pytest.mark.browser
def test_the_dashboard_renders_its_charts_in_chromium(datasette):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian Chromium is missing: run `make system-deps` (apt install chromium).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(http_credentials={"username": AUTH[0], "password": AUTH[1]},
                                      viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{datasette}/-/dashboards/reports")
        page.wait_for_selector("text=Reports per week")
        page.wait_for_function("document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= 5",
                               timeout=30_000)
        assert page.locator("text=13800138000").first.is_visible()
        page.screenshot(path=str(ROOT / "docs" / "analyst.png"), full_page=True)
        browser.close()
