"""The scam-check command: readable verdicts, the JSON contract, and bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "scam-check"


def run(args, stdin: bytes = b""):
    command = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "scamcheck.cli"]
    return subprocess.run(command + args, input=stdin, capture_output=True, cwd=ROOT, timeout=120)


def test_command_is_installed_in_the_virtualenv():
    assert EXE.exists(), "make install must install scam-check into .venv/bin"


def test_json_output_is_one_object_on_the_last_line_with_the_contract_keys():
    result = run(["--json", "they want an unfreezing fee before the loan is released"])
    assert result.returncode == 0
    payload = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert set(payload) >= {"risk", "score", "language", "red_flags", "patterns", "advice"}
    assert payload["risk"] == "high" and payload["language"] == "en"
    assert set(payload["red_flags"][0]) == {"id", "label", "evidence", "why"}
    assert set(payload["patterns"][0]) == {"id", "name"}


def test_text_from_stdin_gets_a_readable_chinese_verdict():
    result = run([], "客服说我银行卡号填错了，要交解冻费".encode())
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "风险很高" in out and "危险信号" in out


def test_low_risk_wording_never_says_safe_without_the_caveat():
    out = run(["see you at dinner tonight"]).stdout.decode()
    assert "no known warning signs in what you told me" in out.lower()


@pytest.mark.parametrize("stdin", [b"", b"   \n\t "])
def test_empty_input_is_a_clear_error_with_exit_code_2(stdin):
    result = run(["--json"], stdin)
    assert result.returncode == 2
    assert json.loads(result.stdout.decode().splitlines()[-1])["error"] == "empty"


def test_binary_input_is_refused_with_exit_code_2():
    result = run([], bytes(range(256)) * 10)
    assert result.returncode == 2
    assert b"binary" in result.stderr


def test_one_megabyte_input_is_handled():
    big = ("我想借钱，客服让我交解冻费。" + "x" * 1000) * 1000
    result = run(["--json"], big.encode())
    assert result.returncode == 0
    assert json.loads(result.stdout.decode().splitlines()[-1])["risk"] == "high"


def test_emoji_only_input_gets_a_calm_low_verdict():
    result = run(["--json", "😱😱😱"])
    payload = json.loads(result.stdout.decode().splitlines()[-1])
    assert result.returncode == 0 and payload["risk"] == "low"
    assert payload["note"] == "no words to check"
