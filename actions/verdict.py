"""Turns an ``Assessment`` into the verdict message, in the user's language (pure)."""

from __future__ import annotations

from scamcheck import Assessment, RiskLevel

from .texts import say

_HEADLINE = {
    RiskLevel.HIGH: "verdict_high",
    RiskLevel.MEDIUM: "verdict_medium",
    RiskLevel.LOW: "verdict_low",
}


def headline(assessment: Assessment, language: str) -> str:
    """The risk in plain words ("⚠️ High risk: this looks like a scam.")."""
    return say(_HEADLINE[assessment.risk], language)


def verdict_text(assessment: Assessment, language: str) -> str:
    """Risk in plain words, red flags with why, the known scam, what real lenders do.

    Blocks are separated by a blank line (socket.io clients show them as separate bubbles).
    """
    first = [headline(assessment, language)]
    if assessment.red_flags:
        first.append(say("flags_heading", language))
        first += [
            say("flag_line", language, label=flag.label, why=flag.why)
            for flag in assessment.red_flags
        ]
    blocks = ["\n".join(first)]
    if assessment.patterns:
        names = say("pattern_separator", language).join(p.name for p in assessment.patterns)
        blocks.append(say("pattern_line", language, names=names))
    if assessment.risk is RiskLevel.LOW:
        blocks.append(say("verify_official", language))
    blocks.append(say("legit_lenders", language))
    return "\n\n".join(blocks)
