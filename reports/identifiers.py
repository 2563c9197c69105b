"""The scammer's identifiers a user chooses to give: found in free text and normalised.

Kinds: ``phone``, ``bank_account``, ``domain`` (a link is kept as its host name only: paths and
query strings can carry the victim's own tokens), ``app``, ``wechat`` and ``qq``. The same
normalisation is used when filing and when looking up, so "+86 138-0013-8000" and "13800138000"
are one number.

What is never kept: the user's own numbers and names (anything introduced by "my ..." or
"我的..." is redacted with ``scamcheck.redact`` before extraction), Chinese resident ID numbers
(they identify a person, and a scammer does not hand out their own), e-mail addresses and names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scamcheck.redact import redact

KINDS = ("phone", "bank_account", "domain", "app", "wechat", "qq")


@dataclass(frozen=True, order=True)
class Identifier:
    """One normalised identifier of the scammer."""

    kind: str
    value: str


# "my number is ...", "我的卡号..." : the user's own data, up to the end of the clause.
_OWN = re.compile(
    r"(\b(?:my|mine|my own|our)\b|我的|我自己的|本人的?"
    r"|我(?=的?(?:手机|电话|卡|银行卡|身份证|账户|账号|名字)))"
    r"[^.;,!?\n。；，！？]{0,40}",
    re.IGNORECASE,
)
_ID_NUMBER = re.compile(r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'，。；！？、）)]+", re.IGNORECASE)
_TLDS = (
    "com|cn|net|org|top|xyz|vip|cc|co|io|app|info|site|online|shop|club|me|hk|sg|uk|us|tk|ml|"
    "icu|link|live|pro|biz|wang|ltd|fun|work|store|asia|tv"
)
_DOMAIN = re.compile(
    rf"(?<![A-Za-z0-9@.-])((?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS}))(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
_WECHAT = re.compile(
    r"(?:wechat|weixin|wx|vx|v信|微信|威信|薇信)\s*(?:id|号|账号|號)?\s*(?:is|:|：|是|为)?\s*"
    r"([A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])",
    re.IGNORECASE,
)
_QQ = re.compile(
    r"(?<![A-Za-z])QQ\s*(?:号|號|number|no\.?|群)?\s*(?:is|:|：|是|为)?\s*(\d{5,11})(?!\d)", re.IGNORECASE
)
_APP_NAME_EN = r"([A-Za-z0-9][\w-]*(?: [A-Z0-9][\w-]*){0,2})"
_APP_EN = re.compile(
    rf"\b(?i:app|application)\s+(?i:called|named)\s+[\"'“‘]?{_APP_NAME_EN}"
    rf"|[\"'“‘]([\w][\w .-]{{1,28}}[\w])[\"'”’]\s+(?i:app|application)\b"
    rf"|\b(?i:app)\s*[:：]\s*[\"'“‘]?{_APP_NAME_EN}"
)
_APP_ZH = re.compile(
    r"(?:叫|名叫|名字叫|名为)[“\"「《]?([\w\u4e00-\u9fff][\w\u4e00-\u9fff .-]{0,19}?)[”\"」》]?"
    r"\s*(?:的)?\s*(?:app|APP|App|软件|应用|平台)"
    r"|[“\"「《]([\w\u4e00-\u9fff][\w\u4e00-\u9fff .-]{0,19})[”\"」》]\s*(?:app|APP|App|软件|应用)"
    r"|(?:app|APP|App|软件)\s*[:：]\s*([\w\u4e00-\u9fff.-]{2,20})",
)
# Phones: CN mobiles (optionally +86), landlines with area code, 400/95xxx service numbers,
# other international numbers written with "+".
_PHONE = re.compile(
    r"(?<![A-Za-z0-9+])(?<!\d[\s-])(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)"
    r"|(?<![A-Za-z0-9+])(?<!\d[\s-])0\d{2,3}[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)"
    r"|(?<![A-Za-z0-9+])(?<!\d[\s-])400[\s-]?\d{3}[\s-]?\d{4}(?!\d)"
    r"|(?<![A-Za-z0-9+])(?<!\d[\s-])95\d{3,6}(?!\d)"
    r"|(?<![A-Za-z0-9])\+(?!86)\d{1,3}[\s-]?\d(?:[\s-]?\d){5,12}(?!\d)"
)
_ACCOUNT = re.compile(r"(?<![A-Za-z0-9+])(?<!\d[\s-])\d(?:[\s-]?\d){11,18}(?!\d)")
_PLACEHOLDER = re.compile(r"\[(?:PHONE|CARD|ID|EMAIL|NAME|NUMBER)\]")


_DIGIT_RUN = re.compile(r"\d(?:[\s-]?\d){4,}")


def redact_own(text: str) -> str:
    """Redact every clause in which the user speaks of their own data ("my card ...", "我的手机...").

    ``scamcheck.redact`` replaces the phone, card and ID numbers and names it recognises; any run
    of five or more digits left in such a clause goes too (a number glued to Chinese text).
    """

    def own(match: re.Match[str]) -> str:
        rest = redact(match.group(0)[len(match.group(1)):])
        return match.group(1) + _DIGIT_RUN.sub("[NUMBER]", rest)

    return _OWN.sub(own, text)


def normalise_phone(raw: str) -> str:
    """Digits only; China's +86 / 0086 prefix dropped, other countries keep a leading "+"."""
    digits = re.sub(r"\D", "", raw)
    plus = raw.strip().startswith("+") or digits.startswith("00")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and plus:
        digits = digits[2:]
    elif digits.startswith("00"):
        digits = digits[2:]
    elif plus and not (digits.startswith("1") and len(digits) == 11):
        return "+" + digits
    return digits


def normalise_domain(raw: str) -> str:
    """The host name, lower-case, without "www.", a port or a trailing dot."""
    host = re.sub(r"^[a-z]+://", "", raw.strip().lower())
    host = re.split(r"[/?#:]", host, maxsplit=1)[0].rstrip(".")
    return host.removeprefix("www.")


def normalise_name(raw: str) -> str:
    """App names and chat ids: trimmed, single spaces, case-folded."""
    return re.sub(r"\s+", " ", raw.strip()).casefold()


def extract_identifiers(text: str) -> list[Identifier]:
    """The scammer's identifiers in ``text``, normalised and de-duplicated, in a stable order."""
    if not text:
        return []
    cleaned = _EMAIL.sub(" ", _ID_NUMBER.sub(" ", redact_own(text)))
    found: set[Identifier] = set()
    taken: list[tuple[int, int]] = []

    def take(kind: str, value: str, span: tuple[int, int]) -> None:
        if value and not _PLACEHOLDER.search(value):
            found.add(Identifier(kind, value))
            taken.append(span)

    for match in _URL.finditer(cleaned):
        take("domain", normalise_domain(match.group()), match.span())
    for match in _DOMAIN.finditer(cleaned):
        if not _inside(match.span(), taken):
            take("domain", normalise_domain(match.group(1)), match.span())
    for pattern, kind in ((_WECHAT, "wechat"), (_QQ, "qq")):
        for match in pattern.finditer(cleaned):
            if not _inside(match.span(1), taken):
                take(kind, normalise_name(match.group(1)), match.span(1))
    for pattern in (_APP_EN, _APP_ZH):
        for match in pattern.finditer(cleaned):
            name = next(g for g in match.groups() if g)
            take("app", normalise_name(name), match.span())
    for match in _PHONE.finditer(cleaned):
        if not _inside(match.span(), taken):
            take("phone", normalise_phone(match.group()), match.span())
    for match in _ACCOUNT.finditer(cleaned):
        if not _inside(match.span(), taken):
            take("bank_account", re.sub(r"\D", "", match.group()), match.span())
    return sorted(found)


def lookup_values(value: str) -> list[str]:
    """The normalised forms a lookup of ``value`` matches (identifiers in it, else the bare name)."""
    found = [identifier.value for identifier in extract_identifiers(value)]
    if found:
        return list(dict.fromkeys(found))
    bare = normalise_name(value)
    return [bare] if bare else []


def _inside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in taken)
