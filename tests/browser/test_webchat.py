"""The web chat in a real browser, talking to the real Rasa and action servers.

Run: `make browser-tests` (or `.venv/bin/python -m pytest -m browser tests/browser`).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.request import urlopen

import pytest

from actions.texts import say
from scamcheck.advice import STAGES
from scamcheck.knowledge import load_knowledge
from tests.browser.chat_page import PHONE, SCREENSHOTS, ChatPage, user_events
from tooling.stack import Stack

pytestmark = pytest.mark.browser

EN_STORY = (
    "Someone called me saying they are from JD Finance customer service. They said my loan "
    "is approved but I must first pay a 500 yuan unfreezing fee and share my screen with "
    "them. I have not paid anything yet."
)
ZH_STORY = (
    "有人打电话说是京东金融的客服，说我的贷款已经批下来了，但要先交500元解冻费，"
    "还让我共享屏幕。我还没有付钱。"
)
DONT_KNOW = {"en": "I don't know", "zh": "不知道"}
RISK_WORDS = {
    "en": ("High risk", "Medium risk", "No known warning signs"),
    "zh": ("高风险", "中等风险", "未发现已知警示信号"),
}
CJK = re.compile(r"[\u4e00-\u9fff]")

# Worst text contrast in the widget: WCAG AA needs 4.5:1 (3:1 for large text).
CONTRAST_SCRIPT = """
() => {
  const root = document.querySelector('#scamguard-chat').shadowRoot;
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const lum = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (el) => {
    for (let n = el; n; n = n.parentNode || n.host) {
      if (n.nodeType !== 1) continue;
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const results = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (!text || !el || !el.checkVisibility({visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;   // visually hidden labels
    const style = getComputedStyle(el);
    const fg = parse(style.color), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const ratio = (hi + 0.05) / (lo + 0.05);
    results.push({text: text.slice(0, 40), ratio: ratio, needed: large ? 3 : 4.5});
  }
  return results;
}
"""


def local_hosts(stack: Stack) -> set[str]:
    ports = stack.config.ports
    return {f"127.0.0.1:{ports.web}", f"127.0.0.1:{ports.rasa}"}


def open_chat(new_page, stack: Stack, viewport: dict[str, int] | None = None, path: str = "/"):
    page, requests = new_page(viewport)
    chat = ChatPage(page, stack.urls.web).open(path)
    chat.wait_for_greeting()
    return chat, requests


def screenshot(chat: ChatPage, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    chat.screenshot(str(path))
    return path


def assert_verdict_card(chat: ChatPage, language: str) -> None:
    card = chat.cards.last
    card.scroll_into_view_if_needed()
    heading = card.get_by_role("heading").first.inner_text()
    assert any(word in heading for word in RISK_WORDS[language]), heading
    assert card.get_attribute("class") and re.search(r"sg-risk-(high|medium|low)",
                                                      card.get_attribute("class") or "")
    flags = card.locator(".sg-flags li")
    assert flags.count() >= 1, "a scam story this clear must show at least one warning sign"
    assert flags.locator(".sg-flag-why").first.inner_text().strip()
    if language == "zh":
        assert CJK.search(card.inner_text())
    else:
        assert not CJK.search(card.inner_text())


def sourced_hotlines() -> set[str]:
    """Every phone number an advice step of the knowledge base lists (each one has a source)."""
    return {phone for step in load_knowledge().advice for phone in step.get("phones", [])}


def assert_advice_after_the_card_with_tap_to_call_hotlines(chat: ChatPage, language: str) -> None:
    """action_give_advice follows the verdict: a heading, numbered steps, hotlines as tel: links."""
    headings = [say(f"advice_heading_{stage}", language) for stage in STAGES]
    after_card = chat.page.locator(".sg-msg:has(.sg-card) ~ .sg-msg.sg-bot .sg-text")
    advice = [after_card.nth(i) for i in range(after_card.count())
              if after_card.nth(i).inner_text().startswith(tuple(headings))]
    assert advice, f"no advice after the verdict card: {chat.transcript()}"
    steps = advice[-1]
    assert re.search(r"^1\. .+\n2\. ", steps.inner_text(), re.M), steps.inner_text()
    links = steps.locator("a.sg-tel")
    assert links.count() >= 1, f"no tap-to-call hotline in the advice: {steps.inner_text()}"
    for i in range(links.count()):
        link = links.nth(i)
        number = link.inner_text()
        assert number in sourced_hotlines(), number
        assert link.get_attribute("href") == "tel:" + re.sub(r"[^\d+]", "", number)
        assert number in (link.get_attribute("aria-label") or "")


def test_english_conversation_from_greeting_to_verdict_card(new_page, stack: Stack) -> None:
    chat, requests = open_chat(new_page, stack)
    assert chat.bot_messages.first.get_attribute("lang") == "en"

    chat.converse_until_verdict(EN_STORY, DONT_KNOW["en"])
    screenshot(chat, "desktop-en-verdict")  # as the user sees it: their message, then the card

    assert_verdict_card(chat, "en")
    assert_advice_after_the_card_with_tap_to_call_hotlines(chat, "en")
    assert chat.page.get_by_role("button", name="Send").is_visible()
    chat.page.set_viewport_size(PHONE)
    chat.cards.last.scroll_into_view_if_needed()
    screenshot(chat, "phone-en-verdict")
    assert requests.foreign(local_hosts(stack)) == []


def test_chinese_conversation_from_greeting_to_verdict_card(new_page, stack: Stack) -> None:
    chat, requests = open_chat(new_page, stack)
    before = chat.bot_count()
    chat.language_button("中文").click()
    chat.wait_for_turn(before)
    assert chat.page.get_by_role("textbox", name="输入你的消息").is_visible()
    assert CJK.search(chat.bot_messages.last.inner_text())

    chat.converse_until_verdict(ZH_STORY, DONT_KNOW["zh"])
    screenshot(chat, "desktop-zh-verdict")

    assert_verdict_card(chat, "zh")
    assert_advice_after_the_card_with_tap_to_call_hotlines(chat, "zh")
    chat.page.set_viewport_size(PHONE)
    chat.cards.last.scroll_into_view_if_needed()
    screenshot(chat, "phone-zh-verdict")
    assert requests.foreign(local_hosts(stack)) == []


def test_the_interface_follows_a_user_who_writes_chinese(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    assert chat.page.get_by_role("button", name="Send").is_visible()

    chat.say(ZH_STORY)

    assert CJK.search(chat.bot_messages.last.inner_text())
    assert chat.page.get_by_role("button", name="发送").is_visible()
    assert chat.language_button("中文").get_attribute("aria-pressed") == "true"


def test_reload_keeps_the_conversation(new_page, stack: Stack, tracker_db: Path) -> None:
    chat, _ = open_chat(new_page, stack)
    chat.say("Someone on WeChat offered me a loan")
    session_id = chat.saved_state()["sessionId"]
    transcript = chat.transcript()

    chat.page.reload()
    chat.log.wait_for()

    assert chat.transcript() == transcript
    assert chat.saved_state()["sessionId"] == session_id
    chat.say("They asked me for a deposit first")
    conversation = [text for sender, text in user_events(tracker_db) if sender == session_id]
    assert "Someone on WeChat offered me a loan" in conversation
    assert "They asked me for a deposit first" in conversation


def test_start_over_forgets_the_conversation_on_this_device(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    chat.say("A man on the phone promised me a loan")
    old_id = chat.saved_state()["sessionId"]

    chat.page.once("dialog", lambda dialog: dialog.accept())
    before = 0
    chat.page.get_by_role("button", name="Start over").click()
    chat.wait_for_turn(before)  # a fresh greeting

    assert chat.user_messages.count() == 0
    assert chat.saved_state()["sessionId"] != old_id
    assert "A man on the phone promised me a loan" not in " ".join(chat.transcript())


def test_an_idle_conversation_is_forgotten_after_an_hour(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    chat.say("A man on the phone promised me a loan")
    old_id = chat.saved_state()["sessionId"]
    chat.page.evaluate("""() => {
        const state = JSON.parse(localStorage.getItem('scamguard.v1'));
        state.savedAt -= 61 * 60 * 1000;
        localStorage.setItem('scamguard.v1', JSON.stringify(state));
    }""")

    chat.page.reload()
    chat.wait_for_greeting()

    assert chat.user_messages.count() == 0
    assert chat.saved_state()["sessionId"] != old_id


def test_session_id_is_long_random_and_not_shared_between_browsers(
    new_page, stack: Stack
) -> None:
    first, _ = open_chat(new_page, stack)
    second, _ = open_chat(new_page, stack)

    ids = [first.saved_state()["sessionId"], second.saved_state()["sessionId"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert ids[0] != ids[1]


def test_quick_reply_buttons_work_with_the_keyboard(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    buttons = chat.quick_replies
    assert buttons.count() >= 1, "the greeting should offer buttons to start"
    title = buttons.first.inner_text().strip()

    buttons.first.focus()
    before = chat.bot_count()
    chat.page.keyboard.press("Enter")
    chat.wait_for_turn(before)

    assert chat.user_messages.last.inner_text().strip().endswith(title)
    assert chat.bot_count() > before
    assert chat.page.evaluate("document.querySelector('#scamguard-chat').shadowRoot"
                              ".activeElement.id") == "sg-input"


def test_the_whole_conversation_works_keyboard_only(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    page = chat.page
    for _ in range(12):  # Tab from the top of the page to the message box
        page.keyboard.press("Tab")
        if page.evaluate("document.querySelector('#scamguard-chat').shadowRoot"
                         ".activeElement?.id") == "sg-input":
            break
    else:
        pytest.fail("the message box cannot be reached with Tab")
    before = chat.bot_count()
    page.keyboard.type("Someone texted me a loan offer")
    page.keyboard.press("Enter")
    chat.wait_for_turn(before)

    assert "Someone texted me a loan offer" in chat.user_messages.last.inner_text()


def test_html_in_a_message_is_shown_as_text(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    attack = '<img src=x onerror="window.pwned=1"><b>bold</b><script>window.pwned=2</script>'

    chat.say(attack)

    bubble = chat.user_messages.last
    assert attack in bubble.inner_text()
    assert bubble.locator("img, b, script").count() == 0
    assert chat.page.evaluate("window.pwned") is None


def test_an_over_long_message_gets_a_friendly_notice_and_is_not_sent(
    new_page, stack: Stack
) -> None:
    chat, _ = open_chat(new_page, stack)
    users_before = chat.user_messages.count()

    chat.input.fill("x" * 2001)
    assert "2001 of 2000" in chat.page.locator(".sg-hint").inner_text()
    chat.input.press("Enter")

    notice = chat.page.locator(".sg-notice")
    assert "limit is 2000" in notice.inner_text()
    assert chat.user_messages.count() == users_before
    assert chat.input.input_value() == "x" * 2001, "the text is kept so it can be shortened"


def test_screen_reader_labels(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    page = chat.page

    log = page.get_by_role("log", name="Conversation")
    assert log.get_attribute("aria-live") == "polite"
    assert page.get_by_role("textbox", name="Your message").is_visible()
    assert page.get_by_role("button", name="Send").is_visible()
    assert page.get_by_role("group", name="Language").is_visible()
    assert page.get_by_role("button", name="Larger text").get_attribute("aria-pressed") == "false"
    assert "Assistant said:" in chat.bot_messages.first.inner_text()
    assert page.get_by_role("heading", name="Loan scam check", exact=True).is_visible()


def test_larger_text_control_and_phone_width(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack, PHONE)
    page = chat.page
    font_size = "() => getComputedStyle(document.querySelector('#scamguard-chat')" \
                ".shadowRoot.querySelector('.sg-text')).fontSize"
    normal = float(page.evaluate(font_size).rstrip("px"))

    page.get_by_role("button", name="Larger text").click()
    larger = float(page.evaluate(font_size).rstrip("px"))
    page.reload()
    chat.log.wait_for()
    after_reload = float(page.evaluate(font_size).rstrip("px"))

    assert normal >= 16
    assert larger > normal * 1.15
    assert after_reload == larger
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for target in (page.get_by_role("button", name="Send"), chat.quick_replies.first):
        if target.count():
            box = target.bounding_box()
            assert box and box["height"] >= 44, "touch targets should be at least 44 px high"


def test_text_contrast_meets_wcag_aa(new_page, stack: Stack) -> None:
    chat, _ = open_chat(new_page, stack)
    chat.converse_until_verdict(EN_STORY, DONT_KNOW["en"])
    chat.input.fill("x" * 2001)  # show the counter and the notice too
    chat.input.press("Enter")

    results = chat.page.evaluate(CONTRAST_SCRIPT)

    assert len(results) > 10
    failing = [r for r in results if r["ratio"] < r["needed"]]
    assert failing == []


def test_the_embed_snippet_works_inside_another_site(new_page, stack: Stack) -> None:
    chat, requests = open_chat(new_page, stack, path="/embed-example.html")

    assert chat.page.locator("aside #scamguard-chat").count() == 1
    assert chat.bot_count() >= 1
    assert requests.foreign(local_hosts(stack)) == []


def test_pages_are_served_with_a_strict_content_security_policy(stack: Stack) -> None:
    with urlopen(stack.urls.web + "/") as reply:  # noqa: S310 (local test server)
        policy = reply.headers["Content-Security-Policy"]
        body = reply.read().decode()

    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert f"ws://127.0.0.1:{stack.config.ports.rasa}" in policy
    assert 'data-rasa-url="http://127.0.0.1:' in body
