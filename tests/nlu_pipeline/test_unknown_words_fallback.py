import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import undo_fallback_prediction
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.mixed_tokenizer import MixedChineseTokenizer
from nlu_components.unknown_words_fallback import UnknownWordsFallbackClassifier

CONTEXT = ExecutionContext(graph_schema=None)


@pytest.fixture
def components(tmp_path):
    storage = LocalModelStorage(tmp_path)
    tokenizer = MixedChineseTokenizer.create(
        MixedChineseTokenizer.get_default_config(), storage, Resource("tok"), CONTEXT)
    examples = [Message(data={"text": t, "intent": "inform"}) for t in
                ["they called me about a loan", "我的贷款被冻结了", "he wants a fee"]]
    data = TrainingData(training_examples=examples,
                        lookup_tables=[{"name": "platform", "elements": ["JD Finance"]}])
    tokenizer.process_training_data(data)
    fallback = UnknownWordsFallbackClassifier.create(
        UnknownWordsFallbackClassifier.get_default_config(), storage, Resource("fb"), CONTEXT)
    resource = fallback.train(data)
    loaded = UnknownWordsFallbackClassifier.load(
        UnknownWordsFallbackClassifier.get_default_config(), storage, resource, CONTEXT)
    return tokenizer, loaded


def classify(components, text):
    tokenizer, fallback = components
    message = Message(data={"text": text})
    message.set("intent", {"name": "inform", "confidence": 0.9})
    message.set("intent_ranking", [{"name": "inform", "confidence": 0.9}])
    tokenizer.process([message])
    fallback.process([message])
    return message


@pytest.mark.parametrize("text", ["asdkjh qwpoeiru zxmcnv", "jjjjjjjj", "qwerty uiop"])
def test_keyboard_mashing_falls_back(components, text):
    message = classify(components, text)
    assert message.get("intent")["name"] == "nlu_fallback"
    # `rasa test nlu` can undo it like a FallbackClassifier prediction.
    assert undo_fallback_prediction(message.as_dict())["intent"]["name"] == "inform"


@pytest.mark.parametrize("text", ["he called me", "my loan is frozen, jd finance", "贷款被冻结",
                                  "3000", "👍", "he wants a big laon"])
def test_known_words_numbers_and_emoji_are_left_alone(components, text):
    assert classify(components, text).get("intent")["name"] == "inform"
