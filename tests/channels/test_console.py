"""The command-line shell shows the text and the buttons of each message, never its custom payload."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from rasa.core.channels import console as rasa_console

from channels import console

ROOT = Path(__file__).resolve().parents[2]
VERDICT = {
    "recipient_id": "u1",
    "text": "⚠️ High risk: this looks like a scam.",
    "custom": {"assessment": {"risk": "high", "score": 95, "red_flags": [{"id": "upfront_fee"}]}},
}
QUIZ_ITEM = {
    "recipient_id": "u1",
    "text": "Question 1 of 5: they ask for a fee before paying out the loan.",
    "buttons": [{"title": "Scam", "payload": "/quiz_answer{\"choice\":\"scam\"}"},
                {"title": "Legit", "payload": "/quiz_answer{\"choice\":\"legit\"}"}],
    "custom": {"quiz": {"item": 1, "of": 5}},
}


def test_a_verdict_shows_its_text_and_not_the_assessment_json(capsys):
    assert console.print_bot_output(VERDICT) is None
    out = capsys.readouterr().out
    assert VERDICT["text"] in out
    assert "Custom json" not in out and "assessment" not in out and "upfront_fee" not in out


def test_an_earlier_message_with_buttons_lists_them_without_the_quiz_json(capsys):
    console.print_bot_output(QUIZ_ITEM)
    out = capsys.readouterr().out
    assert QUIZ_ITEM["text"] in out and "1: Scam" in out and "2: Legit" in out
    assert "Custom json" not in out and '"quiz"' not in out


def test_the_latest_message_with_buttons_asks_for_a_choice_and_prints_no_json(capsys, monkeypatch):
    asked = []
    monkeypatch.setattr(rasa_console.questionary, "select",
                        lambda text, choices, **_: asked.append((text, choices)) or "question")
    assert console.print_bot_output(QUIZ_ITEM, is_latest_message=True) == "question"
    [(text, choices)] = asked
    assert text == QUIZ_ITEM["text"] and any("Scam" in str(choice) for choice in choices)
    assert "Custom json" not in capsys.readouterr().out


def test_printing_leaves_the_message_as_it_was():
    before = repr(QUIZ_ITEM)
    console.print_bot_output(QUIZ_ITEM)
    assert repr(QUIZ_ITEM) == before


def test_a_message_with_only_a_custom_payload_prints_nothing(capsys):
    console.print_bot_output({"recipient_id": "u1", "custom": {"advice": ["stop_do_not_pay"]}})
    assert capsys.readouterr().out == ""


def test_install_makes_rasas_console_use_this_printer(monkeypatch):
    monkeypatch.setattr(rasa_console, "_print_bot_output", rasa_console._print_bot_output)
    console.install()
    assert rasa_console._print_bot_output is console.print_bot_output


def test_make_shell_runs_rasa_shell_through_this_console():
    spec = importlib.util.spec_from_file_location("run_all_under_test", ROOT / "scripts" / "run_all.py")
    assert spec is not None and spec.loader is not None
    run_all = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_all)

    class Stack:
        def shell_command(self) -> list[str]:
            return ["/venv/bin/rasa", "shell", "--model", "models/m.tar.gz", "--port", "5005"]

    assert run_all.console_command(Stack()) == [
        sys.executable, "-m", "channels.console", "--model", "models/m.tar.gz", "--port", "5005"]

