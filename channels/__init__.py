"""Rasa input channels served by this project (WeChat Official Account, web chat socket.io)."""
