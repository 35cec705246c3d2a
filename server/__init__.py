"""Code that runs inside the Rasa server process (``rasa run``, ``rasa shell``, ``rasa test``)."""
