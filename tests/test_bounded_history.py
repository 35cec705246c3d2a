"""The policies predict the same with the bounded history (server/patches.py) as without.

The trained model runs in this process (Rasa's Agent, the actions in-process as
endpoints.yml runs them). Every end-to-end conversation of tests/e2e/conversations.yml is
said in one long conversation, so that forms, loops and rules run across the cut at
every distance from it; each MemoizationPolicy and RulePolicy prediction along the way is
made twice, on the whole history and on the bounded one, and must be identical; so is
every answer of the incremental ``applied_events`` to Rasa's own.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Iterator, List

import pytest
import yaml
from rasa.core.agent import Agent
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from server import patches
from tests.helpers import ROOT

CONVERSATIONS = yaml.safe_load((ROOT / "tests" / "e2e" / "conversations.yml").read_text(encoding="utf-8"))


def _said() -> List[str]:
    return [turn["say"] for turns in CONVERSATIONS.values() for turn in turns]


def _compared(original: Any, counts: Dict[str, int]) -> Any:
    def predict(self: Any, tracker: Any, domain: Any, *args: Any, **kwargs: Any) -> Any:
        patches.BOUNDED_HISTORY = False
        try:
            whole = original(self, tracker, domain, *args, **kwargs)
        finally:
            patches.BOUNDED_HISTORY = True
        bounded = original(self, tracker, domain, *args, **kwargs)
        where = f"{type(self).__name__} after {len(tracker.events)} events"
        assert bounded.probabilities == whole.probabilities, where
        for field in ("policy_name", "events", "optional_events", "is_end_to_end_prediction",
                      "is_no_user_prediction", "hide_rule_turn", "action_metadata"):
            assert getattr(bounded, field) == getattr(whole, field), f"{where}: {field}"
        counts["predictions"] += 1
        return bounded

    return predict


COUNTS = {"predictions": 0, "cut": 0, "applied_events": 0}


def _applied_events_compared(incremental: Any) -> Any:
    def applied_events(self: Any) -> List[Any]:
        patches.INCREMENTAL_APPLIED_EVENTS = False
        try:
            whole = incremental(self)  # Rasa's own, over every event
        finally:
            patches.INCREMENTAL_APPLIED_EVENTS = True
        continued = incremental(self)
        assert len(continued) == len(whole) and all(a is b for a, b in zip(continued, whole))
        COUNTS["applied_events"] += 1
        return continued

    return applied_events


@pytest.fixture(scope="module")
def agent(trained_model: str) -> Iterator[Agent]:
    """The model with each policy prediction made both ways (the graph keeps the method it
    finds at load time, so the comparison is installed before loading)."""
    import nlu_components  # noqa: F401  (installs the patches, as loading the model does)

    bound = patches._bounded_tracker

    def counted(tracker: Any, turns: int) -> Any:
        bounded = bound(tracker, turns)
        COUNTS["cut"] += bounded is not tracker
        return bounded

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(patches, "_bounded_tracker", counted)
        patch.setattr(DialogueStateTracker, "applied_events",
                      _applied_events_compared(DialogueStateTracker.applied_events))
        for policy in (RulePolicy, MemoizationPolicy):
            patch.setattr(policy, "predict_action_probabilities",
                          _compared(policy.predict_action_probabilities, COUNTS))
        endpoint = EndpointConfig(url="http://127.0.0.1:9/webhook", actions_module="actions")
        yield Agent.load(trained_model, action_endpoint=endpoint)


def test_every_prediction_is_the_same_with_and_without_the_bound(agent: Agent) -> None:
    counts = COUNTS
    said = _said()
    assert len(said) > 150

    async def converse() -> None:
        for text in said:
            await agent.handle_text(text, sender_id="bounded-history")

    asyncio.run(converse())
    # The bound was used for most predictions of the conversation, not skipped.
    assert counts["predictions"] > 2 * len(said), counts
    assert counts["cut"] > counts["predictions"] / 2, counts
    assert counts["applied_events"] > 4 * len(said), counts


def test_the_bound_covers_the_longest_rule(agent: Agent) -> None:
    from rasa.core.policies.rule_policy import RULES

    policies = [node._component for node in agent.processor.graph_runner._instantiated_nodes.values()
                if isinstance(getattr(node, "_component", None), MemoizationPolicy)]
    assert {type(p).__name__ for p in policies} == {"MemoizationPolicy", "EntitySubsetRulePolicy"}
    for policy in policies:
        needed = patches._states_needed_by(policy)
        assert needed is not None
        if isinstance(policy, RulePolicy):
            import json
            assert needed > max(len(json.loads(key)) for key in policy.lookup[RULES])
