"""How the widget draws what the bot sends, against a scripted socket.io server (no Rasa).

Every scripted reply is what the real actions send: ``action_check_offer`` and
``action_give_advice`` run on inline trackers, and each message travels as channels/socketio.py
emits it (text and ``custom`` JSON together in one event).
"""

from __future__ import annotations

import asyncio
import copy
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions.action_check_offer import ActionCheckOffer
from actions.action_give_advice import ActionGiveAdvice
from actions.texts import say
from scamcheck.advice import advice_steps
from tests.action_server.conftest import make_tracker
from tests.browser.chat_page import ChatPage
from tests.browser.fake_rasa import FakeRasa
from tooling.ports import free_port
from webchat.server import make_server

pytestmark = pytest.mark.browser

STORY_EN = ("Someone from JD Finance customer service called. They said my bank card number was "
            "wrong and the loan is frozen, I must pay a 2000 yuan unfreezing fee first.")
STORY_ZH = "自称京东金融客服的人打电话，说我银行卡号填错了，贷款被冻结，要先交2000元解冻费。"
STORY_LOW = "My bank offered me a mortgage in the branch, I signed at the counter."


def sent_by(action: Action, **slots: Any) -> dict[str, Any]:
    """The one message ``action`` sends for a tracker with ``slots``, as the socket.io event."""
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, make_tracker("no", intent="deny", slots=slots), {}))
    [message] = dispatcher.messages
    return {key: message[key] for key in ("text", "custom") if message.get(key)}


VERDICT = sent_by(ActionCheckOffer(), offer_story=STORY_EN, money_sent="no")
ZH_VERDICT = sent_by(ActionCheckOffer(), offer_story=STORY_ZH, money_sent="no", language="zh")
LOW = sent_by(ActionCheckOffer(), offer_story=STORY_LOW, money_sent="no")
ADVICE_UK_PAID = sent_by(ActionGiveAdvice(), stages=["paid"], region="uk")
ADVICE_CN = sent_by(ActionGiveAdvice(), stages=["not_paid"])
HOSTILE_EVIDENCE = copy.deepcopy(VERDICT)
HOSTILE_EVIDENCE["custom"]["assessment"]["red_flags"][0]["evidence"] = ["<b>unfreezing fee</b>"]


def sourced_phones(stages: list[str], region: str) -> set[str]:
    """The phone numbers the knowledge base lists for the advice steps of ``stages``."""
    return {phone for step in advice_steps(stages, region, "en") for phone in step.phones}


@pytest.fixture(scope="module")
def fake_rasa() -> Iterator[FakeRasa]:
    server = FakeRasa(free_port()).start()
    server.script.update({
        "verdict please": [VERDICT],
        "hostile evidence please": [HOSTILE_EVIDENCE],
        "low please": [LOW],
        "uk advice please": [ADVICE_UK_PAID],
        "advice please": [ADVICE_CN],
        "中文结果": [ZH_VERDICT],
        "html please": [{"text": 'Look: <img src=x onerror="window.pwned=1"> <b>bold</b>'}],
        "amounts please": [{"text": "You paid 5000 yuan on 2024-05-01. Call 110 now."}],
    })
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web_url(fake_rasa: FakeRasa) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, fake_rasa.url)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def chat(new_page, web_url: str, fake_rasa: FakeRasa) -> ChatPage:
    fake_rasa.received.clear()
    page, _ = new_page()
    opened = ChatPage(page, web_url).open()
    opened.wait_for_greeting()
    return opened


def test_a_new_conversation_is_opened_in_the_pages_language(
    chat: ChatPage, fake_rasa: FakeRasa
) -> None:
    kinds = [kind for kind, _ in fake_rasa.received]
    assert kinds[:2] == ["session_request", "start_conversation"]
    assert fake_rasa.received[1][1] == {"language": "en"}
    session_id = fake_rasa.received[0][1]["session_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", session_id)


def test_the_verdict_card_shows_risk_flags_advice_and_the_rest_of_the_text(
    chat: ChatPage,
) -> None:
    assessment = VERDICT["custom"]["assessment"]
    assert assessment["risk"] == "high"
    chat.say("verdict please")

    card = chat.cards.last
    assert "sg-risk-high" in (card.get_attribute("class") or "")
    assert "High risk" in card.get_by_role("heading").first.inner_text()
    assert f"Score {assessment['score']} out of 100" in card.inner_text()
    flags = assessment["red_flags"]
    assert card.locator(".sg-flag-label").all_inner_texts() == [f["label"] for f in flags]
    assert card.locator(".sg-flag-why").all_inner_texts() == [f["why"] for f in flags]
    for flag in flags:
        assert chat.log.inner_text().count(flag["why"]) == 1, "the why is shown once, not in text and card"
    assert say("legit_lenders", "en") in card.inner_text()
    names = say("pattern_separator", "en").join(p["name"] for p in assessment["patterns"])
    assert say("pattern_line", "en", names=names) in card.inner_text()
    assert say("flags_heading", "en") not in card.inner_text(), "the text's own list heading is dropped"


def test_the_users_words_quoted_in_the_card_are_text(chat: ChatPage) -> None:
    chat.say("hostile evidence please")

    evidence = chat.cards.last.locator(".sg-evidence").first
    assert "<b>unfreezing fee</b>" in evidence.inner_text()
    assert evidence.locator("b").count() == 0


def advice_bubbles(chat: ChatPage, heading: str) -> list[str]:
    texts = chat.page.locator(".sg-msg.sg-bot .sg-text").all_inner_texts()
    first = max(i for i, text in enumerate(texts) if text.startswith(heading))
    return texts[first:]


def test_advice_shows_every_step_in_order_and_the_region_hint_on_its_own(chat: ChatPage) -> None:
    chat.say("advice please")

    steps = advice_steps(["not_paid"], "cn", "en")
    heading = say("advice_heading_not_paid", "en")
    assert advice_bubbles(chat, heading) == [
        "\n".join([heading] + [f"{n}. {step.text}" for n, step in enumerate(steps, 1)]),
        say("region_hint", "en"),
    ]
    assert chat.cards.count() == 0, "advice is plain text: the bot sends no advice card"


def test_the_anti_fraud_line_in_the_advice_is_tap_to_call(chat: ChatPage) -> None:
    chat.say("advice please")

    bubble = chat.page.locator(".sg-msg.sg-bot", has_text=say("advice_heading_not_paid", "en")).last
    links = bubble.locator("a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["tel:96110"]
    assert links.first.get_attribute("aria-label") == "Call 96110"
    assert "96110" in sourced_phones(["not_paid"], "cn")


def test_hotlines_after_call_in_uk_advice_are_links_and_web_addresses_are_not(chat: ChatPage) -> None:
    chat.say("uk advice please")

    bubble = chat.page.locator(".sg-msg.sg-bot", has_text=say("advice_heading_paid", "en")).last
    hrefs = bubble.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "tel:159" in hrefs
    assert all(href.startswith("tel:") for href in hrefs), "no web links, even to official sites"
    linked = {re.sub(r"\D", "", href) for href in hrefs}
    assert linked <= {re.sub(r"\D", "", phone) for phone in sourced_phones(["paid"], "uk")}


@pytest.mark.xfail(strict=True, reason="the advice message carries step ids, not the steps' phone "
                   "numbers, so only numbers right after 'call' become links")
def test_every_hotline_the_uk_advice_lists_is_tap_to_call(chat: ChatPage) -> None:
    chat.say("uk advice please")

    bubble = chat.page.locator(".sg-msg.sg-bot", has_text=say("advice_heading_paid", "en")).last
    hrefs = bubble.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    wanted = {"tel:" + re.sub(r"\D", "", phone) for phone in sourced_phones(["paid"], "uk")}
    assert wanted <= set(hrefs)


def test_only_numbers_after_call_become_links_in_plain_text(chat: ChatPage) -> None:
    chat.say("amounts please")

    links = chat.bot_messages.last.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "tel:110"


def test_low_risk_is_never_called_safe(chat: ChatPage) -> None:
    assert LOW["custom"]["assessment"]["risk"] == "low"
    chat.say("low please")

    card = chat.cards.last
    badge = card.locator(".sg-badge").inner_text()
    assert "No known warning signs" in badge
    assert "safe" not in badge.lower()
    assert "sg-risk-low" in (card.get_attribute("class") or "")
    assert say("verdict_low", "en") in card.inner_text()
    assert say("verify_official", "en") in card.inner_text()


def test_a_chinese_verdict_switches_the_interface_to_chinese(chat: ChatPage) -> None:
    assert ZH_VERDICT["custom"]["assessment"]["language"] == "zh"
    chat.say("中文结果")

    card = chat.cards.last
    assert "高风险" in card.locator(".sg-badge").inner_text()
    assert say("legit_lenders", "zh") in card.inner_text()
    assert chat.page.locator(".sg-msg").last.get_attribute("lang") == "zh-Hans"
    assert chat.page.get_by_role("button", name="发送").is_visible()


def test_html_from_the_bot_is_shown_as_text(chat: ChatPage) -> None:
    chat.say("html please")

    bubble = chat.bot_messages.last
    assert '<img src=x onerror="window.pwned=1">' in bubble.inner_text()
    assert bubble.locator("img, b").count() == 0
    assert chat.page.evaluate("window.pwned") is None


def test_the_language_switch_changes_labels_and_tells_the_bot(
    chat: ChatPage, fake_rasa: FakeRasa
) -> None:
    before = chat.bot_count()
    chat.language_button("中文").click()

    assert chat.page.get_by_role("button", name="发送").is_visible()
    chat.wait_for_turn(before)
    sent = [data for kind, data in fake_rasa.received if kind == "set_language"]
    assert sent and sent[-1]["language"] == "zh"


def test_a_quick_reply_sends_its_payload_and_shows_its_title(
    chat: ChatPage, fake_rasa: FakeRasa
) -> None:
    chat.click_reply(chat.quick_replies.first)

    sent = [data for kind, data in fake_rasa.received if kind == "user_uttered"]
    assert sent[-1]["message"] == "/describe_offer"
    assert sent[-1]["metadata"] == {"language": "en"}
    assert "Someone offered me a loan" in chat.user_messages.last.inner_text()
    assert chat.quick_replies.count() == 0, "answered buttons go away"


def test_a_dropped_connection_is_announced_and_the_chat_reconnects(new_page) -> None:
    port = free_port()
    first = FakeRasa(port).start()
    httpd = make_server("127.0.0.1", 0, first.url)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    second = None
    try:
        page, _ = new_page()
        chat = ChatPage(page, f"http://127.0.0.1:{httpd.server_address[1]}").open()
        chat.wait_for_greeting()
        session_id = chat.saved_state()["sessionId"]
        banner = page.locator(".sg-connection")

        first.stop()
        banner.filter(has_text="Connection lost").wait_for(timeout=15_000)
        chat.input.fill("Are you still there?")
        chat.input.press("Enter")
        assert "not sent" in page.locator(".sg-notice").inner_text()
        assert chat.input.input_value() == "Are you still there?"

        second = FakeRasa(port).start()
        banner.filter(has_text="Connected again").wait_for(timeout=30_000)
        before = chat.bot_count()
        page.get_by_role("button", name="Send").click()
        chat.wait_for_turn(before)

        assert second.received[0] == ("session_request", {"session_id": session_id})
        assert ("start_conversation" not in [kind for kind, _ in second.received]), \
            "a reconnected conversation is not greeted again"
        assert "Are you still there?" in chat.user_messages.last.inner_text()
    finally:
        if second is not None:
            second.stop()
        httpd.shutdown()
        httpd.server_close()
