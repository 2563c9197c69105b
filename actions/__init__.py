"""Rasa action server: one thin action per module, all checking done by the pure ``scamcheck``.

Started with ``rasa run actions --actions actions``; imports rasa_sdk and scamcheck, never rasa.
"""
