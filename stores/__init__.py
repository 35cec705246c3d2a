"""Tracker stores of the Rasa server."""
