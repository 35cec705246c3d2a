"""Every patch of Rasa's internals that the Rasa server process needs, in one place.

Rasa 3.6.21 is the final open-source release, so these targets do not move; each patch
still checks that its target is the code it was written for and fails loudly at start-up
if not, instead of silently doing nothing. ``install()`` is called when the model's
components are imported (nlu_components/__init__.py), which every command that loads
the model does: ``rasa run``, ``rasa shell`` and ``rasa test``.
"""
from __future__ import annotations

import inspect
from typing import Dict, Optional, Type

from rasa.shared.core import events

_installed = False


def _cached_event_types() -> None:
    """Event type lookup by name from a table instead of a walk over every subclass.

    Rasa 3.6's ``Event.resolve_by_type`` calls ``all_subclasses(Event)`` (a recursive walk
    with ``inspect.isabstract`` on each of ~30 classes) for every event it deserialises.
    Reading a tracker from the store does that for every event of the conversation, so it
    was 20% of the Rasa server's time at message 140 of one conversation (py-spy,
    docs/benchmarks.md). The table is built on first use and rebuilt when a name is not
    in it (an Event subclass defined later), so it answers exactly what the walk answers.
    """
    original = events.Event.resolve_by_type
    source = inspect.getsource(original)
    assert "all_subclasses(Event)" in source and 'type_name == "topic"' in source, (
        "rasa.shared.core.events.Event.resolve_by_type changed: review server/patches.py"
    )
    table: Dict[str, Type[events.Event]] = {}

    def resolve_by_type(type_name: str, default: Optional[Type[events.Event]] = None
                        ) -> Optional[Type[events.Event]]:
        found = table.get(type_name)
        if found is None:
            found = original(type_name, default)  # also the errors and the "topic" case
            if found is not None and found is not default:
                table[type_name] = found
        return found

    events.Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]


def install() -> None:
    """Install every patch once."""
    global _installed
    if not _installed:
        _cached_event_types()
        _installed = True
