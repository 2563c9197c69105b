"""The web chat widget (static files) and the tiny server that serves them."""
