"""What victims say in their own words about what already happened.

People who have paid rarely use the scammer's script; they say "I've paid twice already",
"I already did it three times", "前后转了三次". The principles, over concept hits from the
knowledge base's word classes:

- **A past payment** is a first-person subject (or none, as in a chat reply "paid 500 yesterday")
  followed in the same clause by a past payment verb (``pay_past``) that is not negated, not
  hypothetical (will, should, if, 如果), not a question, not passive ("I got paid") and not a
  payment to the user ("他转了500给我"). Buying (``buy_past``: bought, sent, 买了) counts when
  its object is money or gift cards; "did it" (``did_it``) counts when a count follows
  ("I already did it three times").
- **Repeated payments** are a past payment with a count of times in the same sentence
  (``count_times``: twice, 3 times, 三次, 又).

Each yields a hit of the concepts ``money_already_sent`` and ``repeat_payment``, which red flags
use like any other concept.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .scope import SENTENCE_END_EN, SENTENCE_END_ZH, clause_left_zh, clause_tokens_en

PAID, REPEATED = "money_already_sent", "repeat_payment"
VERBS = ("pay_past", "buy_past", "did_it")
OBJECTS = ("money_amount", "gift_card")

PRONOUNS_EN = {"i", "we", "he", "she", "they", "you", "it", "someone", "somebody", "u"}
FIRST_PERSON_EN = {"i", "we"}
# Words that may stand before a subject-less past payment ("already paid twice").
FILLERS_EN = {"already", "also", "just", "then", "finally", "yesterday", "today", "and", "so",
              "even", "actually", "basically", "ok", "okay", "yes", "yeah", "yep", "have", "'ve",
              "had", "'d", "since", "last", "week", "night", "earlier", "before", "again", "well",
              "um", "uh", "honestly", "stupidly", "foolishly", "sadly", "unfortunately"}
HYPOTHETICAL_EN = {"will", "would", "should", "shall", "can", "could", "may", "might", "must",
                   "if", "whether", "gonna", "wanna", "going", "'ll", "unless"}
PASSIVE_EN = {"be", "been", "being", "is", "was", "were", "are", "get", "got", "gets", "getting"}
OBJECT_REACH_EN, COUNT_REACH_EN = 7, 8  # tokens

THIRD_PARTY_ZH = ("他们", "她们", "对方", "骗子", "客服", "平台", "公司", "银行", "他", "她")
ADVERBS_ZH = ("已经", "前后", "先后", "陆续", "一共", "总共", "分别", "刚刚", "又", "也", "已",
              "就", "都", "先", "再", "还", "刚", "共")
HYPOTHETICAL_ZH = ("如果", "要是", "假如", "万一", "是否", "要不要", "该不该", "需不需要", "会不会",
                   "能不能", "打算", "准备", "想要")
TO_ME_ZH = ("给我", "到我", "打给我", "转给我", "退给我", "还给我")
OBJECT_REACH_ZH, COUNT_REACH_ZH = 10, 12  # characters


@dataclass(frozen=True)
class Words:
    """An English token view of the text: lower-cased words and their start offsets."""

    words: Sequence[str]
    starts: Sequence[int]

    def index(self, char: int) -> int:
        """The token that contains character offset ``char``."""
        return max(0, bisect_right(self.starts, char) - 1)

    def sentence_end(self, i: int) -> int:
        """Index of the token that ends ``i``'s sentence (or the last token)."""
        for j in range(i, len(self.words)):
            if self.words[j] in SENTENCE_END_EN:
                return j
        return len(self.words) - 1


def read_story(text: str, hits: Sequence, words: Words | None) -> list:
    """``hits`` plus those of ``money_already_sent`` and ``repeat_payment`` found by the principles.

    ``hits`` are the concept hits of ``text`` (``matcher.Hit``); ``words`` is its English token
    view (None when the text has no Latin letters). Knowledge-base phrases for a past payment
    that stand in a question or a condition ("如果我转了钱会怎样") are dropped.
    """
    from .matcher import Hit  # local import: matcher imports this module

    by_concept: dict[str, list] = {}
    for hit in hits:
        by_concept.setdefault(hit.concept, []).append(hit)
    out = [h for h in hits if h.concept != PAID or _plausible(text, h, words)]
    out += [Hit(PAID, h.start, h.end, h.text, False) for h in by_concept.get(REPEATED, [])
            if not h.negated and _plausible(text, h, words)]
    for concept in VERBS:
        for verb in by_concept.get(concept, []):
            if verb.negated:
                continue
            if _is_cjk(verb.text):
                paid = _paid_zh(text, verb, by_concept)
                repeated = paid and _near_zh(text, verb, by_concept.get("count_times", []),
                                             COUNT_REACH_ZH)
            elif words is not None:
                paid = _paid_en(words, verb, by_concept)
                repeated = paid and _count_near_en(words, verb, by_concept.get("count_times", []))
            else:
                continue
            if paid:
                out.append(Hit(PAID, verb.start, verb.end, verb.text, False))
            if repeated:
                out.append(Hit(REPEATED, verb.start, verb.end, verb.text, False))
    return out


def _plausible(text: str, hit, words: Words | None) -> bool:  # noqa: ANN001 - Hit
    """A knowledge-base phrase for a past payment ("我转了") that is not a question or an 'if'."""
    if _is_cjk(hit.text):
        sentence_end = next((i for i in range(hit.end, len(text)) if text[i] in SENTENCE_END_ZH),
                            len(text))
        if "吗" in text[hit.end:sentence_end][:12] or text[sentence_end:sentence_end + 1] in ("？", "?"):
            return False
        return not any(w in clause_left_zh(text, hit.start) for w in HYPOTHETICAL_ZH)
    if words is None:
        return True
    first = words.index(hit.start)
    if words.words[words.sentence_end(first)] == "?":
        return False
    left = [words.words[i] for i in clause_tokens_en(words.words, first)]
    return not any(w in HYPOTHETICAL_EN for w in left)


def _is_cjk(word: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in word)


def _paid_en(words: Words, verb, by_concept: dict[str, list]) -> bool:  # noqa: ANN001 - Hit
    first = words.index(verb.start)
    last = words.index(max(verb.start, verb.end - 1))
    end = words.sentence_end(last)
    if words.words[end] == "?":
        return False
    left = [words.words[i] for i in clause_tokens_en(words.words, first)]
    if any(w in HYPOTHETICAL_EN for w in left) or (left and left[0] in PASSIVE_EN):
        return False
    subject = next((w for w in left if w in PRONOUNS_EN), None)
    if subject is None and any(w not in FILLERS_EN for w in left):
        return False
    if subject is not None and subject not in FIRST_PERSON_EN:
        return False
    if verb.concept == "buy_past":
        objects = [h for c in OBJECTS for h in by_concept.get(c, [])]
        return any(last < words.index(h.start) <= min(end, last + OBJECT_REACH_EN) for h in objects)
    if verb.concept == "did_it":
        return _count_near_en(words, verb, by_concept.get("count_times", []), after_only=True)
    return True


def _count_near_en(words: Words, verb, counts: list, after_only: bool = False) -> bool:  # noqa: ANN001
    first, last = words.index(verb.start), words.index(max(verb.start, verb.end - 1))
    end = words.sentence_end(last)
    low = first if after_only else max(0, first - 3)
    for count in counts:
        if count.negated:
            continue
        i = words.index(count.start)
        if low <= i <= min(end, last + COUNT_REACH_EN) and not (first <= i <= last):
            if all(words.words[k] not in SENTENCE_END_EN for k in range(min(i, first), max(i, last))):
                return True
    return False


def _paid_zh(text: str, verb, by_concept: dict[str, list]) -> bool:  # noqa: ANN001 - Hit
    sentence_end = next((i for i in range(verb.end, len(text)) if text[i] in SENTENCE_END_ZH),
                        len(text))
    right = text[verb.end:sentence_end]
    clause_right = right.split("，")[0].split(",")[0]
    if "吗" in right[:12] or (sentence_end < len(text) and text[sentence_end] in "？?"):
        return False
    if any(w in clause_right[:10] for w in TO_ME_ZH):
        return False
    left = clause_left_zh(text, verb.start)
    if any(w in left for w in HYPOTHETICAL_ZH):
        return False
    tail = left
    stripped = True
    while stripped:
        stripped = False
        for adverb in ADVERBS_ZH:
            if tail.endswith(adverb):
                tail, stripped = tail[: -len(adverb)], True
    if tail.endswith(THIRD_PARTY_ZH):
        return False
    if verb.concept == "buy_past":
        objects = [h for c in OBJECTS for h in by_concept.get(c, [])]
        return any(0 <= h.start - verb.end <= OBJECT_REACH_ZH for h in objects)
    if verb.concept == "did_it":
        return _near_zh(text, verb, by_concept.get("count_times", []), COUNT_REACH_ZH)
    return True


def _near_zh(text: str, verb, counts: list, reach: int) -> bool:  # noqa: ANN001 - Hit
    for count in counts:
        if count.negated or not _is_cjk(count.text) and not count.text[:1].isdigit():
            continue
        lo, hi = sorted((count.start, verb.start))
        if abs(count.start - verb.start) <= reach and not any(
            ch in SENTENCE_END_ZH for ch in text[lo:hi]
        ):
            return True
    return False
