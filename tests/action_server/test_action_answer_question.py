from actions.action_answer_question import ActionAnswerQuestion
from actions.texts import say
from tests.action_server.conftest import make_tracker

ACTION = ActionAnswerQuestion()


def confident(tracker, topic, confidence=0.9):
    tracker.latest_message["response_selector"] = {"faq": {"response": {
        "confidence": confidence, "intent_response_key": f"faq/{topic}"}}}
    return tracker


async def test_a_confident_question_gets_its_answer(dispatcher, domain):
    tracker = confident(make_tracker("what is brushing the flow?", intent="faq"), "brushing_flow")
    assert await ACTION.run(dispatcher, tracker, domain) == []
    assert dispatcher.messages[0]["response"] == "utter_faq/brushing_flow"


async def test_should_i_pay_after_paying_says_stop_and_call_the_police(dispatcher, domain):
    tracker = confident(make_tracker("should I just pay them so it stops?", intent="faq", slots={
        "money_sent": "yes", "risk_level": "high"}), "should_i_pay")
    await ACTION.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == say("should_pay_paid", "en")


async def test_a_story_taken_for_a_question_starts_the_interview(dispatcher, domain):
    tracker = confident(make_tracker("my bank app offered me a loan at 4 percent", intent="faq"),
                        "loan_app_extortion")
    events = await ACTION.run(dispatcher, tracker, domain)
    assert events == [{"event": "followup", "timestamp": None, "name": "offer_check_form"}]
    assert dispatcher.messages == []


async def test_a_story_turn_after_the_verdict_updates_it(dispatcher, domain):
    tracker = make_tracker("they now threaten to call my boss", intent="faq",
                           slots={"risk_level": "high", "offer_story": "loan app"})
    events = await ACTION.run(dispatcher, tracker, domain)
    assert events == [{"event": "followup", "timestamp": None, "name": "action_check_offer"}]


async def test_an_unclear_question_gets_a_request_to_rephrase(dispatcher, domain):
    tracker = confident(make_tracker("what about the thing?", intent="faq"), "brushing_flow", 0.3)
    await ACTION.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_default"
