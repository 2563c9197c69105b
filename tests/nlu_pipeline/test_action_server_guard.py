import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from nlu_components.action_server_guard import ActionServerGuardPolicy

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [describe_offer]
slots:
  risk_level:
    type: categorical
    values: [low, medium, high]
    mappings: [{type: custom}]
forms:
  offer_check_form:
    required_slots: []
responses:
  utter_service_unavailable:
  - text: sorry
  utter_greet:
  - text: hi
actions: [action_check_offer]
""")


@pytest.fixture
def policy(tmp_path):
    return ActionServerGuardPolicy.create(
        ActionServerGuardPolicy.get_default_config(), LocalModelStorage(tmp_path),
        Resource("guard"), ExecutionContext(graph_schema=None),
    )


def user(message_id="m1"):
    return UserUttered("JD called", {"name": "describe_offer", "confidence": 1.0},
                       message_id=message_id)


def predicted(policy, events):
    tracker = DialogueStateTracker.from_events("u", events, slots=DOMAIN.slots)
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    if prediction.max_confidence == 0:
        return None
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index], prediction


def test_failed_custom_action_gets_an_apology_that_beats_the_loop(policy):
    name, prediction = predicted(policy, [
        ActionExecuted("action_listen"), user(), ActionExecuted("action_check_offer"),
    ])
    assert name == "utter_service_unavailable"
    assert prediction.is_no_user_prediction and prediction.policy_priority == 7


def test_failed_form_gets_an_apology(policy):
    name, _ = predicted(policy, [
        ActionExecuted("action_listen"), user(), ActionExecuted("offer_check_form"),
    ])
    assert name == "utter_service_unavailable"


def test_after_the_apology_the_bot_listens(policy):
    name, _ = predicted(policy, [
        ActionExecuted("action_listen"), user(), ActionExecuted("offer_check_form"),
        ActionExecuted("utter_service_unavailable"), BotUttered("sorry"),
    ])
    assert name == "action_listen"


def test_one_apology_per_message(policy):
    assert predicted(policy, [
        ActionExecuted("action_listen"), user(), ActionExecuted("offer_check_form"),
        ActionExecuted("utter_service_unavailable"), BotUttered("sorry"),
        ActionExecuted("offer_check_form"),
    ]) is None


def test_successful_actions_are_left_alone(policy):
    assert predicted(policy, [
        ActionExecuted("action_listen"), user(), ActionExecuted("action_check_offer"),
        BotUttered("High risk"), SlotSet("risk_level", "high"),
    ]) is None
    assert predicted(policy, [
        ActionExecuted("action_listen"), user(), ActionExecuted("offer_check_form"),
        ActiveLoop("offer_check_form"),
    ]) is None


def test_responses_are_not_custom_actions(policy):
    assert predicted(policy, [
        ActionExecuted("action_listen"), user(), ActionExecuted("utter_greet"),
    ]) is None


def test_story_trackers_without_message_ids_are_left_alone(policy):
    # Training and `rasa test` trackers: custom actions are never run, so never "fail".
    assert predicted(policy, [
        ActionExecuted("action_listen"), user(message_id=None), ActionExecuted("action_check_offer"),
    ]) is None
