"""Where a word's sentence and clause begin, and whether a negation reaches it.

Negation is judged within the sentence a word is in: a negation cue earlier in the same clause
negates everything after it ("she never asked me for money or for any code"), up to a clause
break ("but", "so", "until", a comma that does not continue a list, "and" before a new
subject: "I didn't know and I paid"). A cue inside a conditional ("if you don't pay ...") is
a threat, not a negation.
Pseudo-negations ("not only", 不断, 没想到) never negate.
"""

from __future__ import annotations

from collections.abc import Sequence

SENTENCE_END_EN = {".", "!", "?", ";", "\n"}
CLAUSE_BREAK_EN = {"but", "however", "although", "though", "yet", "then", "so", "because",
                   "until", "till", "when", "while", "after", "since", "later", "afterwards",
                   "instead", ":"}
# A comma ends the clause unless a list goes on ("no fee, or any deposit"); "and"/"or" end it
# when a new subject follows ("... and I paid").
LIST_CONTINUES_EN = {"or", "nor", "any", "no"}
SUBJECTS_EN = {"i", "we", "he", "she", "they", "you", "it", "then", "now", "someone", "somebody"}
CONDITIONAL_EN = {"if", "unless", "otherwise", "whether"}
# "No" after these words abbreviates "number" ("Mobile No 0712..."), it is not a negation.
NUMBER_CONTEXT_EN = {"mobile", "phone", "ref", "account", "acc", "tel", "contact", "serial",
                     "order", "policy", "case", "reg", "invoice", "ticket", "booking", "id"}
MAX_SCOPE_EN = 14  # tokens

SENTENCE_END_ZH = set("。！？；!?;\n")
CLAUSE_BREAK_ZH = set("，,：:") | {"但", "就", "才"}
CLAUSE_BREAK_WORDS_ZH = ("但是", "可是", "结果", "然后", "后来", "于是", "还是", "只好", "最后")
CONDITIONAL_ZH = ("如果", "若", "要是", "否则", "不然", "假如", "万一")
# How far back a cue reaches, by cue length: single characters (不, 没, 别) bind to the next
# word or two; longer cues (没有, 从来没, 不需要) govern the rest of the clause.
REACH_ZH = {1: 5, 2: 12}


def clause_tokens_en(words: Sequence[str], start: int) -> list[int]:
    """Indices of the words before ``start`` in its clause, nearest first."""
    out: list[int] = []
    i = start - 1
    while i >= 0 and len(out) < MAX_SCOPE_EN:
        word = words[i]
        if word in SENTENCE_END_EN or word in CLAUSE_BREAK_EN:
            break
        if word in {"and", "or"} and i + 1 < start and words[i + 1] in SUBJECTS_EN:
            break
        if word == "," and not (i + 1 < start and words[i + 1] in LIST_CONTINUES_EN):
            break
        out.append(i)
        i -= 1
    return out


def negated_en(words: Sequence[str], norms: Sequence[str], start: int, cues: set[str],
               pseudo: Sequence[tuple[str, ...]]) -> bool:
    """Whether the word at ``start`` is negated within its clause.

    ``words`` are lower-cased tokens, ``norms`` their normalised forms, ``cues`` negation words,
    ``pseudo`` word sequences that look like negations but are not ("not only", "no matter").
    """
    scope = clause_tokens_en(words, start)
    for position, i in enumerate(scope):
        if norms[i] not in cues and words[i] not in cues:
            continue
        if words[i] == "no" and i > 0 and words[i - 1] in NUMBER_CONTEXT_EN:
            continue
        if words[i] in {"no", "nope"} and i + 1 < len(words) and words[i + 1] in SUBJECTS_EN:
            continue  # "No I paid already": an interjection
        if any(tuple(words[i - k:i - k + len(p)]) == p
               for p in pseudo for k in range(len(p)) if i - k >= 0 and p[k] == words[i]):
            continue
        before = [words[j] for j in scope[position + 1:]]
        return not any(w in CONDITIONAL_EN for w in before)
    return False


def clause_left_zh(text: str, start: int, reach: int = REACH_ZH[2]) -> str:
    """The text of ``start``'s clause before it, at most ``reach`` characters."""
    left = text[max(0, start - reach):start]
    cut = max((left.rfind(ch) for ch in SENTENCE_END_ZH | CLAUSE_BREAK_ZH), default=-1)
    for word in CLAUSE_BREAK_WORDS_ZH:
        pos = left.rfind(word)
        if pos >= 0:
            cut = max(cut, pos + len(word) - 1)
    return left[cut + 1:]


def negated_zh(text: str, start: int, cues: Sequence[str], pseudo: Sequence[str]) -> bool:
    """Whether the Chinese word at ``start`` is negated within its clause.

    ``cues`` are negation cues, longest first; ``pseudo`` words that contain a cue but do not
    negate (不断, 没想到, 不得不).
    """
    left = clause_left_zh(text, start)
    masked = left
    for word in pseudo:
        masked = masked.replace(word, "\0" * len(word))
    for cue in cues:
        pos = masked.rfind(cue)
        if pos < 0:
            continue
        reach = REACH_ZH.get(min(len(cue), 2), REACH_ZH[2])
        if len(masked) - pos > reach:
            continue
        return not any(c in left[:pos] for c in CONDITIONAL_ZH)
    return False
