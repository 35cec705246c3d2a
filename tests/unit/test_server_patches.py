"""The Rasa patches (server/patches.py) answer exactly what the code they replace answers."""
from __future__ import annotations

import pytest
import rasa.shared.utils.common
from rasa.shared.core import events

import nlu_components  # noqa: F401  (installs the patches, as loading the model does)


def _walk(type_name: str):
    """Rasa's own lookup: a walk over every known subclass of Event."""
    for cls in rasa.shared.utils.common.all_subclasses(events.Event):
        if cls.type_name == type_name:
            return cls
    return None


def test_the_event_lookup_is_the_patched_one() -> None:
    assert events.Event.resolve_by_type.__module__ == "server.patches"


@pytest.mark.parametrize("cls", rasa.shared.utils.common.all_subclasses(events.Event))
def test_every_event_type_resolves_as_before(cls) -> None:
    assert events.Event.resolve_by_type(cls.type_name) is _walk(cls.type_name)
    assert events.Event.resolve_by_type(cls.type_name) is _walk(cls.type_name)  # from the table


def test_unknown_and_legacy_names_behave_as_before() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        events.Event.resolve_by_type("no_such_event")
    assert events.Event.resolve_by_type("no_such_event", events.UserUttered) is events.UserUttered
    assert events.Event.resolve_by_type("topic") is None


def test_a_subclass_defined_later_is_found() -> None:
    class LateEvent(events.SessionStarted):
        type_name = "late_event_for_the_patch_test"

    assert events.Event.resolve_by_type(LateEvent.type_name) is LateEvent


def test_a_tracker_round_trips_through_the_patched_lookup() -> None:
    stored = [events.ActionExecuted("action_listen"), events.UserUttered("こんにちは"),
              events.SlotSet("seller", "amazon"), events.ActiveLoop("return_form")]
    assert events.deserialise_events([e.as_dict() for e in stored]) == stored


# The action-reply check built once accepts and rejects exactly what Rasa's own does.
GOOD_REPLIES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "seller", "value": None}], "responses": [{"text": "x"}]},
    {},
]
BAD_REPLIES = [
    {"events": "not a list"},
    {"responses": [{"text": "x"}], "events": [{"no": "event key"}]},
]


def test_the_action_reply_check_is_the_patched_one() -> None:
    from rasa.core.actions.action import RemoteAction

    assert RemoteAction._validate_action_result.__module__ == "server.patches"


@pytest.mark.parametrize("reply", GOOD_REPLIES)
def test_valid_action_replies_pass(reply) -> None:
    from jsonschema import validate
    from rasa.core.actions.action import RemoteAction

    validate(reply, RemoteAction.action_response_format_spec())  # Rasa's own check agrees
    assert RemoteAction("a", None)._validate_action_result(reply)


@pytest.mark.parametrize("reply", BAD_REPLIES)
def test_invalid_action_replies_fail_like_rasas_check(reply) -> None:
    from jsonschema import ValidationError, validate
    from rasa.core.actions.action import RemoteAction

    with pytest.raises(ValidationError):
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("a", None)._validate_action_result(reply)
