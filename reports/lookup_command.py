"""``scam-check --lookup VALUE [--json]``: how often a number, link or account was reported.

``--json`` prints exactly one object: ``{"value", "reports", "first_seen", "last_seen",
"patterns"}`` (``value`` normalised, hours in UTC ISO 8601, pattern ids most frequent first).
Exit codes: 0 looked up (found or not), 2 nothing to look up, 1 the store cannot be opened.
"""

from __future__ import annotations

import json
import sys

from .store import LookupResult, ReportStore

WORDS = {
    "en": {
        "empty": "Nothing to look up: give a phone number, a link or domain, an account or an app name.",
        "found": "{value}: reported {reports} time(s), first {first_seen}, last {last_seen}.",
        "patterns": "Scams it was reported with: {patterns}.",
        "none": "{value}: no reports yet. That does NOT mean it is safe: new numbers and sites "
                "appear every day. Verify through the official app or a number you find yourself.",
        "store": "The reports store cannot be opened: {error}",
    },
    "zh": {
        "empty": "没有可查询的内容：请提供电话号码、网址或域名、账户或 App 名称。",
        "found": "{value}：被举报 {reports} 次，首次 {first_seen}，最近 {last_seen}。",
        "patterns": "举报中涉及的骗局：{patterns}。",
        "none": "{value}：暂无举报记录。这不代表它是安全的：骗子每天都在换新号码和新网站。"
                "请通过官方 App 或你自己查到的电话核实。",
        "store": "无法打开举报数据库：{error}",
    },
}


def render(result: LookupResult, language: str) -> str:
    """The result in plain words; "no reports" always says that it is not a sign of safety."""
    words = WORDS[language]
    if not result.reports:
        return words["none"].format(value=result.value)
    lines = [words["found"].format(**result.to_dict())]
    if result.patterns:
        lines.append(words["patterns"].format(patterns=", ".join(result.patterns)))
    return "\n".join(lines)


def run_lookup(value: str, as_json: bool = False, language: str | None = None) -> int:
    """Prints the lookup of ``value``; returns the exit code."""
    lang = language if language in WORDS else "en"
    if not value.strip():
        print(json.dumps({"error": "empty", "message": WORDS[lang]["empty"]}, ensure_ascii=False)
              if as_json else WORDS[lang]["empty"], file=sys.stdout if as_json else sys.stderr)
        return 2
    try:
        store = ReportStore()
    except Exception as exc:  # a bad URL or an unreachable database: say so, never a traceback
        print(WORDS[lang]["store"].format(error=exc), file=sys.stderr)
        return 1
    try:
        result = store.lookup(value)
    finally:
        store.close()
    print(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else render(result, lang))
    return 0
