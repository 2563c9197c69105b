"""Privacy on the Rasa side: conversation retention and "forget me" deletion of trackers."""
