from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet

from actions.action_resume_case import ActionResumeCase
from actions.action_start_over import ActionStartOver
from actions.texts import say
from tests.action_server.conftest import make_tracker

CASE = {"language": "zh", "language_pinned": True, "offer_story": "骗子", "risk_level": "high"}


async def test_typed_start_over_only_asks_and_keeps_the_case(dispatcher, domain):
    tracker = make_tracker("他让我退出App重新登录", intent="start_over", slots=CASE)
    events = await ActionStartOver().run(dispatcher, tracker, domain)
    assert events == [ActiveLoop(None), SlotSet("pending_confirmation", "start_over")]
    assert dispatcher.messages[0]["text"] == say("confirm_start_over", "zh")
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/start_over", "/deny"]


async def test_the_start_over_button_forgets_the_case_but_keeps_the_language(dispatcher, domain):
    tracker = make_tracker("/start_over", intent="start_over", slots=CASE)
    assert await ActionStartOver().run(dispatcher, tracker, domain) == [
        ActiveLoop(None), AllSlotsReset(), SlotSet("language", "zh"), SlotSet("language_pinned", True),
    ]
    assert dispatcher.messages[0]["text"] == say("started_over", "zh")


async def test_yes_to_the_confirmation_forgets_the_case(dispatcher, domain):
    tracker = make_tracker("是的", intent="affirm", slots={**CASE, "pending_confirmation": "start_over"})
    events = await ActionStartOver().run(dispatcher, tracker, domain)
    assert AllSlotsReset() in events


async def test_no_to_the_confirmation_goes_back_to_the_open_question(dispatcher, domain):
    tracker = make_tracker("不", intent="deny", slots={
        **CASE, "pending_confirmation": "start_over", "requested_slot": "money_sent"})
    events = await ActionResumeCase().run(dispatcher, tracker, domain)
    assert events == [SlotSet("pending_confirmation", None), SlotSet("requested_slot", None),
                      {"event": "followup", "timestamp": None, "name": "offer_check_form"}]
    assert dispatcher.messages[0]["text"] == say("carry_on", "zh")
