"""Explainable loan-scam checker: a sourced knowledge base in SQLite and spaCy rule matching.

Pure Python: no Rasa imports. Used by the chatbot's custom actions and by ``scam-check``.
"""

from .checker import Checker, check, get_checker
from .models import AdviceStep, Assessment, Facts, FlagHit, PatternHit, RiskLevel

__all__ = [
    "AdviceStep", "Assessment", "Checker", "Facts", "FlagHit", "PatternHit", "RiskLevel",
    "check", "get_checker",
]
