"""The interview as pure functions: one case per conversation, fed by every turn.

``validate_offer_check_form`` (during the interview) and ``action_check_offer`` (after the
verdict) both call :func:`read_turn`, so a fact counts whichever question it answers and
whenever it is told. :func:`plan_turn` then decides what the interview does next:

* facts come from every turn: entities, the user's own payment words (``cues``) and the
  checker's reading of the whole story;
* a generic reply ("no", "嗯", "not yet", "that's all") means what it means for the question
  just asked (``replies``);
* no question is asked more than twice: after a second unclear reply it is recorded as unknown
  (its words stay in the story) and the interview moves on;
* only what is still missing is asked, at most :data:`MAX_QUESTIONS` questions; when the story
  already shows high risk only "has money left?" is asked before the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import names
from .cues import amount_in, corrected_value, money_sent_cue, region_in
from .replies import Reply, generic_reply, is_question_only, says_that_is_all

MAX_QUESTIONS = 6          # questions before the verdict, re-asks included
MAX_ASKS_PER_QUESTION = 2  # then the answer is recorded as unknown
MAX_ANSWER_CHARS = 500
FAQ_MIN_CONFIDENCE = 0.6   # intent and response confidence for answering a question mid-story
UNCLEAR = object()         # a reply that answers nothing for the open question

# The questions, in the order they are asked.
QUESTIONS = names.FORM_SLOTS
OPEN_QUESTIONS = (names.CONTACT_CHANNEL, names.CLAIMED_IDENTITY, names.REQUESTED_ACTIONS)
# What a generic reply means, question by question; missing means "unclear, ask again".
_GENERIC_MEANING: dict[str, dict[Reply, str]] = {
    names.MONEY_SENT: {Reply.YES: names.YES, Reply.NO: names.NO, Reply.DONT_KNOW: names.UNKNOWN},
    names.AMOUNT_SENT: {Reply.NO: names.UNKNOWN, Reply.DONT_KNOW: names.UNKNOWN},
    names.EXTRA_DETAILS: {
        Reply.NO: names.NONE_GIVEN, Reply.DONT_KNOW: names.NONE_GIVEN, Reply.OK: names.NONE_GIVEN,
    },
    **{slot: {Reply.NO: names.UNKNOWN, Reply.DONT_KNOW: names.UNKNOWN} for slot in OPEN_QUESTIONS},
}
# Small talk during the interview: answered (see validate_offer_check_form), then the open
# question is asked again; never taken as an answer.
SMALL_TALK = frozenset({
    "greet", "thanks", "bot_challenge", "human_handoff", "insult", names.REQUEST_LANGUAGE,
})
# Turns that leave the interview through a rule (data/rules): the form must reject them (its
# validation sets nothing), because Rasa runs an active form before any rule.
LEAVING_INTENTS = frozenset({"goodbye", "start_over", "stop", names.FORGET_ME_INTENT})
_COMMAND_INTENTS = SMALL_TALK | LEAVING_INTENTS


@dataclass(frozen=True)
class Turn:
    """One user message, as the interview sees it."""

    text: str
    intent: str | None = None
    entities: tuple[Mapping[str, Any], ...] = ()
    asked: str | None = None         # the question that was open when the user wrote this
    faq_response: str | None = None  # "utter_faq/<topic>" when the message is a confident question

    @property
    def from_button(self) -> bool:
        """Button payloads (``/intent{...}``) are choices, not the user's own words."""
        return self.text.lstrip().startswith("/")

    @property
    def correcting(self) -> bool:
        """The user corrects an earlier answer ("it was 360 IOU, not JD")."""
        return self.intent == names.CORRECT_ANSWER

    def values(self, entity: str) -> list[str]:
        """Values of one entity type, in order."""
        return [str(e["value"]) for e in self.entities
                if e.get("entity") == entity and e.get("value") is not None]


@dataclass
class Plan:
    """What the interview does after one turn."""

    slots: dict[str, Any] = field(default_factory=dict)  # slot updates
    next_question: str | None = None                     # None: the verdict is due
    asks: dict[str, int] = field(default_factory=dict)   # times each question was asked
    faq_response: str | None = None                      # answer this question first
    small_talk: bool = False                             # answer the small talk first
    say: list[str] = field(default_factory=list)         # keys of actions/texts.yml to say


def belongs_to_story(turn: Turn, case_open: bool) -> bool:
    """Whether the words of this turn are part of the story the checker reads.

    Every turn of an open case is, except generic replies, button choices, commands and pure
    questions ("what does unfreezing fee mean?"); outside a case, a description or a fact starts
    one. A story misread as a question still counts, because it says something about the user.
    """
    if not turn.text.strip() or turn.from_button or turn.intent in _COMMAND_INTENTS:
        return False
    if generic_reply(turn.text, turn.intent) is not None or is_question_only(turn.text):
        return False
    return case_open or turn.intent in names.STORY_INTENTS or turn.intent in ("faq", names.NLU_FALLBACK)


def read_turn(turn: Turn, slots: Mapping[str, Any]) -> dict[str, Any]:
    """Facts this turn gives, whatever question it answers, as slot updates.

    A fact already known is only replaced by a correction, except that money sent becomes
    "yes" whenever the user says so (people often say "no" first and tell the truth later).
    """
    found: dict[str, Any] = {}
    if is_question_only(turn.text):
        return found  # "what is an unfreezing fee?" asks; it does not tell
    _single_fact(turn, slots, found, names.CONTACT_CHANNEL, names.CONTACT_CHANNEL,
                 names.CONTACT_CHANNELS)
    _single_fact(turn, slots, found, names.CLAIMED_IDENTITY, names.PLATFORM, names.PLATFORMS)
    fees = [f for f in turn.values(names.FEE_TYPE) if f]
    if fees:
        old = list(slots.get(names.FEE_TYPES) or [])
        merged = list(dict.fromkeys([*old, *fees]))
        if merged != old:
            found[names.FEE_TYPES] = merged
    requests = [r for r in turn.values(names.REQUEST_TYPE) if r in names.REQUEST_TYPES]
    if fees:
        requests.append("pay_fee")
    if requests:
        old = [r for r in (slots.get(names.REQUESTED_ACTIONS) or []) if r in names.REQUEST_TYPES]
        merged = requests if turn.correcting else list(dict.fromkeys([*old, *requests]))
        if merged != list(slots.get(names.REQUESTED_ACTIONS) or []):
            found[names.REQUESTED_ACTIONS] = merged
    regions = [r for r in turn.values(names.REGION_ENTITY) if r in names.REGIONS]
    region = regions[-1] if regions else (None if turn.from_button else region_in(turn.text))
    if region and region != slots.get(names.REGION):
        found[names.REGION] = region  # where the user is: the advice follows it
    if not turn.from_button:
        _money_facts(turn, slots, found)
    return found


def _single_fact(turn: Turn, slots: Mapping[str, Any], found: dict[str, Any], slot: str,
                 entity: str, allowed: tuple[str, ...]) -> None:
    matches = [e for e in turn.entities if e.get("entity") == entity and e.get("value") in allowed]
    if not matches:
        return
    value = corrected_value(turn.text, matches) if turn.correcting else str(matches[0]["value"])
    current = slots.get(slot)
    if value and value != current and (turn.correcting or current not in allowed):
        found[slot] = value


def _money_facts(turn: Turn, slots: Mapping[str, Any], found: dict[str, Any]) -> None:
    answering = turn.asked in (names.MONEY_SENT, names.AMOUNT_SENT)
    cue = money_sent_cue(turn.text, answering_money=turn.asked == names.MONEY_SENT)
    current = slots.get(names.MONEY_SENT)
    if cue == names.YES or (cue == names.NO and (current != names.YES or turn.correcting)):
        if cue != current:
            found[names.MONEY_SENT] = cue
    paid = (found.get(names.MONEY_SENT) or current) == names.YES
    if paid and (cue == names.YES or answering or turn.correcting):
        amount = next(iter(turn.values(names.AMOUNT)), None) or amount_in(turn.text)
        if amount and (turn.correcting or slots.get(names.AMOUNT_SENT) in (None, names.UNKNOWN)):
            found[names.AMOUNT_SENT] = amount[:MAX_ANSWER_CHARS]


def answer_to_open_question(turn: Turn, facts: Mapping[str, Any]) -> Any:
    """The answer this turn gives to the question that was open, or :data:`UNCLEAR`."""
    slot = turn.asked
    if slot is None:
        return UNCLEAR
    if slot in facts:
        return facts[slot]
    reply = generic_reply(turn.text, turn.intent)
    if reply is not None:  # "好的 谢谢" to "anything else?" ends it, whatever the intent
        return _GENERIC_MEANING.get(slot, {}).get(reply, UNCLEAR)
    if turn.intent in _COMMAND_INTENTS:
        return UNCLEAR
    if turn.intent == names.DONT_KNOW and turn.from_button:
        return names.NONE_GIVEN if slot == names.EXTRA_DETAILS else names.UNKNOWN
    if turn.from_button or turn.faq_response or is_question_only(turn.text):
        return UNCLEAR
    own_words = turn.text.strip()[:MAX_ANSWER_CHARS]
    if slot == names.EXTRA_DETAILS:
        return own_words or UNCLEAR
    if slot == names.REQUESTED_ACTIONS:
        return [names.OTHER] if own_words else UNCLEAR
    if slot in (names.CONTACT_CHANNEL, names.CLAIMED_IDENTITY):
        # A short answer in their own words ("some guy on douyin") is the answer; a story turn
        # that tells other facts is not, and the question is asked once more.
        tells_other_facts = any(key in facts for key in QUESTIONS if key != slot)
        return own_words if own_words and not tells_other_facts and len(own_words) <= 80 else UNCLEAR
    if slot == names.AMOUNT_SENT:
        amount = next(iter(turn.values(names.AMOUNT)), None) or amount_in(turn.text)
        return amount or UNCLEAR
    return UNCLEAR


def next_question(slots: Mapping[str, Any], asks: Mapping[str, int], high_risk: bool) -> str | None:
    """The next question still worth asking, or None when the verdict is due."""
    if sum(asks.values()) >= MAX_QUESTIONS:
        return None
    wanted: tuple[str, ...] = (names.MONEY_SENT,) if high_risk else QUESTIONS
    for slot in wanted:
        if slot == names.AMOUNT_SENT and slots.get(names.MONEY_SENT) != names.YES:
            continue
        if slots.get(slot) is None and asks.get(slot, 0) < MAX_ASKS_PER_QUESTION:
            return slot
    return None


@dataclass(frozen=True)
class StoryReading:
    """What the checker reads in the whole story, this turn included."""

    high_risk: bool = False
    paid: bool = False      # the story says money already left


def plan_turn(turn: Turn, slots: Mapping[str, Any], asks: Mapping[str, int],
              story: StoryReading, verdict_given: bool,
              facts: Mapping[str, Any] | None = None) -> Plan:
    """What to record and what to ask after ``turn`` (``slots`` are the case so far).

    ``story`` is the checker's reading of the story including this turn; ``verdict_given``
    says the case already has a verdict, which new facts update without more questions;
    ``facts`` is :func:`read_turn` of this turn when the caller has already read it.
    """
    plan = Plan(asks=dict(asks))
    plan.slots.update(read_turn(turn, slots) if facts is None else facts)
    if story.paid and {**slots, **plan.slots}.get(names.MONEY_SENT) in (None, names.UNKNOWN):
        plan.slots[names.MONEY_SENT] = names.YES
    answer = answer_to_open_question(turn, plan.slots)
    if turn.faq_response and turn.asked:
        plan.faq_response = turn.faq_response
    plan.small_talk = turn.intent in SMALL_TALK and answer is UNCLEAR
    if turn.asked and turn.asked not in plan.slots:
        if answer is not UNCLEAR:
            plan.slots[turn.asked] = answer
        elif plan.asks.get(turn.asked, 0) >= MAX_ASKS_PER_QUESTION:
            plan.slots[turn.asked] = (
                names.NONE_GIVEN if turn.asked == names.EXTRA_DETAILS else names.UNKNOWN
            )
        elif not plan.faq_response and not plan.small_talk:
            plan.say.append("ask_again")
    if turn.asked and says_that_is_all(turn.text) and not slots.get(names.EXTRA_DETAILS):
        plan.slots.setdefault(names.EXTRA_DETAILS, names.NONE_GIVEN)  # "that's all": verdict now
    if names.REGION in plan.slots:
        plan.say.append("region_noted")
    if verdict_given or plan.slots.get(names.EXTRA_DETAILS) or slots.get(names.EXTRA_DETAILS):
        return plan  # the verdict is due (again)
    merged = {**slots, **plan.slots}
    plan.next_question = next_question(merged, plan.asks, story.high_risk)
    if plan.next_question:
        plan.asks[plan.next_question] = plan.asks.get(plan.next_question, 0) + 1
    if plan.next_question != turn.asked and "ask_again" in plan.say:
        plan.say.remove("ask_again")
    return plan
