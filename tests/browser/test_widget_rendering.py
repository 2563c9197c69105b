"""How the widget draws what the bot sends, against a scripted socket.io server (no Rasa).

The payloads have the shapes the real bot sends: the verdict is one event with the message text
and ``custom.assessment`` (channels/socketio.py joins them), advice may carry ``advice_steps``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest

from tests.browser.chat_page import ChatPage
from tests.browser.fake_rasa import FakeRasa
from tooling.ports import free_port
from webchat.server import make_server

pytestmark = pytest.mark.browser

WHY = "Real lenders take their fees from the loan or charge them after approval."
VERDICT = {
    "text": (
        "⚠️ High risk: this looks like a scam.\nWarning signs:\n"
        f"• A fee before the loan is paid out: {WHY}\n\n"
        "It looks like a known scam: Fake loan with fees paid up front.\n\n"
        "What real lenders do: they never ask you to pay anything before the loan is paid out."
    ),
    "custom": {
        "assessment": {
            "risk": "high", "score": 88, "language": "en", "advice": ["not_paid_stop"],
            "red_flags": [{"id": "upfront_fee", "label": "A fee before the loan is paid out",
                           "evidence": ["<b>unfreezing fee</b>"], "why": WHY}],
            "patterns": [{"id": "upfront_fee_loan", "name": "Fake loan with fees paid up front"}],
        },
        "advice_steps": [{
            "id": "report_uk",
            "text": "Call 159 to reach your bank's fraud team, then report to Report Fraud "
                    "(reportfraud.police.uk or 0300 123 2040).",
            "phones": ["159", "0300 123 2040"], "sources": [],
        }],
    },
}
LOW = {
    "text": "I found no known warning signs in what you told me. That does not prove the offer "
            "is safe, because scammers keep changing their scripts.",
    "custom": {"assessment": {"risk": "low", "score": 5, "language": "en", "red_flags": [],
                              "patterns": [], "advice": []}},
}
STEP_REPORT = "Report it to Report Fraud (reportfraud.police.uk or 0300 123 2040)."
STEP_TEXTS = "Forward scam texts free to 7726."
ADVICE = {
    "text": "✅ Good that you haven't paid. Here's what to do:\n"
            f"1. {STEP_REPORT}\n2. {STEP_TEXTS}\n\n"
            "Not in the UK? Tell me where you are.",
    "custom": {"advice_steps": [
        {"id": "report", "text": STEP_REPORT, "phones": ["0300 123 2040"], "sources": []},
        {"id": "texts", "text": STEP_TEXTS, "phones": ["7726"], "sources": []},
    ]},
}
ZH_VERDICT = {
    "text": "⚠️ 风险很高：这很像是诈骗。\n危险信号：\n• 放款前收费：正规贷款机构不会在放款前收取任何费用。",
    "custom": {"assessment": {
        "risk": "high", "score": 90, "language": "zh", "patterns": [], "advice": [],
        "red_flags": [{"id": "upfront_fee", "label": "放款前收费", "evidence": ["解冻费"],
                       "why": "正规贷款机构不会在放款前收取任何费用。"}],
    }},
}


@pytest.fixture(scope="module")
def fake_rasa() -> Iterator[FakeRasa]:
    server = FakeRasa(free_port()).start()
    server.script.update({
        "verdict please": [VERDICT],
        "low please": [LOW],
        "advice please": [ADVICE],
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
    chat.say("verdict please")

    card = chat.cards.last
    assert "sg-risk-high" in (card.get_attribute("class") or "")
    assert "High risk" in card.get_by_role("heading").first.inner_text()
    assert "Score 88 out of 100" in card.inner_text()
    assert card.locator(".sg-flag-label").inner_text() == "A fee before the loan is paid out"
    assert card.locator(".sg-flag-why").inner_text() == WHY
    assert chat.log.inner_text().count(WHY) == 1, "the why is shown once, not in text and card"
    assert "What real lenders do" in card.inner_text()
    assert "It looks like a known scam: Fake loan" in card.inner_text()
    assert "Warning signs:" not in card.inner_text(), "the text's own list heading is dropped"


def test_the_users_words_quoted_in_the_card_are_text(chat: ChatPage) -> None:
    chat.say("verdict please")

    evidence = chat.cards.last.locator(".sg-evidence")
    assert "<b>unfreezing fee</b>" in evidence.inner_text()
    assert evidence.locator("b").count() == 0


def test_hotlines_in_advice_steps_are_tap_to_call_links(chat: ChatPage) -> None:
    chat.say("verdict please")

    links = chat.cards.last.locator("a[href^='tel:']")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "tel:159", "tel:03001232040",
    ]
    assert links.first.get_attribute("aria-label") == "Call 159"
    assert chat.cards.last.locator("a:not([href^='tel:'])").count() == 0, "no web links"


def test_advice_steps_become_a_card_with_every_hotline_callable(chat: ChatPage) -> None:
    chat.say("advice please")

    card = chat.cards.last
    assert "sg-advice" in (card.get_attribute("class") or "")
    assert card.get_by_role("heading").first.inner_text() == "What to do now"
    assert card.locator(".sg-lead").inner_text() == "✅ Good that you haven't paid. Here's what to do:"
    assert card.locator(".sg-steps li").all_inner_texts() == [STEP_REPORT, STEP_TEXTS]
    assert chat.log.inner_text().count(STEP_TEXTS) == 1
    hrefs = card.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["tel:03001232040", "tel:7726"]
    assert "Not in the UK? Tell me where you are." in card.inner_text()


def test_only_numbers_after_call_become_links_in_plain_text(chat: ChatPage) -> None:
    chat.say("amounts please")

    links = chat.bot_messages.last.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "tel:110"


def test_low_risk_is_never_called_safe(chat: ChatPage) -> None:
    chat.say("low please")

    card = chat.cards.last
    badge = card.locator(".sg-badge").inner_text()
    assert "No known warning signs" in badge
    assert "safe" not in badge.lower()
    assert "sg-risk-low" in (card.get_attribute("class") or "")
    assert "does not prove the offer is safe" in card.inner_text()


def test_a_chinese_verdict_switches_the_interface_to_chinese(chat: ChatPage) -> None:
    chat.say("中文结果")

    card = chat.cards.last
    assert "高风险" in card.locator(".sg-badge").inner_text()
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
