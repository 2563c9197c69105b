"""Explainable loan-scam checker: a sourced knowledge base in SQLite and spaCy rule matching.

Pure Python: no Rasa imports. Used by the chatbot's custom actions and by ``scam-check``.
"""

import sys

# spaCy's backend (thinc) probes for TensorFlow at import time, which costs seconds of cold
# start; the checker never needs it. Hide it while spaCy is first imported, then un-hide it so
# Rasa (which does need it) can still import it later in the same process.
if "tensorflow" not in sys.modules and "thinc" not in sys.modules:
    sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy  # noqa: F401
    finally:
        del sys.modules["tensorflow"]

from .checker import Checker, check, get_checker  # noqa: E402
from .models import AdviceStep, Assessment, Facts, FlagHit, PatternHit, RiskLevel  # noqa: E402

__all__ = [
    "AdviceStep", "Assessment", "Checker", "Facts", "FlagHit", "PatternHit", "RiskLevel",
    "check", "get_checker",
]
