"""What a short, generic reply means, and which words of a turn belong to the story (pure).

People answer questions with "no", "ok", "嗯", "没有了" or "not yet". Such a reply carries no fact
of its own: its meaning depends on the question it answers ("not yet" to "have you sent money?"
is no; "no" to "who did they say they were?" is "I don't know"). This module only says *which*
generic reply a message is; ``actions.interview`` decides what it means for the open question.

The vocabulary here is closed: the handful of ways people say yes, no, ok, "I don't know" and
"that's all" in English and Chinese. Anything longer is a story turn and is read for facts.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from scamcheck.language import to_simplified


class Reply(str, Enum):
    """The kinds of generic reply."""

    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"
    OK = "ok"


_YES = {
    "yes", "yeah", "yea", "yep", "yup", "y", "sure", "correct", "right", "true", "i did", "i have",
    "yes i did", "yes i have", "i think so", "already", "already did", "yes already", "did",
    "是", "是的", "对", "对的", "对啊", "嗯", "嗯嗯", "恩", "有", "有的", "有啊", "是啊", "没错",
    "转了", "付了", "交了", "给了", "已经", "已经转了", "转过", "付过",
}
_NO = {
    "no", "nope", "nah", "n", "not yet", "no not yet", "never", "none", "nothing", "no never",
    "not really", "no i haven't", "i haven't", "haven't", "no i didn't", "i didn't", "didn't",
    "no that's all", "that's all", "thats all", "that is all", "nothing else", "no nothing else",
    "no more", "all good", "that's it", "thats it", "no thanks", "no thank you",
    "没有", "没", "没有了", "没了", "还没", "还没有", "不是", "不", "无", "没转", "没付", "没交",
    "还没转", "还没付", "没有啊", "没呢", "还没呢", "就这些", "就这样", "没别的了", "没有别的",
    "就这些了", "不用了", "否",
}
# "That's all": the user has nothing more to tell, whichever question was open.
_DONE = {
    "no that's all", "that's all", "thats all", "that is all", "nothing else", "no nothing else",
    "no more", "that's it", "thats it", "没有了", "没了", "就这些", "就这样", "没别的了", "没有别的",
    "就这些了", "没有别的了",
}
_DONT_KNOW = {
    "i don't know", "i dont know", "dont know", "don't know", "idk", "dunno", "not sure",
    "i'm not sure", "im not sure", "no idea", "skip", "pass", "unsure", "maybe", "can't remember",
    "cant remember", "i can't remember", "don't remember", "i'd rather not say", "rather not say",
    "不知道", "不清楚", "不确定", "跳过", "不好说", "忘了", "记不清", "记不清了", "不记得", "不记得了",
    "说不清", "不想说", "可能吧", "也许",
}
_OK = {
    "ok", "okay", "k", "kk", "fine", "alright", "hmm", "hm", "uh", "um", "i see", "got it", "oh",
    "ah", "so", "well", "好", "好的", "行", "知道了", "哦", "噢", "啊", "额", "呃", "嗯哼", "好吧",
}
_KINDS = ((Reply.DONT_KNOW, _DONT_KNOW), (Reply.NO, _NO), (Reply.YES, _YES), (Reply.OK, _OK))
_NOT_WORD = re.compile(r"[^\w\s']+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, Simplified Chinese, no punctuation or emoji, single spaces, no repeats."""
    text = unicodedata.normalize("NFKC", text or "").replace("’", "'").lower()
    text = _NOT_WORD.sub(" ", to_simplified(text))
    text = _SPACES.sub(" ", text).strip()
    return re.sub(r"(.)\1{2,}", r"\1\1", text)  # "nooooo" -> "noo", "嗯嗯嗯" -> "嗯嗯"


def generic_reply(text: str, intent: str | None = None) -> Reply | None:
    """Which generic reply ``text`` is, or None when it says more than that.

    The intent (affirm, deny, dont_know) only decides for very short messages; "no, they called
    me on WeChat" is a story turn, not a "no".
    """
    if not text or text.lstrip().startswith("/"):
        return None
    words = normalise(text)
    if not words:
        return None
    for kind, vocabulary in _KINDS:
        if words in vocabulary or words.rstrip("s") in vocabulary:
            return kind
    # "no no", "ok thanks", "嗯 没有": a generic word followed only by more generic words.
    parts = words.split()
    if 1 < len(parts) <= 3:
        kinds = {generic_reply(part) for part in parts} - {None}
        known = all(generic_reply(part) is not None or part in _FILLER for part in parts)
        if known and len(kinds - {Reply.OK}) == 1:
            return next(iter(kinds - {Reply.OK}))
        if known and kinds == {Reply.OK}:
            return Reply.OK
    short = len(parts) <= 3 and len(words) <= 12
    by_intent = {"affirm": Reply.YES, "deny": Reply.NO, "dont_know": Reply.DONT_KNOW}
    if short and intent in by_intent and not _has_digit_or_cjk_content(words):
        return by_intent[intent]
    return None


_FILLER = {"thanks", "thank", "you", "just", "really", "please", "谢谢", "吧", "呢", "啦", "了"}


def says_that_is_all(text: str) -> bool:
    """Whether the reply is "that's all" / "没有了": nothing more to tell."""
    return normalise(text) in _DONE


def _has_digit_or_cjk_content(words: str) -> bool:
    """Digits, or more than a couple of Chinese characters, carry content of their own."""
    cjk = sum(1 for ch in words if "\u4e00" <= ch <= "\u9fff")
    return any(ch.isdigit() for ch in words) or cjk > 4


_QUESTION_START = re.compile(
    r"^\s*(?:hold on|wait|sorry|hmm|ok|so|and|but|um)?[\s,]*"
    r"(what|what's|whats|how|why|when|where|who|which|is|are|was|were|do|does|did|can|could|"
    r"should|would|will|shall|may|isn't|aren't)\b",
    re.IGNORECASE,
)
_ZH_QUESTION = re.compile(r"(什么|怎么|为什么|是不是|是否|吗|呢|么|请问|能不能|可不可以|要不要|该不该)")
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|mine|we|us|our)\b|我", re.IGNORECASE)
_SENTENCES = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


def is_question_only(text: str) -> bool:
    """Every sentence is a question and none says anything about the user ("what is 刷流水?").

    Such a turn asks for information and adds no fact to the story, so a question that names a
    scam term ("what does unfreezing fee mean?") is not read as the user being asked for one.
    """
    sentences = [s.strip() for s in _SENTENCES.findall(text or "") if s.strip()]
    if not sentences:
        return False
    for sentence in sentences:
        asks = sentence.endswith(("?", "？")) or _QUESTION_START.match(sentence) or (
            _ZH_QUESTION.search(sentence) is not None
        )
        if not asks or _FIRST_PERSON.search(sentence):
            return False
    return True
