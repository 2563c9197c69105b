"""Typo corrector, stemmer and negation window, each on a small hand-written knowledge base."""

from __future__ import annotations

import json

import pytest

from scamcheck.nlp import (
    TypoCorrector,
    english,
    english_vocabulary,
    normalise_english,
    read_known_words,
    stem,
    vocabulary_digest,
)
from scamcheck.scope import negated_en, negated_zh

CONCEPTS = {
    "fee": {"en": ["processing fee", "unfreeze fee"]},
    "loan": {"en": ["loan", "instant loan"]},
    "service": {"en": ["customer service", "verification code"]},
}
VOCABULARY = english_vocabulary(CONCEPTS)
REAL_WORDS = {"accepted", "lone", "custom", "servile", "verifiable"}


@pytest.fixture
def corrector() -> TypoCorrector:
    return TypoCorrector(VOCABULARY, known_words=REAL_WORDS)


def test_vocabulary_is_the_knowledge_base_words():
    assert VOCABULARY == {"processing", "fee", "unfreeze", "loan", "instant", "customer", "service",
                          "verification", "code"}


@pytest.mark.parametrize("typo,meant", [
    ("unfreze", "unfreeze"), ("custmer", "customer"), ("proccessing", "processing"),
    ("verificaton", "verification"), ("servise", "service"), ("instnat", "instant"),
])
def test_non_words_near_the_vocabulary_are_corrected(corrector, typo, meant):
    assert corrector.correct(typo) == meant


@pytest.mark.parametrize("word", sorted(REAL_WORDS))
def test_valid_words_are_never_corrected(corrector, word):
    assert corrector.correct(word) == word


def test_the_same_typo_is_corrected_when_it_is_not_a_known_word():
    assert TypoCorrector(VOCABULARY, known_words=()).correct("servile") == "service"


def test_only_vocabulary_words_are_targets(corrector):
    assert corrector.correct("monye") == "monye"      # "money" is not in this knowledge base
    assert all(c in VOCABULARY for c in corrector.candidates("servce"))


@pytest.mark.parametrize("word,allowed", [("loan", 0), ("fees", 0), ("loans", 1), ("customer", 1),
                                          ("unfreezes", 2), ("verification", 2)])
def test_distance_grows_with_length(word, allowed):
    assert TypoCorrector.max_distance(len(word)) == allowed


def test_short_words_and_far_words_are_left_alone(corrector):
    assert corrector.correct("lon") == "lon"           # too short to correct
    assert corrector.correct("cstmre") == "cstmre"      # two edits away, six letters allow one
    assert corrector.correct("verfctionn") == "verfctionn"  # three edits away
    assert corrector.correct("xustomer") == "xustomer"  # the first letter must match


def test_known_words_are_read_only_for_their_own_vocabulary(tmp_path):
    path = tmp_path / "known.json"
    path.write_text(json.dumps({"vocabulary": vocabulary_digest(VOCABULARY), "words": ["custom"]}))
    assert read_known_words(VOCABULARY, path) == {"custom"}
    assert read_known_words(VOCABULARY | {"extra"}, path) == set()
    assert read_known_words(VOCABULARY, tmp_path / "missing.json") == set()


@pytest.mark.parametrize("word,expected", [
    ("fees", "fee"), ("loans", "loan"), ("asked", "ask"), ("charges", "charge"), ("fixes", "fix"),
    ("applies", "apply"), ("processing", "process"), ("loan", "loan"), ("class", "class"),
    ("bus", "bus"), ("is", "is"),
])
def test_stemmer(word, expected):
    assert stem(word) == expected


def test_normaliser_corrects_then_stems(corrector):
    doc = normalise_english(english().make_doc("Custmer servise wants fees, don't pay"), corrector)
    assert [t.norm_ for t in doc] == ["customer", "service", "want", "fee", ",", "do", "not", "pay"]


def _negated(text: str, word: str) -> bool:
    words = [t.lower_ if not t.is_space else " " for t in english().make_doc(text)]
    return negated_en(words, words, words.index(word), {"not", "never", "no", "n't"},
                      [("not", "only")])


@pytest.mark.parametrize("text,word,expected", [
    ("they never asked for a fee", "fee", True),
    ("she never asked me for money or for any code", "code", True),
    ("no fee, or any deposit", "deposit", True),
    ("i did not know and i paid the fee", "fee", False),        # new subject ends the clause
    ("not now. pay the fee", "fee", False),                     # new sentence
    ("there is no problem but they want a fee", "fee", False),  # clause break
    ("if you do not pay the fee", "fee", False),                # a threat, not a negation
    ("not only a fee but a deposit", "fee", False),             # pseudo-negation
    ("mobile no 0712 fee", "fee", False),                       # "no" meaning number
])
def test_english_negation_window(text, word, expected):
    assert _negated(text, word) is expected


def test_english_negation_reaches_at_most_fourteen_tokens():
    near = "not " + "x " * 12 + "fee"
    far = "not " + "x " * 15 + "fee"
    assert _negated(near, "fee") is True and _negated(far, "fee") is False


@pytest.mark.parametrize("text,expected", [
    ("他没有要求我交手续费", True), ("不用交手续费", True),
    ("如果不交手续费就会影响征信", False), ("我没想到要交手续费", False), ("不。要交手续费", False),
])
def test_chinese_negation_window(text, expected):
    start = text.index("手续费")
    assert negated_zh(text, start, ["没有", "不用", "没", "不"], ["没想到"]) is expected
