"""Reports end to end over Rasa's REST channel: consent given and refused, in both languages.

Marked `servers`; needs the trained model that `scripts/train_if_changed.py --print-path` names
(REST_TEST_MODEL overrides). Ports 15120 (actions) and 15121 (Rasa); the action server writes to
a temporary reports database.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tooling.model import model_from_env
from tooling.paths import ROOT
from tooling.ports import Ports
from tooling.stack import Stack, StackConfig

pytestmark = pytest.mark.servers
PORTS = Ports(actions=15120, rasa=15121, web=15122)
STORY_EN = ("Someone from JD Finance called, they said my loan is frozen and I must pay an "
            "unfreezing fee. I already paid 2000 yuan. My name is Li Wei, my phone is 13912345678.")
STORY_ZH = ("有个自称京东金融客服的人打电话，说我银行卡号填错了，贷款被冻结，要先交解冻费。"
            "我已经转了3000。我叫王小明，我的手机是13912345678")


@pytest.fixture(scope="module")
def reports_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports") / "reports.db"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, reports_db: Path) -> Iterator[Stack]:
    model = model_from_env("REST_TEST_MODEL")
    if not model.exists():
        pytest.fail(f"No trained model at {model}: run `make train` first.")
    config = StackConfig(
        model=model, ports=PORTS, web=False, public_host="127.0.0.1",
        tracker_db=tmp_path_factory.mktemp("tracker") / "tracker.db",
        log_dir=ROOT / "test-artifacts" / "logs" / "rest_reports",
        extra_env={"REPORTS_DB_URL": f"sqlite:///{reports_db}"},
    )
    with Stack(config) as running:
        yield running


def say(stack: Stack, sender: str, message: str) -> list[dict]:
    reply = httpx.post(stack.urls.rest, json={"sender": sender, "message": message}, timeout=60)
    reply.raise_for_status()
    return reply.json()


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def rows(db: Path) -> list[dict]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM reports ORDER BY reference")]


def until_verdict(stack: Stack, sender: str, story: str) -> list[dict]:
    """Tells the story, then answers "I don't know" until the verdict (and the offer) arrive."""
    replies = say(stack, sender, story)
    for _ in range(8):
        if any("custom" in m for m in replies):
            return replies
        replies = say(stack, sender, "/dont_know")
    pytest.fail(f"No verdict; last replies: {text_of(replies)}")


def test_english_consent_files_a_report_with_the_right_fields(stack, reports_db):
    sender = f"rep-{uuid.uuid4().hex[:8]}"
    verdict = until_verdict(stack, sender, STORY_EN)
    offer = next(m for m in verdict if "anonymous report" in m.get("text", ""))
    assert "• who they claimed to be: JD Finance" in offer["text"]
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/deny"]
    before = len(rows(reports_db))
    ask = text_of(say(stack, sender, "/affirm"))
    assert "send me the scammer's details" in ask
    done = text_of(say(stack, sender, "their number is 138 0013 8000 and the site www.jd-jr.top/pay"))
    assert "Your anonymous report is filed. Reference number: R-" in done
    assert "Is there anything else" in done
    reference = done.split("Reference number: ")[1][:8]
    (row,) = [r for r in rows(reports_db) if r["reference"] == reference]
    assert len(rows(reports_db)) == before + 1
    assert (row["platform"], row["risk_level"], row["money_sent"]) == ("jd_finance", "high", "yes")
    assert row["money_lost"] == "1k-5k" and "unfreezing_fee" in row["fee_types"]
    assert row["reported_hour"].endswith(":00:00Z")
    with sqlite3.connect(reports_db) as conn:
        dump = "\n".join(conn.iterdump())
    assert "13800138000" in dump and "jd-jr.top" in dump
    for private in ("13912345678", "Li Wei", "2000 yuan"):
        assert private not in dump


def test_english_refusal_stores_nothing(stack, reports_db):
    sender = f"rep-{uuid.uuid4().hex[:8]}"
    until_verdict(stack, sender, STORY_EN)
    before = rows(reports_db)
    reply = text_of(say(stack, sender, "/deny"))
    assert "I haven't stored anything about this case" in reply
    assert rows(reports_db) == before


def test_chinese_consent_and_refusal(stack, reports_db):
    sender = f"rep-{uuid.uuid4().hex[:8]}"
    verdict = until_verdict(stack, sender, STORY_ZH)
    assert "你愿意匿名举报吗" in text_of(verdict)
    before = len(rows(reports_db))
    assert "把骗子的信息发给我" in text_of(say(stack, sender, "好的"))
    done = text_of(say(stack, sender, "骗子的电话是13800138000，网址jd-jr.top"))
    assert "匿名举报已经提交，编号：R-" in done
    assert len(rows(reports_db)) == before + 1
    refused = f"rep-{uuid.uuid4().hex[:8]}"
    until_verdict(stack, refused, STORY_ZH)
    assert "这件事我什么都没有保存" in text_of(say(stack, refused, "不用了"))
    assert len(rows(reports_db)) == before + 1


def test_lookup_over_rest_counts_reports_and_never_says_safe(stack, reports_db):
    sender = f"rep-{uuid.uuid4().hex[:8]}"
    reply = text_of(say(stack, sender, "has anyone reported 13800138000?"))
    assert "13800138000: reported" in reply and "No reports does NOT mean it is safe" in reply
    unknown = text_of(say(stack, sender, "查一下这个号码13700001111"))
    assert "13700001111：还没有人举报过。" in unknown and "并不代表安全" in unknown
