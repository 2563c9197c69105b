"""Typed results of the checker: risk levels, facts, red-flag and pattern hits, assessments."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class RiskLevel(str, Enum):
    """How worried the user should be about what they described."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Facts:
    """Structured facts the conversation collected (all optional)."""

    platform: str | None = None
    fee_types: tuple[str, ...] | list[str] = ()
    money_sent: bool | None = None
    amount: float | None = None
    contact_channel: str | None = None
    requests: tuple[str, ...] | list[str] = ()
    region: str | None = None
    done: tuple[str, ...] | list[str] = ()   # stages the user says already happened (shared_code, ...)


@dataclass(frozen=True)
class FlagHit:
    """A red flag found in the text or facts, explained in the user's language."""

    id: str
    label: str
    evidence: list[str]
    why: str
    weight: int = 0
    category: str = "loan"


@dataclass(frozen=True)
class PatternHit:
    """A known scam the description resembles."""

    id: str
    name: str
    kind: str = "loan"
    matched_flags: int = 0


@dataclass(frozen=True)
class AdviceStep:
    """One thing to do now, with the phone numbers it mentions and its sources."""

    id: str
    text: str
    phones: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    """The checker's verdict on one description."""

    risk: RiskLevel
    score: int
    language: str
    red_flags: list[FlagHit]
    patterns: list[PatternHit]
    advice: list[str]
    truncated: bool = False
    stages: list[str] = field(default_factory=lambda: ["not_paid"])
    # Whether the words (not the facts) say money was already sent; see Checker.check.
    paid_in_story: bool = False

    def to_dict(self) -> dict:
        """The JSON contract shared by the CLI, the chatbot and the web widget."""
        return {
            "risk": self.risk.value,
            "score": self.score,
            "language": self.language,
            "red_flags": [
                {"id": f.id, "label": f.label, "evidence": f.evidence, "why": f.why}
                for f in self.red_flags
            ],
            "patterns": [{"id": p.id, "name": p.name} for p in self.patterns],
            "advice": list(self.advice),
        }
