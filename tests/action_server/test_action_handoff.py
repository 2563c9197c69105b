from actions.action_handoff import ActionHandoff
from scamcheck.advice import hotlines
from tests.action_server.conftest import make_tracker

ACTION = ActionHandoff()


async def test_handoff_lists_the_official_channels_for_china_by_default(dispatcher, domain):
    tracker = make_tracker("I want to talk to a real person", intent="human_handoff")
    assert await ACTION.run(dispatcher, tracker, domain) == []
    text = dispatcher.messages[0]["text"]
    assert text.startswith(
        "I'm a computer program, so I can't put you through to a person, but these people can help:"
    )
    for channel in hotlines("cn", "en"):
        assert channel["name"] in text
    assert "110" in text


async def test_handoff_after_paying_says_call_the_police_first(dispatcher, domain):
    tracker = make_tracker("找真人", intent="human_handoff",
                           slots={"stages": ["paid"], "language": "zh", "region": "uk"})
    await ACTION.run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith("如果已经转了钱，请先报警。")
    assert "0300 123 2040" in text
