from actions.action_give_advice import ActionGiveAdvice
from scamcheck.advice import advice_steps
from tests.action_server.conftest import entity, make_tracker

ACTION = ActionGiveAdvice()


def numbered(steps):
    return [f"{n}. {s.text}" for n, s in enumerate(steps, start=1)]


async def test_money_sent_puts_urgent_steps_first_for_china_by_default(dispatcher, domain):
    tracker = make_tracker("no", intent="deny", slots={"stages": ["paid"]})
    assert await ACTION.run(dispatcher, tracker, domain) == []
    text = dispatcher.messages[0]["text"]
    steps = advice_steps(["paid"], "cn", "en")
    assert text.split("\n")[0] == "🚨 You've sent money, so act now, in this order:"
    assert text.split("\n\n")[0].split("\n")[1:] == numbered(steps)
    assert "110" in steps[0].text
    assert text.endswith(
        "Not in mainland China? Tell me where you are (for example the US, the UK or Singapore) "
        "and I'll give you the right contacts."
    )


async def test_nothing_paid_gets_the_calm_heading(dispatcher, domain):
    tracker = make_tracker("no", intent="deny", slots={"stages": ["not_paid"], "region": "cn"})
    await ACTION.run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith("✅ Good that you haven't paid. Here's what to do:\n1. ")
    assert "Not in mainland China?" not in text


async def test_screen_shared_says_secure_your_accounts(dispatcher, domain):
    tracker = make_tracker("no", slots={"stages": ["shared_screen"], "language": "zh"})
    await ACTION.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("🔒 你共享过屏幕")


async def test_region_named_in_the_message_gets_that_regions_steps(dispatcher, domain):
    tracker = make_tracker(
        "I'm in the UK", entities=[entity("region", "uk", 10)],
        slots={"stages": ["paid"], "region": "uk"},
    )
    await ACTION.run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Thanks, I'll give you the contacts for where you are.\n\n")
    assert numbered(advice_steps(["paid"], "uk", "en"))[0] in text
    assert "110" not in text


async def test_no_check_yet_means_the_not_paid_advice(dispatcher, domain):
    await ACTION.run(dispatcher, make_tracker("hi", intent="inform"), domain)
    assert dispatcher.messages[0]["text"].startswith("✅ Good that you haven't paid.")


async def test_advice_already_given_for_the_same_stages_is_not_repeated(dispatcher, domain):
    before = [{"event": "slot", "name": "stages", "value": ["paid"]}]
    tracker = make_tracker("3000", intent="inform", events=before, slots={"stages": ["paid"]})
    assert await ACTION.run(dispatcher, tracker, domain) == []
    assert dispatcher.messages[0]["text"] == "The steps I gave you above still apply."


async def test_a_new_stage_gets_the_full_advice_again(dispatcher, domain):
    before = [{"event": "slot", "name": "stages", "value": ["not_paid"]}]
    tracker = make_tracker("actually I paid", intent="correct_answer", events=before,
                           slots={"stages": ["paid"]})
    await ACTION.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("🚨 You've sent money")
