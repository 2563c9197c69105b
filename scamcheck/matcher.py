"""Finds knowledge-base concepts in text and turns concept co-occurrences into red flags.

A red flag's ``match`` is a list of rules; a rule is a list of concepts that must all occur,
not negated, close to each other (within a window of characters). ``unless`` concepts near the
match cancel it ("the fee is included in the interest"). Negation looks back a few tokens
(English) or characters (Chinese) inside the same clause: "they did NOT ask for any fee".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher

from .knowledge import Knowledge
from .nlp import TypoCorrector, chinese, english, english_view, normalise_english

WINDOW = {"en": 200, "zh": 110}
_CLAUSE_END_EN = {",", ".", ";", "!", "?", ":", "but", "however", "and", "because", "so"}
# Clause ends, plus 就/才, which close a condition: "不还钱就爆通讯录" threatens, not negates.
_CLAUSE_END_ZH = set("，。！？；：,.!?;:\n但就才")
_CONDITIONAL_EN = {"if", "unless", "otherwise", "or"}
# "No" after these words is an abbreviation of "number" ("Mobile No 0712..."), not a negation.
_NUMBER_CONTEXT = {"mobile", "phone", "ref", "account", "acc", "tel", "contact", "serial", "order",
                   "policy", "case", "reg", "invoice", "ticket", "booking", "id"}
_CONDITIONAL_ZH = ("如果", "若", "要是", "否则", "不然", "假如")


@dataclass(frozen=True)
class Hit:
    """One occurrence of a concept in the text."""

    concept: str
    start: int
    end: int
    text: str
    negated: bool


@dataclass(frozen=True)
class RuleMatch:
    """A red flag whose rule matched, with the words that triggered it."""

    flag_id: str
    evidence: list[str]


class ConceptMatcher:
    """Compiled matchers for every concept of a knowledge base, in both languages."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        en_nlp, zh_nlp = english(), chinese()
        vocabulary = {
            word
            for terms in kb.concepts.values()
            for phrase in terms.get("en", []) or []
            for word in re.findall(r"[a-z]+", phrase.lower())
        }
        self.corrector = TypoCorrector(vocabulary)
        self.en_matcher = PhraseMatcher(en_nlp.vocab, attr="NORM")
        self.zh_matcher = PhraseMatcher(zh_nlp.vocab, attr="LOWER")
        for concept, terms in kb.concepts.items():
            en_terms = terms.get("en", []) or []
            zh_terms = terms.get("zh", []) or []
            if en_terms:
                docs = [normalise_english(en_nlp.make_doc(t), self.corrector) for t in en_terms]
                self.en_matcher.add(concept, docs)
            if zh_terms:
                self.zh_matcher.add(concept, [zh_nlp.make_doc(t.lower()) for t in zh_terms])
        self.regexes = [
            (concept, re.compile("|".join(f"(?:{r})" for r in terms["regex"]), re.IGNORECASE))
            for concept, terms in kb.concepts.items() if terms.get("regex")
        ]
        self.neg_en = {c.lower() for c in kb.negation.get("en", [])}
        self.neg_zh = sorted(kb.negation.get("zh", []), key=len, reverse=True)

    # --- concept hits ------------------------------------------------------------------
    def hits(self, text: str) -> list[Hit]:
        """Every concept occurrence in ``text`` (English and Chinese parts alike)."""
        found: list[Hit] = []
        if re.search(r"[A-Za-z]", text):
            found += self._english_hits(text)
        if re.search(r"[\u4e00-\u9fff]", text):
            found += self._chinese_hits(text)
        for concept, pattern in self.regexes:
            found += [Hit(concept, m.start(), m.end(), m.group(0), False)
                      for m in pattern.finditer(text)]
        return found

    def _english_hits(self, text: str) -> list[Hit]:
        doc = normalise_english(english().make_doc(english_view(text)), self.corrector)
        out = []
        for match_id, start, end in self.en_matcher(doc):
            span = doc[start:end]
            out.append(Hit(doc.vocab.strings[match_id], span.start_char, span.end_char,
                           text[span.start_char:span.end_char], self._negated_en(doc, start)))
        return out

    def _negated_en(self, doc, start: int) -> bool:  # noqa: ANN001 - spaCy Doc
        words: list[str] = []
        for token in reversed(doc[max(0, start - 6):start]):
            if token.lower_ in _CLAUSE_END_EN or token.is_punct:
                break
            if token.lower_ == "no" and token.i > 0 and doc[token.i - 1].lower_ in _NUMBER_CONTEXT:
                words.append("number")
                continue
            words.append(token.norm_)
        for i, word in enumerate(words):
            if word in self.neg_en:
                before = words[i + 1:]
                return not any(w in _CONDITIONAL_EN for w in before)
        return False

    def _chinese_hits(self, text: str) -> list[Hit]:
        doc = chinese().make_doc(text.lower())
        out = []
        for match_id, start, end in self.zh_matcher(doc):
            span = doc[start:end]
            s, e = span.start_char, span.end_char
            out.append(Hit(doc.vocab.strings[match_id], s, e, text[s:e], self._negated_zh(text, s)))
        return out

    def _negated_zh(self, text: str, start: int) -> bool:
        left = text[max(0, start - 6):start]
        for i in range(len(left) - 1, -1, -1):
            if left[i] in _CLAUSE_END_ZH:
                left = left[i + 1:]
                break
        for cue in self.neg_zh:
            pos = left.rfind(cue)
            if pos >= 0:
                return not any(c in left[:pos] for c in _CONDITIONAL_ZH)
        return False

    # --- rules -------------------------------------------------------------------------
    def match_flags(self, hits: list[Hit], language: str) -> list[RuleMatch]:
        """Red flags whose rules are satisfied by ``hits``."""
        window = WINDOW.get(language, 150)
        by_concept: dict[str, list[Hit]] = {}
        for hit in hits:
            if not hit.negated:
                by_concept.setdefault(hit.concept, []).append(hit)
        matches = []
        for flag in self.kb.red_flags:
            evidence = self._match_flag(flag, by_concept, window)
            if evidence is not None:
                matches.append(RuleMatch(flag["id"], evidence))
        return matches

    @staticmethod
    def _match_flag(flag: dict, by_concept: dict[str, list[Hit]], window: int) -> list[str] | None:
        unless = [h for c in flag.get("unless", []) for h in by_concept.get(c, [])]
        for rule in flag.get("match", []):
            if any(c not in by_concept for c in rule):
                continue
            for anchor in by_concept[rule[0]]:
                chosen = [anchor]
                for concept in rule[1:]:
                    near = [h for h in by_concept[concept] if _gap(anchor, h) <= window]
                    if not near:
                        break
                    chosen.append(min(near, key=lambda h: _gap(anchor, h)))
                else:
                    if any(_gap(anchor, u) <= window for u in unless):
                        continue
                    ordered = sorted(chosen, key=lambda h: h.start)
                    return _distinct(h.text.strip() for h in ordered)
        return None


def _gap(a: Hit, b: Hit) -> int:
    """Characters between two hits (0 when they overlap)."""
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def _distinct(words) -> list[str]:  # noqa: ANN001 - any iterable of str
    """Evidence without repeats or words already inside a longer piece ("unfreezing fee")."""
    unique = list(dict.fromkeys(words))
    return [w for w in unique if not any(w != o and w.lower() in o.lower() for o in unique)]
