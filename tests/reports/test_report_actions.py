"""The report actions against rasa_sdk objects, with a temporary reports store."""

from __future__ import annotations

import sqlite3

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import reports
from actions.action_file_report import ActionFileReport
from actions.action_lookup_reports import ActionLookupReports
from actions.action_offer_report import ActionOfferReport
from tests.action_server.conftest import make_tracker

HIGH_CASE = {
    "risk_level": "high", "language": "en", "region": "cn", "contact_channel": "phone_call",
    "claimed_identity": "jd_finance", "fee_types": ["unfreezing_fee"], "money_sent": "yes",
    "amount_sent": "2000 yuan", "red_flags": ["unfreezing_fee"],
    "offer_story": "Someone from JD Finance called, my loan is frozen and I must pay a 3000 "
                   "yuan unfreezing fee. My phone is 13912345678 and my name is Li Wei.",
}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTS_DB_URL", f"sqlite:///{tmp_path / 'reports.db'}")
    reports.get_store.cache_clear()
    yield reports.get_store()
    reports.get_store().close()
    reports.get_store.cache_clear()


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


async def offered_draft(slots):
    messages, events = await run(ActionOfferReport(), make_tracker(slots=slots))
    return messages, events, next(e["value"] for e in events if e["name"] == "report_draft")


async def test_a_high_verdict_offers_a_report_showing_what_is_kept():
    messages, events, draft = await offered_draft(HIGH_CASE)
    (message,) = messages
    assert "would you like to file an anonymous report" in message["text"]
    assert "• who they claimed to be: JD Finance" in message["text"]
    assert "• the fees they asked for: unfreezing fee" in message["text"]
    assert "asked 1k-5k, lost 1k-5k" in message["text"]
    assert "13912345678" not in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    assert SlotSet("report_state", "offered") in events
    assert draft["platform"] == "jd_finance" and draft["amount_asked"] == 3000
    assert "wrong_card_frozen" in draft["patterns"]


async def test_the_offer_is_in_chinese_for_a_chinese_conversation():
    messages, _, _ = await offered_draft({**HIGH_CASE, "language": "zh"})
    assert "你愿意匿名举报吗" in messages[0]["text"] and "京东金融" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["好，提交举报", "不用了"]


@pytest.mark.parametrize("risk", ["low", None])
async def test_no_offer_after_a_low_verdict(risk):
    messages, events = await run(ActionOfferReport(), make_tracker(slots={**HIGH_CASE, "risk_level": risk}))
    assert messages == [] and events == [FollowupAction("utter_anything_else")]


async def test_the_report_is_offered_only_once_per_case():
    before = [{"event": "slot", "name": "risk_level", "value": None},
              {"event": "slot", "name": "risk_level", "value": "high"},
              {"event": "slot", "name": "report_state", "value": "offered"}]
    messages, events = await run(ActionOfferReport(), make_tracker(slots=HIGH_CASE, events=before))
    assert messages == [] and events == [FollowupAction("utter_anything_else")]
    new_case = [*before, {"event": "slot", "name": "risk_level", "value": None}]
    messages, _ = await run(ActionOfferReport(), make_tracker(slots=HIGH_CASE, events=new_case))
    assert len(messages) == 1


async def test_consent_and_identifiers_file_a_report_with_a_reference(store):
    _, _, draft = await offered_draft(HIGH_CASE)
    answer = "their number is 138 0013 8000, my own number is 13912345678, link www.jd-jr.top/pay"
    tracker = make_tracker(text=answer, intent="inform",
                           slots={**HIGH_CASE, "report_draft": draft, "report_identifiers": answer})
    messages, events = await run(ActionFileReport(), tracker)
    (row,) = store.reports()
    assert f"Reference number: {row['reference']}" in messages[0]["text"]
    assert "2 of the scammer's" in messages[0]["text"]
    assert SlotSet("report_reference", row["reference"]) in events
    assert SlotSet("report_draft", None) in events and SlotSet("report_identifiers", None) in events
    kept = (row["platform"], row["money_lost"], row["contact_channel"])
    assert kept == ("jd_finance", "1k-5k", "phone_call")
    assert sorted(i["value"] for i in store.identifiers()) == ["13800138000", "jd-jr.top"]


async def test_seeded_phone_card_and_id_numbers_never_reach_the_database(store):
    seeded = {"phone": "13912345678", "card": "6222021234567890123", "id": "110101199003071234"}
    story = (f"我叫王小明，我的手机是{seeded['phone']}，我的银行卡{seeded['card']}，身份证{seeded['id']}。"
             "京东金融客服说卡号填错了，要交解冻费。")
    slots = {**HIGH_CASE, "language": "zh", "offer_story": story,
             "claimed_identity": f"我叫王小明 {seeded['phone']}", "extra_details": story}
    _, _, draft = await offered_draft(slots)
    answer = (f"我的手机{seeded['phone']}，我的卡号{seeded['card']}，身份证号{seeded['id']}，"
              "骗子的电话是13800138000")
    tracker = make_tracker(text=answer, slots={**slots, "report_draft": draft, "report_identifiers": answer})
    await run(ActionFileReport(), tracker)
    dump = "\n".join(sqlite3.connect(store.url.removeprefix("sqlite:///")).iterdump())
    assert "13800138000" in dump
    for value in [*seeded.values(), "王小明"]:
        assert value not in dump


async def test_skipping_the_identifiers_still_files_the_report(store):
    _, _, draft = await offered_draft(HIGH_CASE)
    tracker = make_tracker(text="/dont_know", intent="dont_know",
                           slots={**HIGH_CASE, "report_draft": draft, "report_identifiers": "/dont_know"})
    messages, _ = await run(ActionFileReport(), tracker)
    assert len(store.reports()) == 1 and store.identifiers() == []
    assert "none of the scammer's numbers" in messages[0]["text"]


async def test_stop_instead_of_identifiers_stores_nothing(store):
    _, _, draft = await offered_draft(HIGH_CASE)
    tracker = make_tracker(text="stop, don't report", intent="stop",
                           slots={**HIGH_CASE, "report_draft": draft, "report_identifiers": "13800138000"})
    messages, events = await run(ActionFileReport(), tracker)
    assert store.reports() == [] and "nothing about this case was stored" in messages[0]["text"]
    assert SlotSet("report_state", "declined") in events


async def test_a_broken_store_gets_a_kind_answer_not_a_crash(monkeypatch):
    monkeypatch.setenv("REPORTS_DB_URL", "mysql://nowhere")
    reports.get_store.cache_clear()
    _, _, draft = await offered_draft(HIGH_CASE)
    tracker = make_tracker(text="skip", slots={**HIGH_CASE, "report_draft": draft})
    messages, _ = await run(ActionFileReport(), tracker)
    assert "couldn't save the report" in messages[0]["text"]
    messages, _ = await run(ActionLookupReports(), make_tracker(text="check 13800138000"))
    assert "can't look that up right now" in messages[0]["text"]
    reports.get_store.cache_clear()


async def test_lookup_counts_reports_and_never_says_safe(store):
    case = reports.CaseFacts(risk_level="high", patterns=["wrong_card_frozen"])
    for _ in range(2):
        reports.file_report(case, reports.extract_identifiers("13800138000"), store=store)
    tracker = make_tracker(text="check 138 0013 8000 and jd-jr.top", intent="lookup_identifier")
    messages, _ = await run(ActionLookupReports(), tracker)
    text = messages[0]["text"]
    assert "13800138000: reported 2 time(s)" in text
    assert "Wrong card number, loan frozen" in text
    assert "jd-jr.top: no reports yet." in text
    assert "No reports does NOT mean it is safe" in text


async def test_lookup_in_chinese_and_without_a_value(store):
    messages, _ = await run(ActionLookupReports(),
                            make_tracker(text="查一下13800138000", slots={"language": "zh"}))
    assert "13800138000：还没有人举报过。" in messages[0]["text"]
    assert "没有举报记录并不代表安全" in messages[0]["text"]
    messages, _ = await run(ActionLookupReports(), make_tracker(text="can you check a number"))
    assert "Send me the phone number" in messages[0]["text"]
