"""Names the action server and the tracker store agree on (no Rasa or rasa-sdk import here)."""

# ``action_forget_me`` sets this slot to True; the tracker store then deletes the conversation
# instead of saving it (privacy.tracker_store.PrivateSQLTrackerStore).
FORGET_ME_SLOT = "forget_me_confirmed"
