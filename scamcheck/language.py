"""Language detection (English / Chinese) and Traditional-to-Simplified conversion."""

from __future__ import annotations

import re
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def cjk_share(text: str) -> float:
    """Share of CJK characters among the letters of ``text`` (0.0 when it has no letters)."""
    cjk = len(_CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    # A Latin word carries about as much meaning as two Chinese characters.
    total = cjk + 2 * latin_words
    return cjk / total if total else 0.0


def detect_language(text: str, default: str = "en") -> str:
    """Return "zh" when the text is mostly Chinese (mixed text counts as Chinese), else "en".

    Text without any letters (emoji, digits) gets ``default``.
    """
    if not _CJK.search(text or "") and not _LATIN.search(text or ""):
        return default
    return "zh" if cjk_share(text) >= 0.3 else "en"


def has_letters(text: str) -> bool:
    """True when the text contains Latin or CJK letters (not only emoji, digits or symbols)."""
    return bool(_CJK.search(text) or _LATIN.search(text))


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - opencc has no type hints
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese characters to Simplified (other text is unchanged)."""
    if not _CJK.search(text):
        return text
    return _converter().convert(text)
