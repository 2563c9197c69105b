from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_check_offer import ActionCheckOffer
from actions.texts import say
from scamcheck import Facts, check
from tests.action_server.conftest import entity, make_tracker

ACTION = ActionCheckOffer()
STORY_EN = (
    "Someone from JD Finance customer service called. They said my bank card number was wrong "
    "and the loan is frozen, I must pay a 2000 yuan unfreezing fee first. I already paid."
)
STORY_ZH = "自称京东金融客服的人打电话，说我银行卡号填错了，贷款被冻结，要先交2000元解冻费。"


async def test_high_risk_verdict_lists_every_red_flag_and_sets_the_outcome_slots(dispatcher, domain):
    tracker = make_tracker(
        "no", intent="deny",
        slots={"offer_story": STORY_EN, "money_sent": "yes", "claimed_identity": "jd_finance",
               "contact_channel": "phone_call", "requested_actions": ["pay_fee"]},
    )
    events = await ACTION.run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assessment = message["custom"]["assessment"]
    assert events == [
        SlotSet("risk_level", "high"), SlotSet("stages", ["paid"]),
        SlotSet("red_flags", [f["id"] for f in assessment["red_flags"]]),
    ]
    assert assessment["risk"] == "high" and assessment["language"] == "en"
    text = message["text"]
    assert text.startswith("⚠️ High risk: this looks like a scam.\nWarning signs:\n• ")
    for flag in assessment["red_flags"]:
        assert f"• {flag['label']}: {flag['why']}" in text
    assert f"It looks like a known scam: {assessment['patterns'][0]['name']}" in text
    assert "What real lenders do: they never ask you to pay anything before" in text


async def test_verdict_is_in_chinese_for_chinese_users(dispatcher, domain):
    tracker = make_tracker("没有了", intent="deny", slots={"offer_story": STORY_ZH, "language": "zh"})
    events = await ACTION.run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["custom"]["assessment"]["language"] == "zh"
    assert message["text"].startswith("⚠️ 风险很高：这很像是诈骗。\n危险信号：\n• ")
    assert "正规贷款机构是这样做的" in message["text"]
    assert events[0] == SlotSet("risk_level", "high")


async def test_low_risk_is_never_called_safe_and_says_how_to_verify(dispatcher, domain):
    tracker = make_tracker("no", intent="deny", slots={
        "offer_story": "My bank offered me a mortgage in the branch, I signed at the counter.",
        "money_sent": "no",
    })
    events = await ACTION.run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert events[:2] == [SlotSet("risk_level", "low"), SlotSet("stages", ["not_paid"])]
    assert text.startswith("I found no known warning signs in what you told me.")
    assert "That does not prove the offer is safe" in text
    assert "Before you pay or share anything, check for yourself" in text


async def test_the_json_is_exactly_the_checkers_assessment(dispatcher, domain):
    slots = {"offer_story": STORY_EN, "money_sent": "yes", "amount_sent": "2000 yuan"}
    await ACTION.run(dispatcher, make_tracker("no", intent="deny", slots=slots), domain)
    expected = check(STORY_EN, Facts(money_sent=True, amount=2000.0), "en").to_dict()
    assert dispatcher.messages[0]["custom"] == {"assessment": expected}


async def test_correction_after_the_verdict_updates_slots_and_checks_again(dispatcher, domain):
    text = "actually it was 360 IOU not JD, and I did pay them 500"
    tracker = make_tracker(
        text, intent="correct_answer",
        entities=[entity("platform", "360_iou", 16, 23), entity("platform", "jd_finance", 28, 30),
                  entity("amount", "500", 51)],
        slots={"offer_story": STORY_EN, "claimed_identity": "jd_finance", "money_sent": "no",
               "risk_level": "high"},
    )
    events = await ACTION.run(dispatcher, tracker, domain)
    assert events[:3] == [
        SlotSet("claimed_identity", "360_iou"), SlotSet("money_sent", "yes"),
        SlotSet("amount_sent", "500"),
    ]
    assert events[3] == SlotSet("risk_level", "high")
    assert events[4] == SlotSet("stages", ["paid"])
    assert dispatcher.messages[0]["text"].startswith("Updated with what you just told me:\n\n⚠️ High risk")


async def test_empty_story_gets_a_low_verdict_that_says_how_to_verify(dispatcher, domain):
    events = await ACTION.run(dispatcher, make_tracker("yes", intent="affirm"), domain)
    assert events == [SlotSet("risk_level", "low"), SlotSet("stages", ["not_paid"]),
                      SlotSet("red_flags", [])]
    [message] = dispatcher.messages
    assert message["text"] == "\n\n".join(
        [say("verdict_low", "en"), say("verify_official", "en"), say("legit_lenders", "en")])
    assert message["custom"]["assessment"]["risk"] == "low"


async def test_a_recheck_that_changes_nothing_says_so_briefly(dispatcher, domain):
    first = make_tracker("no", intent="deny", slots={"offer_story": STORY_EN})
    events = await ACTION.run(dispatcher, first, domain)
    flags = events[2]["value"]
    again = CollectingDispatcher()
    second = make_tracker("3000", intent="inform", slots={
        "offer_story": STORY_EN + "\n3000", "risk_level": "high", "red_flags": flags,
    })
    await ACTION.run(again, second, domain)
    [message] = again.messages
    assert message["text"] == (
        "Thanks, I've added that. It doesn't change my assessment: "
        "⚠️ High risk: this looks like a scam."
    )
    assert message["custom"]["assessment"]["risk"] == "high"


async def test_a_payment_told_after_the_verdict_updates_it_and_the_stage(dispatcher, domain):
    tracker = make_tracker("I paid them 3000 yesterday", intent="inform", slots={
        "offer_story": STORY_EN + "\nI paid them 3000 yesterday", "risk_level": "high",
        "money_sent": "no", "stages": ["not_paid"], "red_flags": ["upfront_fee"]})
    events = await ACTION.run(dispatcher, tracker, domain)
    values = {e["name"]: e["value"] for e in events}
    assert values["money_sent"] == "yes"
    assert values["stages"][0] == "paid"
    assert dispatcher.messages[0]["text"].startswith("Updated with what you just told me:")
