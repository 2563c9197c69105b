"""The action server and the domain agree on names (the SDK is told the slots, not the domain)."""

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

from actions import names

ROOT = Path(__file__).resolve().parents[2]


def domain() -> dict:
    merged: dict = {"slots": {}, "forms": {}, "actions": [], "responses": {}}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("slots", "forms", "responses"):
            merged[key].update(part.get(key) or {})
        merged["actions"] += part.get("actions") or []
    return merged


def test_form_questions_in_code_match_the_domain():
    required = domain()["forms"]["offer_check_form"]["required_slots"]
    assert required == list(names.FORM_SLOTS)


def test_every_slot_name_used_by_the_actions_exists_in_the_domain():
    slots = domain()["slots"]
    for name in [*names.OFFER_SLOTS, names.LANGUAGE, names.LANGUAGE_PINNED, names.REGION]:
        assert name in slots, name


def test_every_custom_action_in_the_domain_is_registered_and_vice_versa():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(domain()["actions"])


def test_every_form_question_has_a_response_in_both_languages():
    responses = domain()["responses"]
    for slot in names.FORM_SLOTS:
        variations = responses[f"utter_ask_{slot}"]
        conditions = [v.get("condition") for v in variations]
        assert None in conditions
        assert [{"type": "slot", "name": "language", "value": "zh"}] in conditions
