import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.mixed_tokenizer import (
    MixedChineseTokenizer,
    split_mixed,
    to_simplified_same_length,
    training_words,
)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def make_tokenizer(storage, resource_name="tokenizer"):
    config = {**MixedChineseTokenizer.get_default_config()}
    return MixedChineseTokenizer.create(
        config, storage, Resource(resource_name), ExecutionContext(graph_schema=None)
    )


def words(text, tokenizer):
    message = Message(data={"text": text})
    tokenizer.process([message])
    return [(t.text, t.start, t.end) for t in message.get("text_tokens")], message


def test_mixed_message_has_no_whitespace_tokens_and_keeps_offsets(storage):
    text = "JD金融客服说我的loan被冻结了，要交unfreeze fee 2000块"
    tokens, _ = words(text, make_tokenizer(storage))
    assert [t for t, _, _ in tokens] == [
        "JD", "金融", "客服", "说", "我", "的", "loan", "被", "冻结", "了", "要交", "unfreeze",
        "fee", "2000", "块",
    ]
    assert all(text[start:end] == token for token, start, end in tokens)


def test_scam_words_stay_whole(storage):
    tokens, _ = words("要交解冻金刷流水，借呗下款", make_tokenizer(storage))
    assert [t for t, _, _ in tokens] == ["要交", "解冻金", "刷流水", "借呗", "下款"]


def test_traditional_chinese_is_converted_in_place_with_the_same_offsets(storage):
    text = "京東金融客服說我的貸款被凍結了"
    tokens, message = words(text, make_tokenizer(storage))
    assert message.get("text") == "京东金融客服说我的贷款被冻结了"
    assert tokens[0] == ("京东金融", 0, 4)
    assert ("贷款", 9, 11) in tokens


def test_english_words_keep_numbers_and_contractions_and_drop_punctuation(storage):
    tokens, _ = words("I don't know... they asked for 2,000 yuan!!! 👍", make_tokenizer(storage))
    assert [t for t, _, _ in tokens] == ["I", "don't", "know", "they", "asked", "for", "2,000",
                                         "yuan", "👍"]


@pytest.mark.parametrize("text", ["", "   ", "...???", "，。！"])
def test_empty_or_punctuation_only_input_gives_no_tokens(text):
    assert split_mixed(text) == []


def test_conversion_never_changes_the_length():
    for text in ["乾燥的頭髮", "臺灣軟體", "香煙著名", "abc 123"]:
        assert len(to_simplified_same_length(text)) == len(text)


def test_training_learns_chinese_entity_words_and_the_loaded_model_uses_them(storage):
    text = "在快手上看到的贷款"
    example = Message(data={"text": text, "intent": "describe_offer", "entities": [
        {"start": 1, "end": 3, "value": "social_media", "entity": "contact_channel"}]})
    data = TrainingData(training_examples=[example])
    assert training_words(data) == ["快手"]

    tokenizer = make_tokenizer(storage, "trained")
    resource = tokenizer.train(data)
    loaded = MixedChineseTokenizer.load(
        MixedChineseTokenizer.get_default_config(), storage, resource,
        ExecutionContext(graph_schema=None),
    )
    tokens, _ = words(text, loaded)
    assert ("快手", 1, 3) in tokens


def test_words_that_cut_through_an_entity_are_removed(storage):
    # "加微信" was learned as a word elsewhere, but here only "微信" is the annotated entity.
    text = "客服让我加微信"
    example = Message(data={"text": text, "intent": "faq", "entities": [
        {"start": 5, "end": 7, "value": "wechat", "entity": "contact_channel"}]})
    tokenizer = MixedChineseTokenizer(
        MixedChineseTokenizer.get_default_config(), storage, Resource("fitted"), words=["加微信"]
    )
    assert "加微信" in [t for t, _, _ in words(text, tokenizer)[0]]
    resource = tokenizer.train(TrainingData(training_examples=[example]))
    loaded = MixedChineseTokenizer.load(
        MixedChineseTokenizer.get_default_config(), storage, resource,
        ExecutionContext(graph_schema=None),
    )
    assert ("微信", 5, 7) in words(text, loaded)[0]
