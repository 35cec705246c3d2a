"""The action-reply check built once accepts and rejects exactly what Rasa's own does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from channels import action_replies

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "seller", "value": None}], "responses": [{"text": "x"}]},
    {},
]
BAD = [
    {"events": "not a list"},
    {"responses": [{"text": "x"}], "events": [{"no": "event key"}]},
]


@pytest.mark.parametrize("reply", GOOD)
def test_valid_replies_pass(reply):
    validate(reply, RemoteAction.action_response_format_spec())  # Rasa's check agrees
    assert action_replies.validate_action_result(RemoteAction("a", None), reply)


@pytest.mark.parametrize("reply", BAD)
def test_invalid_replies_fail_like_rasas_check(reply):
    with pytest.raises(ValidationError):
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action_replies.validate_action_result(RemoteAction("a", None), reply)


def test_install_replaces_rasas_check():
    action_replies.install()
    assert RemoteAction._validate_action_result is action_replies.validate_action_result
