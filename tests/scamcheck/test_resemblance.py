"""The resemblance model: trained on the licensed corpus' train part only, lifts low to medium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scamcheck import RiskLevel, get_checker
from scamcheck.checker import RESEMBLANCE, Checker
from scamcheck.resemblance import (
    CORPUS_DIR,
    Model,
    Resemblance,
    corpus_part,
    ensure_model,
    load_corpus,
    read_model,
    split_of,
    train_by_language,
)

ROOT = Path(__file__).resolve().parents[2]
SPAMMY = "WINNER!! Txt CLAIM to 81010 now to collect ur free ringtone, 150p/msg, 18+ T&Cs apply"


class Always(Resemblance):
    """A stand-in model that says every text resembles a scam."""

    def __init__(self) -> None:
        super().__init__({})

    def resembles(self, text: str, lang: str) -> bool:
        return True


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_corpus_rows_carry_source_licence_and_known_labels():
    rows = load_corpus()
    assert len(rows) >= 300
    for row in rows:
        assert row["lang"] in ("en", "zh") and row["label"] in ("loan_scam", "other_scam", "legit")
        assert "#row" in row["source"] and row["licence"]


def test_no_corpus_row_is_in_the_dev_set():
    dev = Path(os.environ.get("CHECKER_DEV_SET", ""))
    if not dev.is_file():
        pytest.skip("dev set not present (CHECKER_DEV_SET)")
    dev_rows = _rows(dev)
    dev_ids = {r["source"].split("/")[-1].split("|")[0] for r in dev_rows}
    dev_texts = {" ".join(r["text"].split()).lower() for r in dev_rows}
    for row in load_corpus():
        assert row["source"].split("|")[0] not in dev_ids
        assert " ".join(row["text"].split()).lower() not in dev_texts


def test_split_is_a_fixed_function_of_the_text_and_keeps_duplicates_together():
    assert split_of("Sorry, I'll call later") == split_of("sorry,  I'll call later ")
    parts = {split_of(r["text"]) for r in load_corpus()}
    assert parts == {"train", "benchmark"}
    train, bench = corpus_part("train"), corpus_part("benchmark")
    assert not {r["text"] for r in train} & {r["text"] for r in bench}
    assert 0.2 < len(bench) / (len(train) + len(bench)) < 0.4


def test_model_is_trained_on_the_train_part_only(tmp_path):
    """Moving the benchmark rows out of the corpus does not change the model at all."""
    only_train = tmp_path / "corpus"
    only_train.mkdir()
    (only_train / "train.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in corpus_part("train")), encoding="utf-8")
    full, partial = tmp_path / "full.db", tmp_path / "partial.db"
    ensure_model(full, CORPUS_DIR)
    ensure_model(partial, only_train)
    assert read_model(full).models["en"].weights == read_model(partial).models["en"].weights


def test_model_is_rebuilt_only_when_the_corpus_changes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text((CORPUS_DIR / "sms_spam_collection_uci.jsonl").read_text("utf-8"),
                                    encoding="utf-8")
    db = tmp_path / "model.db"
    assert ensure_model(db, corpus) is True
    assert ensure_model(db, corpus) is False
    with (corpus / "a.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"text": "extra", "lang": "en", "label": "legit", "source": "x#row1",
                            "licence": "CC0"}) + "\n")
    assert ensure_model(db, corpus) is True


def test_a_language_without_enough_rows_gets_no_model():
    rows = [{"text": f"hello {i}", "lang": "zh", "label": "legit"} for i in range(50)]
    assert train_by_language(rows) == {}
    assert Resemblance({}).resembles("你好", "zh") is False


def test_model_separates_held_out_scam_from_legit_texts():
    model = get_checker().resemblance.models["en"]
    bench = corpus_part("benchmark")
    scams = [model.probability(r["text"]) >= model.threshold for r in bench if r["label"] != "legit"]
    legit = [model.probability(r["text"]) >= model.threshold for r in bench if r["label"] == "legit"]
    assert sum(scams) / len(scams) >= 0.5
    assert sum(legit) / len(legit) <= 0.03


def test_it_lifts_low_to_medium_with_the_explanation():
    checker = get_checker()
    rules_only = Checker(checker.kb, None).check("see you at the station at six", language="en")
    assert rules_only.risk is RiskLevel.LOW
    lifted = Checker(checker.kb, Always()).check("see you at the station at six", language="en")
    assert lifted.risk is RiskLevel.MEDIUM and lifted.score == 35
    assert [p.id for p in lifted.patterns] == [RESEMBLANCE]
    assert lifted.patterns[0].name == "Resembles known scam messages"
    zh = Checker(checker.kb, Always()).check("明天见", language="zh")
    assert zh.patterns[0].name == "与已知诈骗短信相似"
    assert lifted.red_flags == []  # the model adds no red flag: the rules give every "why"


def test_the_explanation_exists_in_both_languages():
    pattern = next(p for p in get_checker().kb.patterns if p["id"] == RESEMBLANCE)
    for key in ("name", "summary"):
        assert pattern[key]["en"] and any("\u4e00" <= ch <= "\u9fff" for ch in pattern[key]["zh"])


@pytest.mark.parametrize("text", [
    "pay a processing fee before the loan",
    "Congratulations, your loan is approved, reply YES to claim it",
    "民警说我涉嫌洗钱，要转到安全账户",
    SPAMMY,
])
def test_it_never_removes_a_red_flag_or_lowers_a_verdict(text):
    checker = get_checker()
    rules = Checker(checker.kb, None).check(text)
    for model in (checker.resemblance, Always(), Resemblance({"en": Model({}, -30.0, 0.99)})):
        both = Checker(checker.kb, model).check(text)
        assert [f.id for f in both.red_flags] == [f.id for f in rules.red_flags]
        assert [f.why for f in both.red_flags] == [f.why for f in rules.red_flags]
        assert both.score >= rules.score
        order = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
        assert order.index(both.risk) >= order.index(rules.risk)
        if rules.risk is not RiskLevel.LOW:
            assert both.risk is rules.risk and both.patterns == rules.patterns


def test_never_above_medium_on_its_own():
    checker = Checker(get_checker().kb, Always())
    assert checker.check("ok see you later", language="en").risk is RiskLevel.MEDIUM


def test_bench_script_loads_both_sets():
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_checker

    licensed = bench_checker.load_set("licensed")
    assert licensed and all(split_of(r["text"]) == "benchmark" for r in licensed)
    train = bench_checker.load_set("licensed-train")
    assert train and all(split_of(r["text"]) == "train" for r in train)
    assert bench_checker.load_set("dev", ROOT / "no-such-file.jsonl") is None
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_checker.py"), "--no-cold-start",
                          "--data", str(ROOT / "no-such-file.jsonl")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "== licensed (" in out.stdout and "== dev: data not found" in out.stderr
