"""Dialogue policies the Rasa server loads (config.yml)."""
