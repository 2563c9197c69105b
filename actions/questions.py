"""Questions people ask in the middle of their story, and the ``Turn`` read from a tracker.

A message gets an FAQ answer only when it really is a question on that topic: the NLU model is
confident of the intent and of the answer, and the message asks something. "Should I pay?" is
answered from the case (no, and what to do instead), never by an unrelated FAQ entry.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from . import names
from .interview import FAQ_MIN_CONFIDENCE, Turn
from .texts import say

SHOULD_I_PAY = "utter_faq/should_i_pay"
_ASKS = re.compile(
    r"[?？]|\b(what|how|why|when|where|who|which|is|are|can|could|should|do|does|must|will)\b"
    r"|什么|怎么|为什么|是不是|是否|吗|呢|么|请问|能不能|可不可以|要不要|该不该|会不会",
    re.IGNORECASE,
)


def confident_faq(latest_message: dict[str, Any]) -> str | None:
    """``utter_faq/<topic>`` when the message is a confident question on that topic, else None."""
    intent = latest_message.get("intent") or {}
    if intent.get("name") != "faq" or (intent.get("confidence") or 0) < FAQ_MIN_CONFIDENCE:
        return None
    response = ((latest_message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    if (response.get("confidence") or 0) < FAQ_MIN_CONFIDENCE:
        return None
    text = latest_message.get("text") or ""
    if not _ASKS.search(text):
        return None  # a story turn the model took for a question
    key = response.get("intent_response_key")
    return f"utter_{key}" if key else response.get("utter_action")


def turn_from(tracker: Tracker, asked: str | None) -> Turn:
    """The latest user message as an interview ``Turn``."""
    latest = tracker.latest_message or {}
    return Turn(
        text=latest.get("text") or "",
        intent=(latest.get("intent") or {}).get("name"),
        entities=tuple(latest.get("entities") or ()),
        asked=asked,
        faq_response=confident_faq(latest),
    )


def answer_question(dispatcher: CollectingDispatcher, response: str, slots: dict[str, Any],
                    lang: str) -> None:
    """Sends the answer: from the case for "should I pay?", else the FAQ response."""
    if response == SHOULD_I_PAY and slots.get(names.MONEY_SENT) == names.YES:
        dispatcher.utter_message(text=say("should_pay_paid", lang))
    else:
        dispatcher.utter_message(response=response)
