"""Rasa stores for the scale-out deployment (shared by every replica)."""
