"""A dialogue policy that keeps the bot from going silent when the action server is down.

How Rasa 3.6 fails (``rasa/core/actions/action.py`` ``RemoteAction.run`` and
``rasa/core/processor.py`` ``_run_action``): a connection error raises ``RasaException``, the
processor logs it, records ``ActionExecuted`` *without any of the action's events* and predicts
the next action. During a form that next action is ``action_listen`` (the loop's "happy path"), so
the user would get no answer at all; after ``action_check_offer`` the verdict would be missing.

This policy spots exactly that trace in a live conversation: the newest event is the
``ActionExecuted`` of a custom action or form (every custom action of this bot returns at least one
event or message, so nothing after it means it failed). It then predicts ``utter_service_unavailable``
(a domain response, so no action server is needed), then ``action_listen``. Its predictions do not
depend on user input and carry a priority above ``RulePolicy``, so they win over the loop's
``action_listen``. Trackers built from stories (training, ``rasa test``) have no ``message_id`` on
user events, so the policy never fires there and leaves story predictions unchanged.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

APOLOGY = "utter_service_unavailable"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class ActionServerGuardPolicy(Policy):
    """Predicts a kind apology when a custom action or form just failed to run."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Priority 7 sits above RulePolicy (6), so the apology beats the loop's listen."""
        return {"priority": 7, "response": APOLOGY}

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn: the policy is a fixed rule about failed actions."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Apology after a failed custom action, listen after the apology, else abstain."""
        probabilities = self._default_predictions(domain)
        response = self.config.get("response", APOLOGY)
        if response not in domain.action_names_or_texts or not _is_live(tracker):
            return self._prediction(probabilities)
        if tracker.latest_action_name == response:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        if failed_custom_action(tracker, domain) and not _apologised_this_turn(tracker, response):
            probabilities[domain.index_for_action(response)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        return self._prediction(probabilities)


def failed_custom_action(tracker: DialogueStateTracker, domain: Domain) -> str | None:
    """Name of the custom action or form whose run produced no events, if the newest event is one."""
    if not tracker.events:
        return None
    latest = tracker.events[-1]
    if not isinstance(latest, ActionExecuted) or not latest.action_name:
        return None
    # `user_actions` also lists every response; keep the actions that call the action server.
    custom = {
        name for name in domain.user_actions
        if not name.startswith("utter_") and name not in domain.responses
    } | set(domain.form_names)
    return latest.action_name if latest.action_name in custom else None


def _is_live(tracker: DialogueStateTracker) -> bool:
    """True for conversations arriving through a channel (their user events carry a message id)."""
    user = tracker.get_last_event_for(UserUttered)
    return bool(user and user.message_id)


def _apologised_this_turn(tracker: DialogueStateTracker, response: str) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == response:
            return True
    return False
