"""The quiz's moving parts shared by its actions: state, typed answers and the messages.

The quiz lives in two slots: ``quiz_active`` (the rules depend on it) and ``quiz_state``
(``{"items": [ids], "position": n, "score": k}``, ``position`` being the open item's index).
Items, explanations and the habit come from the sourced knowledge base
(``scamcheck.awareness``); the wording around them comes from ``texts.yml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from scamcheck import get_checker
from scamcheck.awareness import CHOICES, QuizItem, get_awareness, source_of

from . import names
from .conversation import entity_values, latest_intent, latest_text
from .texts import say

_DIGIT_CHOICES = {"1": "scam", "2": "legit", "3": "unsure"}
# Checked in this order: "not sure" and "not a scam" contain the words of the later ones.
_WORD_CHOICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("unsure", re.compile(
        r"not sure|unsure|don'?t know|dunno|no idea|can'?t tell|不确定|不知道|说不准|拿不准|不清楚"
    )),
    ("legit", re.compile(
        r"not (?:a )?(?:scam|fraud|fake)|legit|legitimate|genuine|real one|it'?s real|it'?s fine|"
        r"it'?s safe|不是诈骗|不是骗|没骗|正规|合法|正常|没问题|是真的"
    )),
    ("scam", re.compile(r"scam|fraud|fake|诈骗|骗局|骗子|骗人|是骗")),
)


@dataclass
class QuizState:
    """Where the user is in the quiz."""

    items: list[str]
    position: int = 0
    score: int = 0

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> QuizState | None:
        """The running quiz, or None when there is none."""
        raw = tracker.get_slot(names.QUIZ_STATE)
        if not tracker.get_slot(names.QUIZ_ACTIVE) or not isinstance(raw, dict):
            return None
        items = [i for i in raw.get("items") or [] if isinstance(i, str)]
        position, score = raw.get("position"), raw.get("score")
        if not items or not isinstance(position, int) or not isinstance(score, int):
            return None
        return cls(items=items, position=min(max(position, 0), len(items) - 1), score=score)

    def as_slot(self) -> dict[str, Any]:
        """The value of ``quiz_state``."""
        return {"items": self.items, "position": self.position, "score": self.score}

    def events(self) -> list[EventType]:
        """Events that keep this quiz running."""
        return [SlotSet(names.QUIZ_ACTIVE, True), SlotSet(names.QUIZ_STATE, self.as_slot())]


def ended() -> list[EventType]:
    """Events that end the quiz."""
    return [SlotSet(names.QUIZ_ACTIVE, False), SlotSet(names.QUIZ_STATE, None)]


def _normalise(text: str) -> str:
    # NFKC turns full-width digits typed with a Chinese IME ("１") into ASCII ones.
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return text.replace("’", "'").strip(" .。!！)）")


def choice_from_text(text: str) -> str | None:
    """The answer in what the user typed ("1", "scam", "不是诈骗", "not sure" ...), if any."""
    answer = _normalise(text)
    if answer in _DIGIT_CHOICES:
        return _DIGIT_CHOICES[answer]
    for title_key, choice in (("quiz_button_scam", "scam"), ("quiz_button_legit", "legit"),
                              ("quiz_button_unsure", "unsure")):
        if answer in (_normalise(say(title_key, lang)) for lang in names.LANGUAGES):
            return choice
    for choice, pattern in _WORD_CHOICES:
        if pattern.search(answer):
            return choice
    return None


def user_choice(tracker: Tracker) -> str | None:
    """The user's answer: a button's entity, the intent "don't know", or the typed words."""
    for value in entity_values(tracker, names.QUIZ_CHOICE):
        if value in CHOICES:
            return value
    if latest_intent(tracker) == "dont_know":
        return "unsure"
    text = latest_text(tracker)
    return None if text.startswith("/") else choice_from_text(text)


def buttons(lang: str) -> list[dict[str, str]]:
    """The three answer buttons; each payload carries the answer as an entity."""
    return [
        {"title": say(f"quiz_button_{choice}", lang),
         "payload": f'/{names.QUIZ_ANSWER}{{"{names.QUIZ_CHOICE}": "{choice}"}}'}
        for choice in CHOICES
    ]


def current_item(state: QuizState) -> QuizItem | None:
    """The open item (None if the bank no longer has it, e.g. after an update)."""
    return get_awareness().item(state.items[state.position])


def send_item(dispatcher: CollectingDispatcher, state: QuizState, item: QuizItem, lang: str) -> None:
    """Shows the open item with the answer buttons and ``custom: {"quiz": {"item", "of"}}``."""
    number, total = state.position + 1, len(state.items)
    dispatcher.utter_message(
        text=say("quiz_item", lang, number=number, total=total, text=item.text[lang]),
        buttons=buttons(lang),
        json_message={"quiz": {"item": number, "of": total}},
    )


@lru_cache(maxsize=1)
def _pattern_names() -> dict[str, dict[str, str]]:
    return {p["id"]: p["name"] for p in get_checker().kb.patterns}


def explanation(item: QuizItem, choice: str, lang: str) -> str:
    """Two or three lines: right or wrong, why, and the known scam (or the source) behind it."""
    outcome = "unsure" if choice == "unsure" else ("right" if item.is_correct(choice) else "wrong")
    lines = [say(f"quiz_{outcome}_{item.answer}", lang), item.explain[lang]]
    name = _pattern_names().get(item.pattern or "", {}).get(lang)
    if name:
        lines.append(say("quiz_known_scam", lang, name=name))
    else:
        lines.append(say("quiz_source", lang, publisher=source_of(item.sources[0])["publisher"]))
    return "\n".join(lines)


def follow_up_buttons(lang: str) -> list[dict[str, str]]:
    """What to do after the quiz: another quiz, a real case, a tip."""
    return [
        {"title": say("quiz_button_again", lang), "payload": f"/{names.START_QUIZ}"},
        {"title": say("quiz_button_story", lang), "payload": f"/{names.ASK_CASE_STORY}"},
        {"title": say("quiz_button_tip", lang), "payload": f"/{names.ASK_TIP}"},
    ]


def send_score(dispatcher: CollectingDispatcher, state: QuizState, lang: str) -> None:
    """The final score and the one habit, with ``custom: {"quiz": {"score", "of"}}``."""
    total = len(state.items)
    key = "quiz_score_all" if state.score == total else "quiz_score"
    text = "\n".join([say(key, lang, score=state.score, total=total), get_awareness().habit[lang]])
    dispatcher.utter_message(
        text=text, buttons=follow_up_buttons(lang),
        json_message={"quiz": {"score": state.score, "of": total}},
    )
