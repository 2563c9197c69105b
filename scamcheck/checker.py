"""The explainable checker: text (+ optional facts) -> risk, score, red flags, patterns, advice."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from .advice import AdviceBook
from .knowledge import Knowledge
from .language import detect_language, to_simplified
from .matcher import ConceptMatcher, RuleMatch
from .models import Assessment, Facts, FlagHit, PatternHit, RiskLevel
from .resemblance import Resemblance, default_model, ensure_model, read_model
from .store import default_db, ensure_built, read_knowledge

MAX_CHARS = 20_000  # longer input is checked on its first 20,000 characters
MEDIUM_AT, HIGH_AT = 35, 65  # score thresholds; their basis is in knowledge/scoring.md
RESEMBLANCE = "resembles_known_scams"  # the pattern that names the statistical signal
_lock = threading.Lock()


class Checker:
    """Holds the compiled knowledge base; build once per process and reuse."""

    def __init__(self, kb: Knowledge, resemblance: Resemblance | None = None) -> None:
        self.kb = kb
        self.resemblance = resemblance
        self.matcher = ConceptMatcher(kb)
        self.flags = {f["id"]: f for f in kb.red_flags}
        self.advice_book = AdviceBook(kb)

    def check(self, text: str, facts: Facts | None = None, language: str | None = None) -> Assessment:
        """Assess a message or a whole conversation."""
        text = text or ""
        truncated = len(text) > MAX_CHARS
        text = to_simplified(text[:MAX_CHARS])
        lang = language if language in ("en", "zh") else detect_language(text)
        hits = self.matcher.hits(text)
        matches = self.matcher.match_flags(hits, lang)
        paid_in_story = any(self.flags[m.flag_id].get("stage") == "paid" for m in matches)
        matches += self._facts_matches(facts, {m.flag_id for m in matches})
        if facts is not None and facts.money_sent is False:
            # The conversation's own answer wins over the words, for the verdict and advice alike.
            matches = [m for m in matches if self.flags[m.flag_id].get("stage") != "paid"]
        red_flags = [self._explain(m, lang) for m in matches]
        red_flags.sort(key=lambda f: -f.weight)
        score = min(100, sum(f.weight for f in red_flags))
        critical = any(self.flags[f.id].get("critical") for f in red_flags)
        if critical or score >= HIGH_AT:
            risk = RiskLevel.HIGH
            score = max(score, HIGH_AT)
        elif score >= MEDIUM_AT:
            risk = RiskLevel.MEDIUM
        else:
            risk = RiskLevel.LOW
        patterns = self._patterns(red_flags, lang) if risk is not RiskLevel.LOW else []
        if risk is RiskLevel.LOW and self._resembles(text, lang):
            # The statistical signal only lifts low to medium; red flags stay the rules' alone.
            risk, score = RiskLevel.MEDIUM, max(score, MEDIUM_AT)
            patterns = [self._resemblance_hit(lang)]
        stages = self.stages(red_flags, facts)
        region = (facts.region if facts and facts.region else "cn")
        advice = [s.id for s in self.advice_book.steps(stages, region, lang)]
        return Assessment(risk, score, lang, red_flags, patterns, advice, truncated, stages,
                          paid_in_story)

    def stages(self, red_flags: list[FlagHit], facts: Facts | None) -> list[str]:
        """The victim's stage(s): what has already happened, most urgent first."""
        found = {self.flags[f.id].get("stage") for f in red_flags} - {None}
        if facts and facts.money_sent:
            found.add("paid")
        if facts and facts.money_sent is False:
            found.discard("paid")
        order = ["paid", "shared_code", "shared_screen", "installed_app"]
        stages = [s for s in order if s in found]
        # Nothing paid yet: "don't pay" belongs to the advice whatever else already happened.
        return stages if "paid" in stages else [*stages, "not_paid"]

    def _resembles(self, text: str, lang: str) -> bool:
        return self.resemblance is not None and self.resemblance.resembles(text, lang)

    def _resemblance_hit(self, lang: str) -> PatternHit:
        pattern = next((p for p in self.kb.patterns if p["id"] == RESEMBLANCE), None)
        name = pattern["name"][lang] if pattern else "Resembles known scam messages"
        return PatternHit(RESEMBLANCE, name, "statistical", 0)

    def _facts_matches(self, facts: Facts | None, already: set[str]) -> list[RuleMatch]:
        if facts is None:
            return []
        out = []
        values = {
            "fee_types": set(facts.fee_types or ()),
            "requests": set(facts.requests or ()),
            "platform": {facts.platform} if facts.platform else set(),
            "contact_channel": {facts.contact_channel} if facts.contact_channel else set(),
            "money_sent": {"yes"} if facts.money_sent else set(),
            "done": set(facts.done or ()),
        }
        for flag in self.kb.red_flags:
            if flag["id"] in already or not flag.get("facts"):
                continue
            evidence = []
            for key, wanted in flag["facts"].items():
                have = values.get(key, set())
                hit = have if wanted == "any" else have & set(wanted)
                hit.discard("unknown")
                if not hit:
                    break
                evidence.append(", ".join(sorted(hit)))
            else:
                out.append(RuleMatch(flag["id"], evidence))
        return out

    def _explain(self, match: RuleMatch, lang: str) -> FlagHit:
        flag = self.flags[match.flag_id]
        return FlagHit(
            id=flag["id"], label=flag["label"][lang], evidence=match.evidence,
            why=flag["why"][lang], weight=int(flag.get("weight", 20)),
            category=flag.get("category", "loan"),
        )

    def _patterns(self, red_flags: list[FlagHit], lang: str) -> list[PatternHit]:
        found = {f.id for f in red_flags}
        ranked = []
        for pattern in self.kb.patterns:
            flags = set(pattern.get("flags", []))
            keys = set(pattern.get("key_flags", [])) or flags
            matched = found & flags
            if found & keys:
                ranked.append((len(found & keys), len(matched), pattern))
        ranked.sort(key=lambda item: (-item[0], -item[1], item[2]["id"]))
        return [
            PatternHit(p["id"], p["name"][lang], p.get("kind", "loan"), n)
            for _, n, p in ranked[:3]
        ]


@lru_cache(maxsize=4)
def get_checker(db_path: Path | None = None, model_path: Path | None = None) -> Checker:
    """The process-wide checker, building the knowledge base and the resemblance model if stale."""
    db_path, model_path = db_path or default_db(), model_path or default_model()
    with _lock:
        ensure_built(db_path)
        ensure_model(model_path)
        return Checker(read_knowledge(db_path), read_model(model_path))


def check(text: str, facts: Facts | None = None, language: str | None = None) -> Assessment:
    """Assess ``text`` with the default knowledge base (see :class:`Checker`)."""
    return get_checker().check(text, facts, language)
