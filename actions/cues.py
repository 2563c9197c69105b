"""Small, pure readers of the user's words that the NLU model does not cover.

* whether the user says money was already sent ("I already paid 2000", "还没转钱");
* the amount written in a message ("2,000 yuan", "3万");
* which of two values a correction means ("it was 360 IOU, not JD" -> 360 IOU);
* where the user is, from a place they name ("i'm in sg", "我在香港").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from scamcheck.language import to_simplified

# Payment verbs in the past tense ("paid", "sent", "transferred" ...), and the words that make a
# sentence about a payment the user made rather than one they were asked to make.
_PAID_VERB_EN = re.compile(
    r"\b(paid|payed|sent|transferred|transfered|wired|deposited|gave|scanned|topped up|lost|"
    r"bought|moved|put|made (?:a |the |\w+ )?payments?|did (?:pay|send|transfer|wire)|"
    r"did (?:it|that|so)|did|done (?:it|that))\b",
    re.IGNORECASE,
)
_PAY_COUNT_EN = re.compile(
    r"\b(once|twice|thrice|\w+ times|again|already|so far|in total|altogether|\d+x)\b"
    r"|\b(first|second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+(?:payment|fee|transfer|time)",
    re.IGNORECASE,
)
_MONEY_WORD_EN = re.compile(
    r"\b(money|cash|yuan|rmb|cny|dollars?|pounds?|usd|gbp|sgd|fees?|deposits?|payments?|"
    r"gift ?cards?|\d[\d,.]*k?)\b|[¥$£￥]\s?\d",
    re.IGNORECASE,
)
_NEGATION_EN = re.compile(
    r"\b(not|never|no|nothing|haven'?t|hasn'?t|hadn'?t|didn'?t|don'?t|won'?t|wouldn'?t|"
    r"refused|instead of)\b(?:\s+[\w']+){0,2}\s*$",
    re.IGNORECASE,
)
# "I didn't send it", "haven't paid yet", "not transferred": a negated payment, any tense.
_NOT_PAID_EN = re.compile(
    r"\b(haven'?t|have not|hasn'?t|didn'?t|did not|not yet|never|won'?t|will not|not)\s+"
    r"(?:yet\s+|even\s+|actually\s+)?(paid|sent|transferred|wired|pay|send|transfer|wire)\b"
    r"|\b(nothing|no money)\s+(?:was\s+|has been\s+)?(paid|sent|transferred)\b",
    re.IGNORECASE,
)
_OTHER_SUBJECT_EN = re.compile(
    r"\b(they|he|she|it|who|which|that|someone|somebody|the caller|the app|they've|he's|she's)\s+"
    r"(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_REQUEST_BEFORE_EN = re.compile(
    r"\b(asked|asking|asks|told|tell|wants?|wanted|need|needs|must|should|to be|going to|will|"
    r"would|have to|has to|if i|unless)\b[^.!?]{0,45}$",
    re.IGNORECASE,
)
_PAID_VERB_ZH = re.compile(
    r"(转|付|交|汇|充|扫码|扫|存|给)(了|过|完|进去|出去)|被骗(了)?|(转|付|交|汇)(钱|款|账)了"
    r"|打(了|过)?(钱|款|\d)"  # 打 alone is also "to call": 打了热线 is not a payment
    r"|(第[二三四五六七八九十几]|[两二三四五六七八九十几]+)次(转|付|交|汇|充|扫)|又(转|付|交|汇|充)"
    r"|(转|付|交|汇|俾)咗"  # Cantonese 咗 = 了
)
# "money went out", "the 5000 was taken": the money as the subject of a past movement.
_MONEY_LEFT_EN = re.compile(
    r"\b(money|cash|funds|savings|\d[\d,.]*k?)\b[^.!?]{0,15}\b(went out|left my|was taken|were taken|"
    r"was transferred|were transferred|is gone|was gone|got taken)\b",
    re.IGNORECASE,
)
# "把8800转到他说的账户": a 把 sentence that moves money somewhere.
_MOVED_ZH = re.compile(r"(把|将)[^，。！？,.!?]{0,14}(转到|转给|转进|转入|打到|打给|汇到|汇给|存到|充到)")
_NOT_PAID_ZH = re.compile(r"(还没|没有|没|未|还未)(有)?(转|付|交|汇|打)(钱|款|账|过)?")
_NEGATION_ZH = re.compile(r"(还没|没有|没|未|还未|不会|不要|别|不)[^，。！？,.!?]{0,2}$")
_REQUEST_ZH = re.compile(r"(让|要|叫|要求|逼|催|需要|得|必须|说要|如果|才能|就要)[我]?[^，。！？,.!?]{0,3}$")
_CLAUSES = re.compile(r"[^.!?;\n。！？；]+")


def _english_payment(sentence: str, answering_money: bool) -> str | None:
    if _NOT_PAID_EN.search(sentence):
        return "no"
    if _MONEY_LEFT_EN.search(sentence):
        return "yes"
    for match in _PAID_VERB_EN.finditer(sentence):
        before = sentence[: match.start()]
        after = sentence[match.end(): match.end() + 40]
        if _NEGATION_EN.search(before):
            return "no"
        if _REQUEST_BEFORE_EN.search(before) or _OTHER_SUBJECT_EN.search(before):
            continue
        verb = match.group(1).lower()
        vague = verb.startswith(("did", "done", "gave", "lost", "bought", "scanned", "moved", "put"))
        amount_follows = re.match(r"[\s,]*(?:about |around |like |roughly )?[¥$£￥]?\s?\d", after) is not None
        counted = _PAY_COUNT_EN.search(sentence) is not None
        money = _MONEY_WORD_EN.search(after) is not None or _MONEY_WORD_EN.search(before[-25:])
        if vague and not (counted or answering_money or amount_follows or (verb != "did" and money)):
            continue
        plain = verb in ("paid", "payed", "transferred", "transfered", "wired", "deposited")
        if money or counted or answering_money or plain:
            return "yes"
    if answering_money and _PAY_COUNT_EN.search(sentence):
        return "yes"  # "yes twice", "3 times so far" to "have you sent money?"
    return None


def _chinese_payment(clause: str, answering_money: bool) -> str | None:
    clause = to_simplified(clause)
    if _NOT_PAID_ZH.search(clause):
        return "no"
    moved = _MOVED_ZH.search(clause)
    if moved and not _REQUEST_ZH.search(clause[: moved.start()]):
        return "yes"
    for match in _PAID_VERB_ZH.finditer(clause):
        before = clause[: match.start()]
        if _NEGATION_ZH.search(before):
            return "no"
        if _REQUEST_ZH.search(before):
            continue
        return "yes"
    if answering_money and re.search(r"[一两二三四五六七八九十几\d]+(次|回|笔)", clause):
        return "yes"  # "三次了" to "你转过钱吗？"
    return None


def money_sent_cue(text: str, answering_money: bool = False) -> str | None:
    """``"yes"`` or ``"no"`` when the user says whether they already sent money, else None.

    Read clause by clause: a past-tense payment verb whose subject is the user (or left out, as
    in "paid twice already" or "前后转了三次"), not negated within its clause ("I haven't paid",
    "还没转"), and not a request ("they want me to pay", "让我转"). "I did it three times" counts
    when it answers "have you sent money?" (``answering_money``) or gives a count. The last
    clause that says something wins: "I said no at first but then I paid" is yes.
    """
    if not text or text.lstrip().startswith("/"):
        return None
    found: str | None = None
    for clause in _CLAUSES.findall(text):
        if re.search(r"[\u4e00-\u9fff]", clause):
            cue = _chinese_payment(clause, answering_money) or _english_payment(clause, answering_money)
        else:
            cue = _english_payment(clause, answering_money)
        found = cue or found
    return found


_AMOUNT = re.compile(
    r"(?:[¥$£￥]|rmb|cny|usd|sgd|gbp)?\s?\d[\d,]*(?:\.\d+)?\s?"
    r"(?:万|千|元|块钱|块|yuan|rmb|dollars?|pounds?|k\b)?",
    re.IGNORECASE,
)
_MONEY_BEFORE = re.compile(
    r"(pa(?:y|id)|transfer|sen[dt]|wired?|fee|deposit|cost|charge|lost|lose|amount|total|"
    r"交|转|付|给|费|汇|打了|押金|金额|共|损失|花了)[^\d.!?。！？]{0,6}$",
    re.IGNORECASE,
)
_NEGATION_BEFORE = re.compile(
    r"(\bnot|n't|\bnever|\binstead of|\brather than|不是|并非|而非|没|而不是)\W{0,3}$",
    re.IGNORECASE,
)


def amount_in(text: str) -> str | None:
    """The first money amount written in ``text`` (as written, trimmed), or None."""
    if not text or text.startswith("/"):
        return None
    for match in _AMOUNT.finditer(text):
        written = match.group().strip()
        digits = re.sub(r"\D", "", written)
        if written != digits:  # a currency or a unit: "¥2000", "3万", "500 yuan"
            return written
        # A bare number is an amount only where money is spoken of just before it ("paid 500",
        # "交了3000"); otherwise it is a name, a date or a count ("360 IOU", "3 times").
        if len(digits) >= 3 and _MONEY_BEFORE.search(text[max(0, match.start() - 16): match.start()]):
            return written
    return None


def amount_value(written: str | None) -> float | None:
    """``"2,000 yuan"`` -> 2000.0, ``"3万"`` -> 30000.0, ``"5k"`` -> 5000.0; None if no number."""
    if not written:
        return None
    match = re.search(r"\d[\d,]*(?:\.\d+)?", written)
    if not match:
        return None
    value = float(match.group().replace(",", ""))
    rest = written[match.end():].strip().lower()
    if rest.startswith("万"):
        value *= 10_000
    elif rest.startswith("千") or rest.startswith("k"):
        value *= 1_000
    return value


def corrected_value(text: str, entities: Iterable[dict]) -> str | None:
    """The value a correction means: the last entity that is not negated ("not JD", "不是京东")."""
    candidates = [e for e in entities if e.get("value") is not None]
    if not candidates:
        return None
    kept = [
        e for e in candidates
        if not _NEGATION_BEFORE.search(text[: int(e.get("start", 0) or 0)])
    ]
    chosen = (kept or candidates)[-1]
    return str(chosen["value"])


# Place names the NLU's region entity is trained on: one home, data/nlu/lookups/region.yml.
_REGION_LOOKUP = Path(__file__).resolve().parent.parent / "data" / "nlu" / "lookups" / "region.yml"
_COMMON_WORDS = {"us"}  # "US" the country only when written in capitals


@lru_cache(maxsize=1)
def _region_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    entries = yaml.safe_load(_REGION_LOOKUP.read_text(encoding="utf-8"))["nlu"]
    patterns = []
    for entry in entries:
        if "synonym" not in entry:
            continue
        for name in (line.strip("- ").strip() for line in entry["examples"].splitlines()):
            if not name:
                continue
            if re.search(r"[\u4e00-\u9fff]", name):
                patterns.append((re.compile(re.escape(name)), entry["synonym"]))
            else:
                flags = 0 if name.lower() in _COMMON_WORDS else re.IGNORECASE
                patterns.append((re.compile(rf"\b{re.escape(name)}\b", flags), entry["synonym"]))
    return tuple(patterns)


def region_in(text: str) -> str | None:
    """Where the user is, from a place named in ``text`` ("im in sg", "我在香港"); the last one wins."""
    if not text or text.lstrip().startswith("/"):
        return None
    found = [(m.start(), region) for pattern, region in _region_patterns()
             for m in pattern.finditer(text)]
    return max(found)[1] if found else None


# What else the user already did, in their own words: installed their app, gave a code, shared
# the screen. A past-tense verb (or "made me" + verb) with its object in the same clause, not
# negated; a request ("让我下载", "asked me to share") has no past form and is not read as done.
# What already happened: a past-tense verb ("I shared my screen"), or one the caller made the
# user do ("he made me share my screen", "got me to install"); "asked me to share" is a request.
_MADE_ME = r"(?:made me|got me to|had me)\s+"


def _done(past: str, base: str, objects: str, gap: int) -> re.Pattern[str]:
    """A clause saying the user did ``base``/``past`` to one of ``objects``."""
    return re.compile(rf"\b(?:{past}|{_MADE_ME}(?:{base}))\b[^.!?;]{{0,{gap}}}\b(?:{objects})\b",
                      re.IGNORECASE)


_DONE_EN = {
    "installed_app": _done("downloaded|installed", "download|install", "app|apk|application|software|it", 30),
    "shared_code": _done("gave|told|sent|read|shared|typed|entered|forwarded",
                         "give|tell|send|read|share|type|enter|forward",
                         "code|otp|passcode|password|pin", 20),
    "shared_screen": _done("shared|opened|turned on|started|switched on",
                           "share|open|turn on|start|switch on", "screen", 12),
}
_DONE_ZH = {
    "installed_app": re.compile(r"(下|下载|装|安装)(了|过|咗)[^，。！？]{0,8}(app|软件|应用|客户端)",
                                re.IGNORECASE),
    "shared_code": re.compile(r"(告诉|给|发给|报|说|发)(了|咗)[^，。！？]{0,6}(验证码|密码)"
                              r"|(验证码|密码)[^，。！？]{0,6}(告诉|给|发给|报)了"),
    "shared_screen": re.compile(r"(开|打开|开启)(了|咗)[^，。！？]{0,6}共享|共享了屏幕"),
}
_NEGATED_BEFORE = re.compile(
    r"(\b(not|never|didn'?t|did not|haven'?t|no)\b|没|未|不)[^.!?,;，。]{0,12}$", re.IGNORECASE)


# A request named earlier ("they want the code on my phone") and then "I already did it".
_STAGE_OBJECTS = {
    "shared_code": re.compile(r"验证码|密码|\b(?:code|otp|passcode|pin)\b", re.IGNORECASE),
    "shared_screen": re.compile(r"共享|屏幕|\bscreen\b", re.IGNORECASE),
    "installed_app": re.compile(r"下载|安装|软件|\b(?:app|apk|download|install)\b", re.IGNORECASE),
}
_DID_IT = re.compile(
    r"(?:已经|都|也)(?:说|给|告诉|发|做|弄|照做|按|报|开|装|下|输)(?:了|过|咗)|照做了"
    r"|\bi (?:already )?did (?:it|that|so)\b|\bi(?:'ve| have)(?: already)? done (?:it|that|so)\b"
    r"|\balready did\b|\bi (?:already )?(?:gave|sent|told|read) (?:it|them|him|her)\b",
    re.IGNORECASE)


def _gift_codes(clause: str) -> bool:
    return bool(re.search(r"gift|礼品卡|购物卡", clause, re.IGNORECASE))


def stages_told(text: str) -> list[str]:
    """Stages besides paying that the user says already happened, in the checker's names."""
    found: list[str] = []
    requested: list[str] = []
    for clause in _CLAUSES.findall(to_simplified(text or "")):
        for stage, pattern in (*_DONE_EN.items(), *_DONE_ZH.items()):
            match = pattern.search(clause)
            if match and stage not in found and not _gift_codes(clause) and not _NEGATED_BEFORE.search(
                    clause[: match.start()]):
                found.append(stage)
        did = _DID_IT.search(clause)
        named = [s for s, pattern in _STAGE_OBJECTS.items()
                 if pattern.search(clause[: did.start()] if did else clause) and not _gift_codes(clause)]
        if did:
            found += [s for s in dict.fromkeys([*requested, *named]) if s not in found]
            requested = []
        elif named:
            requested = named
    return found
