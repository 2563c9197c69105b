from rasa_sdk.events import AllSlotsReset, SlotSet

from actions.action_start_over import ActionStartOver
from tests.action_server.conftest import make_tracker


async def test_start_over_forgets_the_offer_but_keeps_the_language(dispatcher, domain):
    tracker = make_tracker("重新开始", intent="start_over", slots={
        "language": "zh", "language_pinned": True, "offer_story": "骗子", "risk_level": "high",
    })
    assert await ActionStartOver().run(dispatcher, tracker, domain) == [
        AllSlotsReset(), SlotSet("language", "zh"), SlotSet("language_pinned", True),
    ]
    assert dispatcher.messages == []
