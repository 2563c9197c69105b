import string

import pytest

from actions.texts import catalogue, label, say

KEYS = [key for key in catalogue() if key != "labels"]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", KEYS)
def test_every_text_exists_in_both_languages_with_the_same_placeholders(key):
    entry = catalogue()[key]
    assert entry["en"].strip() and entry["zh"].strip()
    assert placeholders(entry["en"]) == placeholders(entry["zh"])


def test_chinese_texts_are_written_in_chinese():
    for key in KEYS:
        zh = catalogue()[key]["zh"]
        if key in ("step_line", "flag_line", "handoff_line", "pattern_separator",
                   "handoff_line_name_only"):  # punctuation only
            continue
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), key


def test_unknown_language_falls_back_to_english():
    assert say("region_noted", None) == catalogue()["region_noted"]["en"]
    assert say("region_noted", "fr") == catalogue()["region_noted"]["en"]


def test_labels_give_display_names_per_language():
    assert label("platform", "jd_finance", "zh") == "京东金融"
    assert label("platform", "360_iou", "en") == "360 IOU"
    assert label("platform", "someone", "en") is None
