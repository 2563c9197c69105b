"""Custom Rasa graph components: the mixed Chinese/English tokenizer and the action-server guard.

Loaded by the Rasa server from ``config.yml`` (module paths), never by the action server.
"""
