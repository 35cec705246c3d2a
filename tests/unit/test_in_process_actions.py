"""Actions inside the Rasa server (server/in_process_actions.py), through Rasa's own
RemoteAction exactly as the server calls them: a reply, a rejection and a failure each
reach Rasa as they would from the action server."""
from __future__ import annotations

import socket

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

import nlu_components  # noqa: F401  (installs the patches, as loading the model does)

pytestmark = pytest.mark.anyio
PACKAGE = "tests.unit.in_process_fixture_actions"
DOMAIN = Domain.from_dict({"slots": {"seller": {"type": "text", "mappings": [{"type": "custom"}]}}})


async def run(action_name: str, endpoint: EndpointConfig = EndpointConfig(actions_module=PACKAGE)):
    tracker = DialogueStateTracker.from_events(
        "unit", [ActionExecuted("action_listen"), UserUttered("田中です")], slots=DOMAIN.slots)
    channel = CollectingOutputChannel()
    events = await RemoteAction(action_name, endpoint).run(
        channel, TemplatedNaturalLanguageGenerator({}), tracker, DOMAIN)
    return events, channel


async def test_the_reply_and_events_come_back() -> None:
    events, _ = await run("action_test_answers")
    assert SlotSet("seller", "amazon") in events
    texts = [e.text for e in events if hasattr(e, "text") and e.type_name == "bot"]
    assert texts == ["こんにちは、田中です"]


async def test_a_rejection_is_rasas_own_rejection() -> None:
    """What lets the policies pick another action when a form cannot run."""
    with pytest.raises(ActionExecutionRejection, match="not now"):
        await run("action_test_rejects")


@pytest.mark.parametrize("name", ["action_test_fails", "action_no_such_action"])
async def test_a_failure_is_the_error_rasa_gets_from_a_failing_server(name: str) -> None:
    with pytest.raises(RasaException, match=f"Failed to execute custom action '{name}'"):
        await run(name)


def _closed_port() -> int:
    """A port just released by this process, so nothing listens on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_endpoint_without_actions_module_still_calls_its_url() -> None:
    """The call must go out over HTTP and fail there, with nothing listening."""
    url = f"http://127.0.0.1:{_closed_port()}/webhook"
    with pytest.raises(RasaException, match="Couldn't connect"):
        await run("action_test_answers", EndpointConfig(url=url))
