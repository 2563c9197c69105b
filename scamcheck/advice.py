"""Stage- and region-aware advice steps, every one of them from the sourced knowledge base."""

from __future__ import annotations

from .knowledge import Knowledge
from .models import AdviceStep

STAGES = ("not_paid", "paid", "shared_code", "shared_screen", "installed_app")
REGIONS = ("cn", "us", "uk", "sg", "other")


class AdviceBook:
    """Selects and orders advice steps for the user's stage(s), region and language."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self.sources = kb.sources

    def steps(self, stages: list[str], region: str | None, language: str) -> list[AdviceStep]:
        """Steps for any of ``stages`` in ``region`` (unknown regions get the general steps)."""
        region = region if region in REGIONS else "other"
        wanted = set(stages) or {"not_paid"}
        chosen = []
        for step in self.kb.advice:
            step_stages = set(step.get("stages", [])) or {"any"}
            regions = set(step.get("regions", [])) or {"any"}
            if ("any" in step_stages or step_stages & wanted) and ("any" in regions or region in regions):
                chosen.append(step)
        urgency = {s: i for i, s in enumerate(["paid", "shared_code", "shared_screen",
                                                "installed_app", "not_paid", "any"])}

        def order(step: dict) -> tuple[int, int]:
            first = min((urgency.get(s, 9) for s in step.get("stages", ["any"]) if s in wanted
                         or s == "any"), default=9)
            return (first, int(step.get("priority", 50)))

        lang = language if language in ("en", "zh") else "en"
        return [
            AdviceStep(
                id=s["id"], text=s["text"][lang], phones=list(s.get("phones", [])),
                sources=[self.sources[i]["url"] for i in s["sources"] if i in self.sources],
            )
            for s in sorted(chosen, key=order)
        ]

    def hotlines(self, region: str | None, language: str) -> list[dict]:
        """Official channels for ``region`` with names in ``language`` and their sources."""
        region = region if region in REGIONS else "other"
        lang = language if language in ("en", "zh") else "en"
        return [
            {"id": h["id"], "name": h["name"][lang], "number": h.get("number", ""),
             "url": h.get("url", ""),
             "sources": [self.sources[i]["url"] for i in h["sources"] if i in self.sources]}
            for h in self.kb.hotlines if h["region"] in (region, "any")
        ]


def advice_steps(stages: list[str], region: str | None, language: str) -> list[AdviceStep]:
    """Advice steps from the default knowledge base (see :class:`AdviceBook`)."""
    from .checker import get_checker

    return get_checker().advice_book.steps(stages, region, language)


def hotlines(region: str | None, language: str) -> list[dict]:
    """Official reporting channels from the default knowledge base."""
    from .checker import get_checker

    return get_checker().advice_book.hotlines(region, language)
