import pytest
from rasa_sdk.events import SlotSet

from actions.validate_offer_check_form import ValidateOfferCheckForm
from tests.action_server.conftest import FORM_SLOTS, entity, make_tracker

FORM = ValidateOfferCheckForm()
INTRO_EN = (
    "Thanks for telling me. I'll ask a few quick questions so I can check this properly. "
    "Say \"skip\" to any question you can't or don't want to answer, or \"stop\" at any time."
)


def texts(dispatcher):
    return [m["text"] for m in dispatcher.messages]


# --- which questions are asked ----------------------------------------------------------------
@pytest.mark.parametrize(("money_sent", "asks_amount"), [("yes", True), ("no", False),
                                                         ("unknown", False), (None, False)])
async def test_amount_is_asked_only_when_money_was_sent(money_sent, asks_amount, dispatcher, domain):
    tracker = make_tracker(slots={"money_sent": money_sent})
    slots = await FORM.required_slots(FORM_SLOTS, dispatcher, tracker, domain)
    assert ("amount_sent" in slots) is asks_amount


async def test_first_message_facts_are_not_asked_again_and_the_interview_is_introduced(
    dispatcher, domain
):
    text = "JD Finance called me and said I must pay an unfreezing fee"
    tracker = make_tracker(
        text, intent="describe_offer",
        entities=[entity("platform", "jd_finance", 0, 10), entity("fee_type", "unfreezing_fee", 40, 54)],
        new_slots={"claimed_identity": "jd_finance", "fee_types": ["unfreezing_fee"]},
    )
    events = await FORM.run(dispatcher, tracker, {**domain, "slots": domain["slots"]})
    assert SlotSet("claimed_identity", "jd_finance") in events
    assert SlotSet("requested_actions", ["pay_fee"]) in events
    assert events[-1] == SlotSet("requested_slot", "contact_channel")
    assert texts(dispatcher) == [INTRO_EN]


async def test_introduction_also_when_only_the_last_question_is_left(dispatcher, domain):
    tracker = make_tracker(
        "JD Finance called, I must pay an unfreezing fee, I already paid 2000 yuan",
        intent="describe_offer",
        entities=[entity("platform", "jd_finance", 0, 10), entity("contact_channel", "phone_call", 11, 17),
                  entity("fee_type", "unfreezing_fee", 33, 47), entity("amount", "2000 yuan", 64)],
        new_slots={"claimed_identity": "jd_finance", "contact_channel": "phone_call",
                   "fee_types": ["unfreezing_fee"]},
    )
    events = await FORM.run(dispatcher, tracker, domain)
    assert SlotSet("money_sent", "yes") in events
    assert SlotSet("amount_sent", "2000 yuan") in events
    assert texts(dispatcher) == [INTRO_EN]


async def test_no_introduction_when_the_first_message_answers_everything(dispatcher, domain):
    tracker = make_tracker(
        "no", intent="deny",
        slots={"contact_channel": "sms", "claimed_identity": "bank", "requested_actions": ["sms_code"],
               "money_sent": "no"},
        new_slots={"extra_details": "none"},
    )
    await FORM.run(dispatcher, tracker, domain)
    assert dispatcher.messages == []


async def test_no_introduction_once_the_interview_is_running(dispatcher, domain):
    tracker = make_tracker(
        "a phone call", entities=[entity("contact_channel", "phone_call", 2, 12)],
        active_loop="offer_check_form",
        slots={"requested_slot": "contact_channel"},
        new_slots={"contact_channel": "phone_call"},
    )
    events = await FORM.run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("contact_channel", "phone_call"), SlotSet("requested_slot", "claimed_identity"),
    ]
    assert dispatcher.messages == []


async def test_everything_known_ends_the_interview(dispatcher, domain):
    filled = {"contact_channel": "sms", "claimed_identity": "bank", "requested_actions": ["sms_code"],
              "money_sent": "no"}
    tracker = make_tracker(
        "no that's all", intent="deny", active_loop="offer_check_form",
        slots={**filled, "requested_slot": "extra_details"}, new_slots={"extra_details": "none"},
    )
    events = await FORM.run(dispatcher, tracker, domain)
    assert events == [SlotSet("extra_details", "none"), SlotSet("requested_slot", None)]


# --- money sent ------------------------------------------------------------------------------
async def test_already_paid_in_any_message_fills_money_sent_and_amount(dispatcher, domain):
    tracker = make_tracker("I already paid 2000 yuan for the deposit", intent="describe_offer")
    found = await FORM.extract_money_sent(dispatcher, tracker, domain)
    assert found == {"money_sent": "yes", "amount_sent": "2000 yuan"}


async def test_not_paid_in_chinese_fills_money_sent_no(dispatcher, domain):
    tracker = make_tracker("他们让我交解冻费，我还没转钱", intent="describe_offer")
    assert await FORM.extract_money_sent(dispatcher, tracker, domain) == {"money_sent": "no"}


async def test_a_cue_does_not_override_an_earlier_answer_unless_correcting(dispatcher, domain):
    tracker = make_tracker("I haven't paid the new fee", slots={"money_sent": "yes"})
    assert await FORM.extract_money_sent(dispatcher, tracker, domain) == {}
    correcting = make_tracker("actually I haven't paid", intent="correct_answer",
                              slots={"money_sent": "yes"})
    assert await FORM.extract_money_sent(dispatcher, correcting, domain) == {"money_sent": "no"}


async def test_yes_with_an_amount_fills_the_amount_too(dispatcher, domain):
    tracker = make_tracker(
        "yes 3000", intent="affirm", entities=[entity("amount", "3000", 4)],
        active_loop="offer_check_form",
        slots={"requested_slot": "money_sent"}, new_slots={"money_sent": "yes"},
    )
    assert await FORM.extract_amount_sent(dispatcher, tracker, domain) == {"amount_sent": "3000"}


@pytest.mark.parametrize("value", ["yes", "no", "unknown"])
def test_money_sent_accepts_yes_no_and_unknown(value, dispatcher, domain):
    assert FORM.validate_money_sent(value, dispatcher, make_tracker(), domain) == {"money_sent": value}


def test_money_sent_rejects_anything_else(dispatcher, domain):
    assert FORM.validate_money_sent("maybe", dispatcher, make_tracker(), domain) == {"money_sent": None}


# --- answers -----------------------------------------------------------------------------------
def test_dont_know_is_accepted_and_the_interview_moves_on(dispatcher, domain):
    tracker = make_tracker("no idea", intent="dont_know")
    assert FORM.validate_contact_channel("unknown", dispatcher, tracker, domain) == {
        "contact_channel": "unknown"
    }


def test_an_answer_in_own_words_is_kept(dispatcher, domain):
    tracker = make_tracker("some man from a loan company", intent="nlu_fallback")
    result = FORM.validate_claimed_identity("some man from a loan company", dispatcher, tracker, domain)
    assert result == {"claimed_identity": "some man from a loan company"}


def test_an_answer_about_something_else_leaves_the_question_open(dispatcher, domain):
    tracker = make_tracker("I'm in the UK", entities=[entity("region", "uk", 9)])
    assert FORM.validate_contact_channel("I'm in the UK", dispatcher, tracker, domain) == {
        "contact_channel": None
    }
    assert texts(dispatcher) == ["Thanks, I'll give you the contacts for where you are."]


def test_saying_you_paid_is_not_an_answer_to_who_they_were(dispatcher, domain):
    tracker = make_tracker("I already paid them 3000")
    assert FORM.validate_claimed_identity("I already paid them 3000", dispatcher, tracker, domain) == {
        "claimed_identity": None
    }


def test_requested_actions_accumulate_and_a_fee_means_pay_fee(dispatcher, domain):
    before = [{"event": "slot", "name": "requested_actions", "value": ["screen_share"]}]
    tracker = make_tracker(
        "they also wanted a deposit", entities=[entity("fee_type", "deposit", 20)], events=before,
        slots={"requested_actions": ["other"]},
    )
    result = FORM.validate_requested_actions(["they also wanted a deposit"], dispatcher, tracker, domain)
    assert result == {"requested_actions": ["screen_share", "pay_fee"]}


def test_requested_actions_in_own_words_become_other(dispatcher, domain):
    tracker = make_tracker("something weird with a website")
    result = FORM.validate_requested_actions(["something weird with a website"], dispatcher, tracker, domain)
    assert result == {"requested_actions": ["other"]}


def test_amount_answer_keeps_the_number_as_written(dispatcher, domain):
    tracker = make_tracker("about 2,000 yuan I think")
    assert FORM.validate_amount_sent("about 2,000 yuan I think", dispatcher, tracker, domain) == {
        "amount_sent": "2,000 yuan"
    }


# --- corrections -------------------------------------------------------------------------------
def test_correction_changes_the_slot_and_says_so(dispatcher, domain):
    text = "actually it was 360 IOU not JD"
    tracker = make_tracker(
        text, intent="correct_answer",
        entities=[entity("platform", "360_iou", 16, 23), entity("platform", "jd_finance", 28, 30)],
        events=[{"event": "slot", "name": "claimed_identity", "value": "jd_finance"}],
    )
    # Rasa's from_entity mapping takes the last value (JD): the validator picks the right one.
    result = FORM.validate_claimed_identity("jd_finance", dispatcher, tracker, domain)
    assert result == {"claimed_identity": "360_iou"}
    assert texts(dispatcher) == ["Got it, I've changed that to 360 IOU."]


def test_correction_note_is_in_chinese_for_chinese_users(dispatcher, domain):
    tracker = make_tracker(
        "不对，是短信不是电话", intent="correct_answer",
        entities=[entity("contact_channel", "sms", 4, 6), entity("contact_channel", "phone_call", 8, 10)],
        slots={"language": "zh"},
        events=[{"event": "slot", "name": "contact_channel", "value": "phone_call"}],
    )
    assert FORM.validate_contact_channel("phone_call", dispatcher, tracker, domain) == {
        "contact_channel": "sms"
    }
    assert texts(dispatcher) == ["好的，已经改成短信了。"]
