"""What the Rasa server and the action server both use: the knowledge file and its one
renderer, the input flags the channels set for the actions, and the masking of personal data.

Nothing here imports Rasa's server or rasa-sdk, so either process can load it alone.
"""
