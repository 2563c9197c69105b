"""Play realistic multi-turn conversations against a running assistant and judge each one.

Usage::

    python scripts/run_conversations.py tests/conversations/dev --url http://localhost:5005
    python scripts/run_conversations.py FILE_OR_DIR... [--show-failures] [--min-pass 0.95] [--json]
    python scripts/run_conversations.py tests/conversations --validate-only

Each conversation (``tests/conversations/*/*.yml``, format in ``tests/conversations/README.md``)
is played over Rasa's REST channel with a fresh sender id, and passes when:

- a verdict arrived (a message whose ``custom`` carries ``assessment``);
- the final risk (of the last assessment received) is one of the expected levels;
- every required advice id is in the final advice and no forbidden one is (the final advice is
  the ``steps`` of the last ``custom.advice`` received, or the last assessment's ``advice`` when
  no advice payload arrived);
- every expected red flag and stage is in the final assessment;
- no interview question (a text of a ``utter_ask_*`` response in ``domain/*.yml``, in any
  language) is asked more than twice in a row;
- every user turn got at least one reply with text.

Prints passed/total per file, per language and overall, with the reason for each failure
(and the transcript with ``--show-failures``); exits 1 below ``--min-pass``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "zh", "zh-Hant", "mixed")
RISKS = ("low", "medium", "high")
MAX_SAME_QUESTION_IN_A_ROW = 2
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
EXPECT_KEYS = {"risk", "advice", "no_advice", "red_flags", "stages"}
CONVERSATION_KEYS = {"id", "source", "lang", "turns", "expect"}
STAGES = ("not_paid", "paid", "shared_code", "shared_screen", "installed_app")


# -- the corpus ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Expectation:
    """What the final state of a conversation must show."""

    risk: tuple[str, ...]
    advice: tuple[str, ...] = ()
    no_advice: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversation:
    """One scripted user: the turns they type and what the assistant must end up saying."""

    id: str
    source: str
    lang: str
    turns: tuple[str, ...]
    expect: Expectation
    file: str = ""


def as_tuple(value: Any) -> tuple[str, ...]:
    """A YAML scalar or list as a tuple of strings (None -> empty)."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.yml``/``.yaml`` files named by ``paths`` (directories are searched recursively)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
        else:
            files.append(path)
    return files


def read_file(path: Path) -> dict[str, Any]:
    """The parsed YAML document of one corpus file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def load_corpus(paths: Iterable[str | Path]) -> list[Conversation]:
    """Every conversation in the files or directories ``paths`` (assumes they validate)."""
    conversations = []
    for path in corpus_files(paths):
        for item in read_file(path).get("conversations") or []:
            expect = item.get("expect") or {}
            conversations.append(Conversation(
                id=str(item["id"]), source=str(item.get("source", "")),
                lang=str(item.get("lang", "")), turns=tuple(str(t) for t in item["turns"]),
                expect=Expectation(
                    risk=as_tuple(expect.get("risk")), advice=as_tuple(expect.get("advice")),
                    no_advice=as_tuple(expect.get("no_advice")),
                    red_flags=as_tuple(expect.get("red_flags")),
                    stages=as_tuple(expect.get("stages")),
                ),
                file=str(path),
            ))
    return conversations


# -- validation ---------------------------------------------------------------------------------
def knowledge_ids(name: str, key: str | None = None) -> set[str]:
    """Ids listed in ``knowledge/<name>`` (under ``key`` when the file is a mapping)."""
    data = yaml.safe_load((ROOT / "knowledge" / name).read_text(encoding="utf-8"))
    items = data.get(key, []) if isinstance(data, dict) and key else data
    if isinstance(items, dict):
        items = next((v for v in items.values() if isinstance(v, list)), [])
    return {str(i["id"]) for i in items or [] if isinstance(i, dict) and "id" in i}


def advice_ids() -> set[str]:
    """Advice step ids of the knowledge base."""
    return knowledge_ids("advice.yaml", "steps")


def red_flag_ids() -> set[str]:
    """Red-flag ids of the knowledge base."""
    return knowledge_ids("red_flags.yaml", "red_flags")


def validate_conversation(item: Any, where: str, known_advice: set[str],
                          known_flags: set[str]) -> list[str]:
    """Problems with one conversation entry (empty when it is well formed)."""
    if not isinstance(item, dict):
        return [f"{where}: not a mapping"]
    problems = [f"{where}: unknown key {k!r}" for k in sorted(set(item) - CONVERSATION_KEYS)]
    cid = item.get("id")
    if not isinstance(cid, str) or not ID_PATTERN.match(cid):
        problems.append(f"{where}: id must be lower-case letters, digits and dashes")
    source = item.get("source")
    if not isinstance(source, str) or not re.match(r"^https?://\S+$", source):
        problems.append(f"{where}: source must be the URL of the public account it comes from")
    if item.get("lang") not in LANGS:
        problems.append(f"{where}: lang must be one of {', '.join(LANGS)}")
    turns = item.get("turns")
    if (not isinstance(turns, list) or len(turns) < 2
            or not all(isinstance(t, str) and t.strip() for t in turns)):
        problems.append(f"{where}: turns must be a list of at least two non-empty strings "
                        "(quote no/yes/on/off and bare numbers)")
    expect = item.get("expect")
    if not isinstance(expect, dict):
        return problems + [f"{where}: expect is missing"]
    problems += [f"{where}: unknown expect key {k!r}" for k in sorted(set(expect) - EXPECT_KEYS)]
    risks = as_tuple(expect.get("risk"))
    if not risks or any(r not in RISKS for r in risks):
        problems.append(f"{where}: expect.risk must be one or more of {', '.join(RISKS)}")
    for key in ("advice", "no_advice"):
        unknown = [a for a in as_tuple(expect.get(key)) if a not in known_advice]
        if unknown:
            problems.append(f"{where}: expect.{key} names unknown advice ids {unknown}")
    both = set(as_tuple(expect.get("advice"))) & set(as_tuple(expect.get("no_advice")))
    if both:
        problems.append(f"{where}: {sorted(both)} both required and forbidden")
    unknown_flags = [f for f in as_tuple(expect.get("red_flags")) if f not in known_flags]
    if unknown_flags:
        problems.append(f"{where}: expect.red_flags names unknown red flags {unknown_flags}")
    unknown_stages = [s for s in as_tuple(expect.get("stages")) if s not in STAGES]
    if unknown_stages:
        problems.append(f"{where}: expect.stages names unknown stages {unknown_stages}")
    return problems


def validate_files(paths: Iterable[str | Path]) -> list[str]:
    """Every format problem in the corpus files (ids must be unique across all of them)."""
    known_advice, known_flags = advice_ids(), red_flag_ids()
    problems: list[str] = []
    seen: dict[str, str] = {}
    files = corpus_files(paths)
    if not files:
        return ["no corpus files found"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            problems.append(f"{path}: not valid YAML ({error})")
            continue
        if not isinstance(data, dict) or data.get("version") != 1:
            problems.append(f"{path}: must start with `version: 1`")
            continue
        items = data.get("conversations")
        if not isinstance(items, list) or not items:
            problems.append(f"{path}: `conversations` must be a non-empty list")
            continue
        summaries = len(re.findall(r"^\s*# summary: \S", text, flags=re.MULTILINE))
        if summaries < len(items):
            problems.append(f"{path}: {len(items) - summaries} conversation(s) lack a "
                            "`# summary:` comment")
        for index, item in enumerate(items):
            cid = item.get("id") if isinstance(item, dict) else None
            where = f"{path}: {cid or f'conversation #{index + 1}'}"
            problems += validate_conversation(item, where, known_advice, known_flags)
            if isinstance(cid, str):
                if cid in seen:
                    problems.append(f"{where}: id also used in {seen[cid]}")
                seen.setdefault(cid, str(path))
    return problems


# -- questions the interview asks ----------------------------------------------------------------
def normalise(text: str) -> str:
    """Text with whitespace collapsed, for comparing bot messages."""
    return " ".join(str(text).split())


def question_texts(domain_dir: Path = ROOT / "domain") -> dict[str, str]:
    """Every variant (language) of every ``utter_ask_*`` response text -> the response name."""
    questions: dict[str, str] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            if not str(name).startswith("utter_ask_"):
                continue
            for variant in variants or []:
                if isinstance(variant, dict) and variant.get("text"):
                    questions[normalise(variant["text"])] = str(name)
    return questions


def which_question(text: str, questions: dict[str, str]) -> str | None:
    """The question a bot message asks: it equals, or ends with, a question text."""
    said = normalise(text)
    if said in questions:
        return questions[said]
    endings = [q for q in questions if said.endswith(q)]
    return questions[max(endings, key=len)] if endings else None


# -- playing and judging -------------------------------------------------------------------------
@dataclass
class Exchange:
    """One user message and the assistant's replies to it."""

    user: str
    replies: list[dict[str, Any]]
    error: str | None = None


@dataclass
class Outcome:
    """A played conversation, its final state and why it failed (if it did)."""

    conversation: Conversation
    transcript: list[Exchange]
    failures: list[str] = field(default_factory=list)
    assessment: dict[str, Any] | None = None
    advice: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return not self.failures


def rest_url(url: str) -> str:
    """The REST webhook for a Rasa base URL (a full webhook URL is kept as it is)."""
    url = url.rstrip("/")
    return url if url.endswith("/webhooks/rest/webhook") else f"{url}/webhooks/rest/webhook"


def play(conversation: Conversation, url: str, timeout: float = 120.0,
         client: httpx.Client | None = None) -> list[Exchange]:
    """Send each turn with a fresh sender id; stop at the first HTTP error."""
    sender = f"corpus-{conversation.id}-{uuid.uuid4().hex[:8]}"
    transcript: list[Exchange] = []
    own = client is None
    client = client or httpx.Client(timeout=timeout)
    try:
        for turn in conversation.turns:
            try:
                reply = client.post(rest_url(url), json={"sender": sender, "message": turn})
                reply.raise_for_status()
                messages = reply.json()
                transcript.append(Exchange(turn, messages if isinstance(messages, list) else []))
            except (httpx.HTTPError, ValueError) as error:
                transcript.append(Exchange(turn, [], error=f"{type(error).__name__}: {error}"))
                break
    finally:
        if own:
            client.close()
    return transcript


def custom_of(message: dict[str, Any]) -> dict[str, Any]:
    """The ``custom`` payload of a reply (empty when there is none)."""
    custom = message.get("custom")
    return custom if isinstance(custom, dict) else {}


def final_state(transcript: Sequence[Exchange]) -> tuple[dict | None, list[str] | None, list[str]]:
    """The last assessment, the last advice steps (None if no advice payload) and stages."""
    assessment, advice, stages = None, None, None
    for exchange in transcript:
        for message in exchange.replies:
            custom = custom_of(message)
            if isinstance(custom.get("assessment"), dict):
                assessment = custom["assessment"]
                if assessment.get("stages"):
                    stages = list(assessment["stages"])
            if isinstance(custom.get("advice"), dict):
                advice = [str(s) for s in custom["advice"].get("steps") or []]
                if custom["advice"].get("stages"):
                    stages = list(custom["advice"]["stages"])
    return assessment, advice, stages or []


def stages_from_advice(advice: Sequence[str]) -> list[str]:
    """Stages implied by advice ids that belong to one stage only (when no stages were sent)."""
    data = yaml.safe_load((ROOT / "knowledge" / "advice.yaml").read_text(encoding="utf-8"))
    single = {str(s["id"]): s["stages"][0] for s in data.get("steps", [])
              if len(s.get("stages") or []) == 1}
    found = {single[a] for a in advice if a in single}
    return [s for s in STAGES if s in found]


def question_runs(transcript: Sequence[Exchange], questions: dict[str, str]) -> list[tuple[str, int]]:
    """Consecutive runs of the same question in the order the bot asked them."""
    runs: list[tuple[str, int]] = []
    for exchange in transcript:
        for message in exchange.replies:
            asked = which_question(message.get("text") or "", questions)
            if asked is None:
                continue
            if runs and runs[-1][0] == asked:
                runs[-1] = (asked, runs[-1][1] + 1)
            else:
                runs.append((asked, 1))
    return runs


def judge(conversation: Conversation, transcript: list[Exchange],
          questions: dict[str, str]) -> Outcome:
    """Check one played conversation against its expectation."""
    outcome = Outcome(conversation, transcript)
    fail = outcome.failures.append
    for number, exchange in enumerate(transcript, start=1):
        if exchange.error:
            fail(f"turn {number}: request failed ({exchange.error})")
        elif not any(str(m.get("text") or "").strip() for m in exchange.replies):
            fail(f"turn {number}: no reply with text to {exchange.user!r}")
    for name, count in question_runs(transcript, questions):
        if count > MAX_SAME_QUESTION_IN_A_ROW:
            fail(f"loop: {name} asked {count} times in a row")
    assessment, advice, stages = final_state(transcript)
    outcome.assessment = assessment
    if assessment is None:
        fail("no verdict arrived")
        return outcome
    outcome.advice = advice if advice is not None else [str(a) for a in assessment.get("advice") or []]
    outcome.stages = stages or stages_from_advice(outcome.advice)
    expect = conversation.expect
    risk = assessment.get("risk")
    if expect.risk and risk not in expect.risk:
        fail(f"risk {risk}, expected {'/'.join(expect.risk)}")
    missing = [a for a in expect.advice if a not in outcome.advice]
    if missing:
        fail(f"advice lacks {missing} (got {outcome.advice})")
    forbidden = [a for a in expect.no_advice if a in outcome.advice]
    if forbidden:
        fail(f"advice has forbidden {forbidden}")
    flags = {f.get("id") for f in assessment.get("red_flags") or [] if isinstance(f, dict)}
    missing_flags = [f for f in expect.red_flags if f not in flags]
    if missing_flags:
        fail(f"red flags lack {missing_flags} (got {sorted(str(f) for f in flags)})")
    missing_stages = [s for s in expect.stages if s not in outcome.stages]
    if missing_stages:
        fail(f"stages lack {missing_stages} (got {outcome.stages})")
    return outcome


def run(conversations: Sequence[Conversation], url: str, workers: int = 4,
        timeout: float = 120.0) -> list[Outcome]:
    """Play and judge every conversation, a few at a time; results in corpus order."""
    questions = question_texts()

    def one(conversation: Conversation) -> Outcome:
        return judge(conversation, play(conversation, url, timeout), questions)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, conversations))


# -- reporting -----------------------------------------------------------------------------------
def pass_rate(outcomes: Sequence[Outcome]) -> float:
    """Share of outcomes that passed (0.0 for none)."""
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def tally(outcomes: Sequence[Outcome], key: Any) -> dict[str, dict[str, Any]]:
    """passed/total/rate per value of ``key(outcome)``."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(key(outcome), []).append(outcome)
    return {name: {"passed": sum(o.passed for o in group), "total": len(group),
                   "rate": round(pass_rate(group), 4)}
            for name, group in sorted(groups.items())}


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Figures per file, per language and overall."""
    return {
        "files": tally(outcomes, lambda o: o.conversation.file),
        "languages": tally(outcomes, lambda o: o.conversation.lang),
        "overall": {"passed": sum(o.passed for o in outcomes), "total": len(outcomes),
                    "rate": round(pass_rate(outcomes), 4)},
    }


def transcript_lines(outcome: Outcome) -> list[str]:
    """A readable transcript: user turns, bot texts, and the verdict/advice payloads."""
    lines = []
    for exchange in outcome.transcript:
        lines.append(f"    > {exchange.user}")
        for message in exchange.replies:
            text = str(message.get("text") or "").replace("\n", "\n      ")
            if text:
                lines.append(f"      {text}")
            custom = custom_of(message)
            if "assessment" in custom:
                a = custom["assessment"]
                flags = [f.get("id") for f in a.get("red_flags") or []]
                lines.append(f"      [assessment risk={a.get('risk')} flags={flags}]")
            if "advice" in custom:
                lines.append(f"      [advice {custom['advice']}]")
        if exchange.error:
            lines.append(f"      [error {exchange.error}]")
    return lines


def outcome_json(outcome: Outcome, with_transcript: bool) -> dict[str, Any]:
    """One outcome as JSON."""
    data: dict[str, Any] = {
        "id": outcome.conversation.id, "file": outcome.conversation.file,
        "lang": outcome.conversation.lang, "passed": outcome.passed,
        "failures": outcome.failures,
        "risk": (outcome.assessment or {}).get("risk"), "advice": outcome.advice,
    }
    if with_transcript:
        data["transcript"] = [{"user": e.user, "replies": e.replies, "error": e.error}
                              for e in outcome.transcript]
    return data


def print_report(outcomes: Sequence[Outcome], show_failures: bool) -> None:
    """Print the figures, then each failure with its reason (and transcript)."""
    figures = summary(outcomes)

    def line(name: str, row: dict[str, Any]) -> str:
        return f"  {name:<40} {row['passed']:>3}/{row['total']:<3} {100 * row['rate']:5.1f}%"

    print("Per file:")
    for name, row in figures["files"].items():
        print(line(name, row))
    print("Per language:")
    for name, row in figures["languages"].items():
        print(line(name, row))
    print(line("Overall", figures["overall"]).replace("  Overall", "Overall  ", 1))
    failed = [o for o in outcomes if not o.passed]
    if failed:
        print(f"\nFailures ({len(failed)}):")
    for outcome in failed:
        print(f"- {outcome.conversation.id} ({outcome.conversation.lang}): "
              + "; ".join(outcome.failures))
        if show_failures:
            print("\n".join(transcript_lines(outcome)))


@contextlib.contextmanager
def served_assistant() -> Iterator[str]:
    """The assistant with the trained model on free ports, with a temporary tracker store."""
    sys.path.insert(0, str(ROOT))  # run as a script: make the `tooling` package importable
    from tooling.model import model_path
    from tooling.ports import Ports, available_ports
    from tooling.stack import Stack, StackConfig

    with tempfile.TemporaryDirectory() as tmp:
        config = StackConfig(
            model=model_path(), ports=available_ports(Ports(actions=15170, rasa=15171, web=15172)),
            web=False, public_host="127.0.0.1", tracker_db=Path(tmp) / "tracker.db",
            log_dir=Path(tmp) / "logs")
        with Stack(config) as stack:
            yield stack.urls.rasa


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="corpus files or directories")
    parser.add_argument("--url", default="http://localhost:5005", help="Rasa server base URL")
    parser.add_argument("--show-failures", action="store_true", help="print failed transcripts")
    parser.add_argument("--min-pass", type=float, default=0.95, help="exit 1 below this rate")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--validate-only", action="store_true", help="check the format only")
    parser.add_argument("--workers", type=int, default=4, help="conversations played at once")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--serve", action="store_true",
                        help="start the action server and Rasa with the trained model for this run")
    args = parser.parse_args(argv)

    problems = validate_files(args.paths)
    if args.validate_only or problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            count = len(load_corpus(args.paths))
            print(f"{count} conversations in {len(corpus_files(args.paths))} file(s): valid")
        return 1 if problems else 0

    if args.serve:
        with served_assistant() as url:
            outcomes = run(load_corpus(args.paths), url, args.workers, args.timeout)
    else:
        outcomes = run(load_corpus(args.paths), args.url, args.workers, args.timeout)
    if args.json:
        print(json.dumps({
            "summary": summary(outcomes),
            "conversations": [outcome_json(o, args.show_failures and not o.passed)
                              for o in outcomes],
        }, ensure_ascii=False, indent=2))
    else:
        print_report(outcomes, args.show_failures)
    return 0 if pass_rate(outcomes) >= args.min_pass else 1


if __name__ == "__main__":
    sys.exit(main())
