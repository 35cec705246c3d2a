"""rasa-sdk's plugin hook: ``rasa run actions`` imports this package when it is importable.

rasa-sdk (3.6) has no authentication of its own; it looks for a package named
``rasa_sdk_plugins`` and lets it attach middleware to its Sanic app. Started from the
repository root, by ``make run`` or by hand, the action server therefore always
checks the shared secret and listens on loopback unless told otherwise
(shared_secret.py).
"""
from __future__ import annotations

import pluggy

from rasa_sdk_plugins import shared_secret


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(shared_secret)
