"""``scam-check``: check a message from the command line.

    scam-check "they want an unfreezing fee before the loan"
    echo "有人让我刷流水" | scam-check --json

Prints a readable verdict, or with ``--json`` exactly one JSON object on the last line.
Exit codes: 0 checked, 2 bad input (empty or binary), 1 knowledge base invalid.
"""

from __future__ import annotations

import argparse
import json
import sys

from .knowledge import KnowledgeError
from .language import has_letters
from .models import Assessment
from .verdict import headline

MESSAGES = {
    "empty": {
        "en": "Nothing to check: please paste the message or describe the offer in words.",
        "zh": "没有可检查的内容：请粘贴消息原文，或用文字描述对方的说法。",
    },
    "binary": {
        "en": "This looks like a binary file, not text. Please paste the words of the message.",
        "zh": "这看起来是二进制文件而不是文字，请粘贴消息的文字内容。",
    },
}
HEADINGS = {
    "en": ("Red flags", "Resembles", "What to do now", "Only the first 20,000 characters were checked."),
    "zh": ("危险信号", "类似骗局", "现在该怎么做", "只检查了前20000个字符。"),
}


class InputError(ValueError):
    """Input that cannot be checked; ``kind`` selects the message."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def decode_input(raw: bytes) -> str:
    """Decode stdin bytes as text, refusing empty or binary input."""
    if b"\x00" in raw[:65536]:
        raise InputError("binary")
    text = raw.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(8, len(text) // 20):
        raise InputError("binary")
    if not text.strip():
        raise InputError("empty")
    return text


def render(assessment: Assessment, steps: list) -> str:
    """A readable verdict in the assessment's language."""
    lang = assessment.language
    flags_h, patterns_h, advice_h, truncated = HEADINGS[lang]
    lines = [headline(assessment.risk, lang) + f" ({assessment.score}/100)"]
    if assessment.red_flags:
        lines.append(f"\n{flags_h}:")
        for flag in assessment.red_flags:
            quoted = ", ".join(f'"{e}"' for e in flag.evidence[:3])
            lines.append(f"- {flag.label} [{quoted}]\n  {flag.why}")
    if assessment.patterns:
        lines.append(f"\n{patterns_h}: " + "; ".join(p.name for p in assessment.patterns))
    lines.append(f"\n{advice_h}:")
    lines += [f"{i}. {step.text}" for i, step in enumerate(steps, 1)]
    if assessment.truncated:
        lines.append(f"\n({truncated})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``scam-check`` command."""
    parser = argparse.ArgumentParser(prog="scam-check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", nargs="*", help="the message (read from stdin when omitted)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=["en", "zh"], help="answer language (default: detected)")
    parser.add_argument("--region", choices=["cn", "us", "uk", "sg", "other"], default="cn",
                        help="where you are, for the advice (default: cn)")
    parser.add_argument("--lookup", metavar="VALUE",
                        help="how often a phone number, link or account was reported (reports store)")
    args = parser.parse_args(argv)
    if args.lookup is not None:
        from reports.lookup_command import run_lookup

        return run_lookup(args.lookup, as_json=args.json, language=args.lang)
    try:
        if args.text:
            text = " ".join(args.text)
            if "\x00" in text:
                raise InputError("binary")
            if not text.strip():
                raise InputError("empty")
        else:
            text = decode_input(sys.stdin.buffer.read())
    except InputError as exc:
        return _fail(args, exc.kind)
    try:
        from .checker import get_checker
        from .models import Facts

        checker = get_checker()
    except KnowledgeError as exc:
        print(f"Knowledge base is invalid: {exc}", file=sys.stderr)
        return 1
    assessment = checker.check(text, Facts(region=args.region), args.lang)
    steps = checker.advice_book.steps(checker.stages(assessment.red_flags, None), args.region,
                                      assessment.language)
    if args.json:
        payload = assessment.to_dict()
        if not has_letters(text):
            payload["note"] = "no words to check"
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(render(assessment, steps))
    return 0


def _fail(args: argparse.Namespace, kind: str) -> int:
    lang = args.lang or "en"
    message = MESSAGES[kind][lang]
    if args.json:
        print(json.dumps({"error": kind, "message": message}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
