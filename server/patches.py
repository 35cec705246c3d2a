"""Every patch of Rasa's internals that the Rasa server process needs, in one place.

Rasa 3.6.21 is the final open-source release, so these targets do not move; each patch
still checks that its target is the code it was written for and fails loudly at start-up
if not, instead of silently doing nothing. ``install()`` is called when the model's
components are imported (nlu_components/__init__.py), which every command that loads
the model does: ``rasa run``, ``rasa shell`` and ``rasa test``.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional, Type

from rasa.shared.core import events
from rasa.utils.endpoints import EndpointConfig

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


def _action_reply_schema_built_once() -> None:
    """Action-server replies checked against Rasa's schema without re-checking the schema.

    Rasa 3.6's ``RemoteAction._validate_action_result`` calls ``jsonschema.validate()``,
    which first validates the (constant) schema itself against the Draft 2020-12
    meta-schema: about 25 ms per call with jsonschema 4.17, several calls per message, and
    73% of the Rasa server's time in `make bench` when it was found. The validator is built
    once; replies are checked exactly as before, with Rasa's own error message.
    (Was installed by the channels, so `rasa test` ran without it; issue #17.)
    """
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    source = inspect.getsource(RemoteAction._validate_action_result)
    assert "validate(result, self.action_response_format_spec())" in source, (
        "rasa.core.actions.action.RemoteAction._validate_action_result changed: review server/patches.py"
    )
    spec = RemoteAction.action_response_format_spec()
    validator_class = validator_for(spec)
    validator_class.check_schema(spec)
    validator = validator_class(spec)

    def validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def _in_process_actions() -> None:
    """``action_endpoint: {actions_module: <package>}`` runs the actions in this process.

    Rasa 3.6 has no such setting (Rasa Pro 3.10 added it under this name); its
    ``RemoteAction`` sends every call through ``EndpointConfig.request``, so an endpoint
    with ``actions_module`` answers there from rasa-sdk's executor
    (server/in_process_actions.py) and any other endpoint is untouched.
    """
    from server import in_process_actions

    original = EndpointConfig.request
    parameters = list(inspect.signature(original).parameters)
    assert parameters == ["self", "method", "subpath", "content_type", "compress", "kwargs"], (
        "rasa.utils.endpoints.EndpointConfig.request changed: review server/patches.py"
    )

    async def request(self: EndpointConfig, method: str = "post", subpath: Optional[str] = None,
                      content_type: Optional[str] = "application/json", compress: bool = False,
                      **kwargs: Any) -> Optional[Any]:
        package = self.kwargs.get("actions_module")
        if package is None:
            return await original(self, method, subpath, content_type, compress, **kwargs)
        return await in_process_actions.run(package, kwargs["json"])

    EndpointConfig.request = request  # type: ignore[method-assign]


def install() -> None:
    """Install every patch once."""
    global _installed
    if not _installed:
        _cached_event_types()
        _action_reply_schema_built_once()
        _in_process_actions()
        _installed = True
