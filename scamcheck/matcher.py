"""Finds knowledge-base concepts in text and turns concept co-occurrences into red flags.

A red flag's ``match`` is a list of rules; a rule is a list of concepts that must all occur,
not negated, close to each other (within a window of characters). ``unless`` concepts near the
match cancel it ("the fee is included in the interest"). Negation is judged within the
sentence (:mod:`scamcheck.scope`): "she never asked me for money or for any code".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .knowledge import Knowledge
from .links import LinkReader
from .nlp import TypoCorrector, chinese, english, english_view, normalise_english
from .scope import negated_en, negated_zh
from .story import Words, read_story

WINDOW = {"en": 200, "zh": 110}
_CJK = re.compile(r"[\u3400-\u9fff]")


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
        from spacy.matcher import PhraseMatcher  # spaCy is imported by english() on first use

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
        self.pseudo_en = [tuple(p.lower().split()) for p in kb.negation.get("en_pseudo", [])]
        self.pseudo_zh = sorted(kb.negation.get("zh_pseudo", []), key=len, reverse=True)
        self.links = LinkReader(kb.concepts.get("official_domain", {}).get("en", []) or [],
                                kb.concepts.get("brand_word", {}).get("en", []) or [])

    # --- concept hits ------------------------------------------------------------------
    def hits(self, text: str) -> list[Hit]:
        """Every concept occurrence in ``text`` (English and Chinese parts alike).

        Besides the knowledge base's phrases and patterns, this includes unknown and look-alike
        links (:class:`scamcheck.links.LinkReader`) and what the victim's own words say already
        happened (:func:`scamcheck.story.read_story`).
        """
        found: list[Hit] = []
        words: Words | None = None
        if re.search(r"[A-Za-z]", text):
            doc = normalise_english(english().make_doc(english_view(text)), self.corrector)
            words = Words([_word(t) for t in doc], [t.idx for t in doc])
            norms = [t.norm_ for t in doc]
            found += self._english_hits(text, doc, words, norms)
        has_cjk = bool(re.search(r"[\u4e00-\u9fff]", text))
        if has_cjk:
            found += self._chinese_hits(text)
        for concept, pattern in self.regexes:
            for m in pattern.finditer(text):
                if _CJK.match(m.group(0)):
                    negated = self._negated_zh(text, m.start())
                elif words is not None:
                    negated = self._negated_en(words, norms, words.index(m.start()))
                else:
                    negated = False
                found.append(Hit(concept, m.start(), m.end(), m.group(0), negated))
        found += self.links.read(found)
        return read_story(text, found, words)

    def _english_hits(self, text: str, doc, words: Words, norms: list[str]) -> list[Hit]:  # noqa: ANN001
        out = []
        for match_id, start, end in self.en_matcher(doc):
            span = doc[start:end]
            out.append(Hit(doc.vocab.strings[match_id], span.start_char, span.end_char,
                           text[span.start_char:span.end_char],
                           self._negated_en(words, norms, start)))
        return out

    def _negated_en(self, words: Words, norms: list[str], start: int) -> bool:
        return negated_en(words.words, norms, start, self.neg_en, self.pseudo_en)

    def _chinese_hits(self, text: str) -> list[Hit]:
        doc = chinese().make_doc(text.lower())
        out = []
        for match_id, start, end in self.zh_matcher(doc):
            span = doc[start:end]
            s, e = span.start_char, span.end_char
            out.append(Hit(doc.vocab.strings[match_id], s, e, text[s:e], self._negated_zh(text, s)))
        return out

    def _negated_zh(self, text: str, start: int) -> bool:
        return negated_zh(text, start, self.neg_zh, self.pseudo_zh)

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


def _word(token) -> str:  # noqa: ANN001 - spaCy Token
    """A token's lower-cased text; a line break becomes a sentence end."""
    if token.is_space:
        return "\n" if "\n" in token.text else " "
    return token.lower_


def _gap(a: Hit, b: Hit) -> int:
    """Characters between two hits (0 when they overlap)."""
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def _distinct(words) -> list[str]:  # noqa: ANN001 - any iterable of str
    """Evidence without repeats or words already inside a longer piece ("unfreezing fee")."""
    unique = list(dict.fromkeys(words))
    return [w for w in unique if not any(w != o and w.lower() in o.lower() for o in unique)]
