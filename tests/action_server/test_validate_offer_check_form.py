"""validate_offer_check_form: every turn feeds the case; the next question is chosen here."""

from rasa_sdk.events import SlotSet

from actions.texts import say
from actions.validate_offer_check_form import ValidateOfferCheckForm
from tests.action_server.conftest import entity, make_tracker

FORM = ValidateOfferCheckForm()
ANSWERED = {"contact_channel": "sms", "claimed_identity": "jd_finance", "requested_actions": ["pay_fee"]}


def texts(dispatcher):
    return [m.get("text") for m in dispatcher.messages]


def requested(events):
    return next(e["value"] for e in reversed(events) if e["name"] == "requested_slot")


async def test_first_message_facts_are_not_asked_again_and_the_interview_is_introduced(
    dispatcher, domain
):
    text = "JD Finance texted me about a loan"
    tracker = make_tracker(text, intent="describe_offer", entities=[
        entity("platform", "jd_finance", 0, 10), entity("contact_channel", "sms", 11, 17)],
        slots={"offer_story": text})
    events = await FORM.run(dispatcher, tracker, domain)
    assert SlotSet("claimed_identity", "jd_finance") in events
    assert SlotSet("contact_channel", "sms") in events
    assert requested(events) == "requested_actions"
    assert texts(dispatcher) == [say("check_intro", "en")]


async def test_paid_in_the_first_message_is_never_asked_again(dispatcher, domain):
    text = "I already paid 2000 yuan to someone from 360 IOU for a deposit"
    tracker = make_tracker(text, intent="describe_offer", entities=[
        entity("platform", "360_iou", 41, 48)], slots={"offer_story": text})
    events = await FORM.run(dispatcher, tracker, domain)
    assert SlotSet("money_sent", "yes") in events
    assert SlotSet("amount_sent", "2000 yuan") in events
    assert requested(events) not in ("money_sent", "amount_sent")


async def test_a_high_risk_story_goes_straight_to_the_money_question(dispatcher, domain):
    text = "京东金融客服说我银行卡号填错了，贷款被冻结，要先交解冻费才能放款"
    tracker = make_tracker(text, intent="describe_offer", slots={"offer_story": text, "language": "zh"})
    events = await FORM.run(dispatcher, tracker, domain)
    assert requested(events) == "money_sent"


async def test_no_to_who_they_were_is_unknown_and_the_interview_moves_on(dispatcher, domain):
    tracker = make_tracker("no", intent="deny", slots={
        "requested_slot": "claimed_identity", "contact_channel": "sms", "offer_story": "a loan text",
        "interview_asks": {"contact_channel": 1, "claimed_identity": 1}})
    events = await FORM.run(dispatcher, tracker, domain)
    assert SlotSet("claimed_identity", "unknown") in events
    assert requested(events) == "requested_actions"


async def test_a_second_unclear_reply_moves_on_instead_of_looping(dispatcher, domain):
    tracker = make_tracker("嗯", intent="affirm", slots={
        "requested_slot": "contact_channel", "language": "zh", "offer_story": "有人说能贷款",
        "interview_asks": {"contact_channel": 2}})
    events = await FORM.run(dispatcher, tracker, domain)
    assert SlotSet("contact_channel", "unknown") in events
    assert requested(events) == "claimed_identity"
    assert say("ask_again", "zh") not in texts(dispatcher)


async def test_a_story_turn_that_tells_a_payment_counts_whatever_was_asked(dispatcher, domain):
    text = "前后转了三次，一共两万多"
    tracker = make_tracker(text, intent="inform", slots={
        "requested_slot": "claimed_identity", "language": "zh", "offer_story": text,
        "contact_channel": "phone_call", "interview_asks": {"contact_channel": 1, "claimed_identity": 1}})
    events = await FORM.run(dispatcher, tracker, domain)
    assert SlotSet("money_sent", "yes") in events


async def test_anything_else_no_ends_the_interview(dispatcher, domain):
    tracker = make_tracker("没有了", intent="deny", slots={
        "requested_slot": "extra_details", "language": "zh", "offer_story": "贷款",
        "interview_asks": {"extra_details": 1}})
    events = await FORM.run(dispatcher, tracker, domain)
    assert SlotSet("extra_details", "none") in events
    assert requested(events) is None


async def test_a_real_question_mid_story_gets_its_answer_then_the_question_again(dispatcher, domain):
    tracker = make_tracker("what does unfreezing fee mean?", intent="faq", slots={
        **ANSWERED, "requested_slot": "money_sent", "offer_story": "JD called",
        "interview_asks": {"money_sent": 1}})
    tracker.latest_message["intent"]["confidence"] = 0.95
    tracker.latest_message["response_selector"] = {"faq": {"response": {
        "confidence": 0.9, "intent_response_key": "faq/unfreezing_fee"}}}
    events = await FORM.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_faq/unfreezing_fee"
    assert requested(events) == "money_sent"
    assert SlotSet("fee_types", ["unfreezing_fee"]) not in events


async def test_should_i_pay_is_answered_from_the_case(dispatcher, domain):
    tracker = make_tracker("should I pay again? he wants 3000 more", intent="faq", slots={
        "requested_slot": "extra_details", "offer_story": "paid twice", "money_sent": "yes",
        "interview_asks": {"extra_details": 1}})
    tracker.latest_message["response_selector"] = {"faq": {"response": {
        "confidence": 0.9, "intent_response_key": "faq/should_i_pay"}}}
    await FORM.run(dispatcher, tracker, domain)
    assert texts(dispatcher)[0] == say("should_pay_paid", "en")


async def test_a_story_turn_taken_for_a_question_gets_no_faq_answer(dispatcher, domain):
    text = "they threaten to send edited photos of me to everyone in my phone"
    tracker = make_tracker(text, intent="faq", slots={
        "requested_slot": "requested_actions", "offer_story": text,
        "interview_asks": {"requested_actions": 1}})
    tracker.latest_message["response_selector"] = {"faq": {"response": {
        "confidence": 0.9, "intent_response_key": "faq/loan_app_extortion"}}}
    events = await FORM.run(dispatcher, tracker, domain)
    assert all("response" not in m or not m["response"] for m in dispatcher.messages)
    assert SlotSet("requested_actions", ["other"]) in events


async def test_small_talk_is_answered_and_the_question_asked_again(dispatcher, domain):
    tracker = make_tracker("are you a bot?", intent="bot_challenge", slots={
        **ANSWERED, "requested_slot": "money_sent", "offer_story": "x",
        "interview_asks": {"money_sent": 1}})
    events = await FORM.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_iamabot"
    assert requested(events) == "money_sent"


async def test_stop_goodbye_start_over_and_forget_me_leave_the_interview_to_their_rules(
    dispatcher, domain
):
    for text, intent in (("stop", "stop"), ("bye", "goodbye"), ("start over", "start_over"),
                         ("删除我的记录", "forget_me")):
        tracker = make_tracker(text, intent=intent, slots={
            "requested_slot": "money_sent", "offer_story": "a loan text",
            "interview_asks": {"money_sent": 1}})
        assert await FORM.run(dispatcher, tracker, domain) == []  # Rasa rejects the form
    assert texts(dispatcher) == []  # and nothing is said before the rule answers
