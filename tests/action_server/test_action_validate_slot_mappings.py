from rasa_sdk.events import SlotSet

from actions.action_validate_slot_mappings import MAX_STORY_CHARS, ActionValidateSlotMappings
from tests.action_server.conftest import entity, make_tracker

ACTION = ActionValidateSlotMappings()


async def extract_language(tracker, dispatcher, domain):
    return await ACTION.extract_language(dispatcher, tracker, domain)


async def extract_story(tracker, dispatcher, domain):
    return await ACTION.extract_offer_story(dispatcher, tracker, domain)


async def test_chinese_message_switches_the_reply_language_to_chinese(dispatcher, domain):
    tracker = make_tracker("京东金融客服说我的贷款被冻结了", slots={"language": "en"})
    assert await extract_language(tracker, dispatcher, domain) == {"language": "zh"}


async def test_mixed_message_counts_as_chinese(dispatcher, domain):
    tracker = make_tracker("JD金融客服说我的loan被冻结了")
    assert await extract_language(tracker, dispatcher, domain) == {"language": "zh"}


async def test_english_message_after_chinese_switches_back(dispatcher, domain):
    tracker = make_tracker("they said my card number was wrong", slots={"language": "zh"})
    assert await extract_language(tracker, dispatcher, domain) == {"language": "en"}


async def test_a_single_latin_word_in_a_chinese_conversation_keeps_chinese(dispatcher, domain):
    for text in ("ok", "QQ", "JD"):
        tracker = make_tracker(text, slots={"language": "zh"})
        assert await extract_language(tracker, dispatcher, domain) == {}, text


async def test_emoji_and_buttons_keep_the_current_language(dispatcher, domain):
    for text in ("👍👍", "12345", '/inform{"contact_channel": "sms"}'):
        tracker = make_tracker(text, slots={"language": "zh"})
        assert await extract_language(tracker, dispatcher, domain) == {}


async def test_explicit_request_sets_and_pins_the_language(dispatcher, domain):
    tracker = make_tracker(
        "English please", intent="request_language", entities=[entity("language", "en")],
        slots={"language": "zh"},
    )
    assert await extract_language(tracker, dispatcher, domain) == {
        "language": "en", "language_pinned": True,
    }


async def test_pinned_language_is_kept_when_the_user_writes_the_other_one(dispatcher, domain):
    tracker = make_tracker("我还想问一下", slots={"language": "en", "language_pinned": True})
    assert await extract_language(tracker, dispatcher, domain) == {}


async def test_description_starts_the_story(dispatcher, domain):
    tracker = make_tracker("They called about a loan", intent="describe_offer")
    assert await extract_story(tracker, dispatcher, domain) == {
        "offer_story": "They called about a loan",
    }


async def test_answers_during_the_interview_are_appended(dispatcher, domain):
    tracker = make_tracker(
        "a man called Mr Li", intent="nlu_fallback", active_loop="offer_check_form",
        slots={"offer_story": "They called about a loan"},
    )
    assert await extract_story(tracker, dispatcher, domain) == {
        "offer_story": "They called about a loan\na man called Mr Li",
    }


async def test_questions_small_talk_and_buttons_stay_out_of_the_story(dispatcher, domain):
    cases = [
        ("can a lender charge a fee first?", "faq"),
        ("are you a bot", "bot_challenge"),
        ('/inform{"contact_channel": "sms"}', "inform"),
        ("I don't know", "dont_know"),
    ]
    for text, intent in cases:
        tracker = make_tracker(
            text, intent=intent, active_loop="offer_check_form", slots={"offer_story": "x"}
        )
        assert await extract_story(tracker, dispatcher, domain) == {}, text


async def test_the_same_message_is_not_appended_twice(dispatcher, domain):
    # Rasa runs slot extraction again when the form activates on this message.
    tracker = make_tracker("they want a fee", intent="describe_offer",
                           slots={"offer_story": "they want a fee"})
    assert await extract_story(tracker, dispatcher, domain) == {}


async def test_the_story_stops_growing_at_its_limit(dispatcher, domain):
    long_story = "x" * MAX_STORY_CHARS
    tracker = make_tracker("more", intent="inform", slots={"offer_story": long_story})
    assert await extract_story(tracker, dispatcher, domain) == {}
    huge = make_tracker("y" * 10_000, intent="describe_offer")
    assert len((await extract_story(huge, dispatcher, domain))["offer_story"]) == MAX_STORY_CHARS


async def test_a_new_fact_after_the_verdict_joins_the_same_case(dispatcher, domain):
    tracker = make_tracker("I paid them yesterday", intent="describe_offer",
                           slots={"offer_story": "old story", "risk_level": "high"})
    values = {e["name"]: e["value"] for e in await ACTION.run(dispatcher, tracker, domain)}
    assert values["offer_story"] == "old story\nI paid them yesterday"
    assert "risk_level" not in values


async def test_check_another_offer_button_after_a_verdict_starts_a_new_case(dispatcher, domain):
    tracker = make_tracker(
        "/describe_offer", intent="describe_offer",
        slots={"offer_story": "old story", "risk_level": "high", "claimed_identity": "jd_finance",
               "money_sent": "yes", "stages": ["paid"], "interview_asks": {"money_sent": 1}},
    )
    values = {e["name"]: e["value"] for e in await ACTION.run(dispatcher, tracker, domain)}
    for slot in ("offer_story", "claimed_identity", "money_sent", "risk_level", "stages",
                 "interview_asks"):
        assert values[slot] is None


async def test_generic_replies_and_pure_questions_stay_out_of_the_story(dispatcher, domain):
    for text, intent in (("no", "deny"), ("what is an unfreezing fee?", "faq"), ("嗯", "affirm")):
        tracker = make_tracker(text, intent=intent, slots={"offer_story": "story", "risk_level": "low"})
        values = {e["name"]: e["value"] for e in await ACTION.run(dispatcher, tracker, domain)}
        assert "offer_story" not in values, text


async def test_a_denial_with_facts_joins_the_story(dispatcher, domain):
    text = "no, she never asked me for money or for any code"
    tracker = make_tracker(text, intent="deny", slots={"offer_story": "a friend lent me money"},
                           active_loop="offer_check_form")
    values = {e["name"]: e["value"] for e in await ACTION.run(dispatcher, tracker, domain)}
    assert values["offer_story"].endswith(text)


async def test_run_returns_language_and_story_events(dispatcher, domain):
    tracker = make_tracker("有人让我先交保证金", intent="describe_offer")
    events = await ACTION.run(dispatcher, tracker, domain)
    assert SlotSet("language", "zh") in events
    assert SlotSet("offer_story", "有人让我先交保证金") in events
    assert dispatcher.messages == []
