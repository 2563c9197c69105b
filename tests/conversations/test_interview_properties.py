"""Properties of the interview under generic and noisy replies (hypothesis, real servers).

Each example plays a story start that already gives key facts (money sent, a fee, a shared
screen...), then up to eight replies drawn from what stressed people type: "no", "ok", "嗯",
"没有", "?", an emoji, "I don't know", a long story turn, a question. Whatever question is pending
when each reply arrives, these must hold:

- no question is asked more than twice in a row;
- a verdict arrives within eight replies after the story start;
- every fact of the story start is still in the final assessment (its red flag, its stage).

Marked `servers`; at most MAX_EXAMPLES conversations, derandomised so runs are repeatable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.run_conversations import (
    Conversation,
    Expectation,
    judge,
    play,
    question_texts,
    transcript_lines,
)
from tooling.ports import Ports
from tooling.stack import Stack

pytestmark = pytest.mark.servers
PORTS = Ports(actions=15103, rasa=15104, web=15105)
MAX_EXAMPLES = 48
MAX_REPLIES = 8


@dataclass(frozen=True)
class StoryStart:
    """A first message and the facts in it that the final assessment must keep."""

    lang: str
    text: str
    red_flags: tuple[str, ...]
    stages: tuple[str, ...]


STORIES = (
    StoryStart("en", "Someone from JD Finance called, my loan is frozen and I must pay an "
                     "unfreezing fee. I already paid 2000 yuan.", ("unfreezing_fee",), ("paid",)),
    StoryStart("en", "a loan app says i have to pay a membership fee before they pay out. i've "
                     "paid twice already", (), ("paid",)),
    StoryStart("en", "The man who said he was 360 IOU customer service made me share my screen "
                     "to cancel my student loan account", (), ("shared_screen",)),
    StoryStart("zh", "有个自称京东金融客服的人打电话说我贷款卡号填错了，要交解冻费，我已经转了3000",
               ("unfreezing_fee",), ("paid",)),
    StoryStart("zh", "贷款的客服让我把手机收到的验证码告诉他，我已经说了", (), ("shared_code",)),
    StoryStart("zh", "对方说我流水不够，让我先转钱刷流水，前后转了三次，一共两万多",
               ("brush_flow",), ("paid",)),
)
REPLIES = {
    "en": ["no", "ok", "?", "🙏", "I don't know", "not sure", "yes", "no that's all",
           "is that normal?", "should I pay?",
           "I'm so stressed, he kept calling all night saying if I don't do it today my credit "
           "will be ruined and everyone will know, I can't sleep"],
    "zh": ["没有", "嗯", "?", "😭", "不知道", "好", "对", "没有了", "这正常吗？", "我要不要交钱？",
           "我真的好慌，他一晚上一直打电话，说今天不弄好征信就完了，家里人都会知道，我睡不着"],
}


@lru_cache(maxsize=1)
def questions() -> dict[str, str]:
    """The interview's questions, read once from the domain."""
    return question_texts()


@st.composite
def conversations(draw: st.DrawFn) -> Conversation:
    """A story start followed by 1-8 generic or noisy replies in its language."""
    story = draw(st.sampled_from(STORIES))
    replies = draw(st.lists(st.sampled_from(REPLIES[story.lang]), min_size=1,
                            max_size=MAX_REPLIES))
    return Conversation(
        id=f"property-{story.lang}", source="https://example.org/property", lang=story.lang,
        turns=(story.text, *replies),
        expect=Expectation(risk=("medium", "high"), red_flags=story.red_flags,
                           stages=story.stages),
    )


def closing(conversation: Conversation) -> Conversation:
    """The same conversation padded to MAX_REPLIES replies with "that's all" answers."""
    padding = ("no that's all" if conversation.lang == "en" else "没有了",)
    replies = conversation.turns[1:]
    turns = (conversation.turns[0], *replies, *padding * (MAX_REPLIES - len(replies)))
    return Conversation(conversation.id, conversation.source, conversation.lang, turns,
                        conversation.expect)


@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(conversation=conversations())
def test_noisy_replies_never_loop_lose_facts_or_withhold_the_verdict(
        stack: Stack, conversation: Conversation) -> None:
    padded = closing(conversation)
    outcome = judge(padded, play(padded, stack.urls.rasa), questions())
    assert outcome.passed, "\n".join(outcome.failures + transcript_lines(outcome))
