"""Every patch of Rasa's internals that the Rasa server process needs, in one place.

Rasa 3.6.21 is the final open-source release, so these targets do not move; each patch
still checks that its target is the code it was written for and fails loudly at start-up
if not, instead of silently doing nothing. ``install()`` is called when the model's
components are imported (nlu_components/__init__.py), which every command that loads
the model does: ``rasa run``, ``rasa shell`` and ``rasa test``.

Three other places lean on Rasa or rasa-sdk internals and stay where they are, because
none replaces anything global: each is a class or hook that a configuration file names,
and changes only objects of its own. Each checks its target at start-up as the patches
here do, and tests/unit/test_patch_guards.py covers it:
- channels/socketio.py (the channel of credentials.yml) replaces two handlers on its own
  socket.io server, for RasaHQ/rasa#13027 (``enter_room`` not awaited) and the origin check
  Rasa turns off; ``_check_rasa_blueprint``.
- stores/guarded_sql.py (the tracker store of endpoints.yml) replaces its own SQLite engine:
  SQLAlchemy 1.4, pinned by Rasa 3.6, gives a file database a NullPool; ``_check_rasa_store``.
- rasa_sdk_plugins/shared_secret.py runs in the action server, which ships without server/,
  through rasa-sdk's own plugin hook: it sets ``SANIC_HOST``'s default, which rasa-sdk 3.6.2
  reads after the hook; ``_check_rasa_sdk_run``.
"""
from __future__ import annotations

import base64
import hashlib
import inspect
import itertools
import json
import weakref
import zlib
from typing import Any, Dict, List, Optional, Type

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


# How many states a policy's prediction must see, per policy instance (None: not bounded).
_needed_states: "weakref.WeakKeyDictionary[Any, Optional[int]]" = weakref.WeakKeyDictionary()
# The last bounded tracker built: (tracker, number of its events, its last event, turns) -> it.
_last_bounded: List[Any] = []


def _states_in_memoization_key(key: str, compressed: bool) -> Optional[int]:
    """The number of states in a MemoizationPolicy lookup key (``_create_feature_key``)."""
    try:
        text = zlib.decompress(base64.b64decode(key)).decode("utf-8") if compressed else key
    except Exception:
        return None
    depth, states = 0, 0
    for char in text:
        if char in "[{":
            depth += 1
            states += char == "{" and depth == 2
        elif char in "]}":
            depth -= 1
    return states if depth == 0 and text.startswith("[") else None


def _states_needed_by(policy: Any) -> Optional[int]:
    """How many of the latest states decide this policy's prediction, or None (unbounded).

    RulePolicy (and subclasses): ``_is_rule_applicable`` compares a rule's states with the
    conversation's latest states only, and answers True at once for any turn further back
    than the rule is long; so the latest (longest rule + 1) states decide, the rest never
    being read. MemoizationPolicy without max_history (this bot's): a lookup key is a
    whole story prefix, so a history longer than the longest key matches nothing, however
    it is cut; a bounded history longer than the longest key matches nothing either.
    Any other policy (or a memoization with a max_history, an augmented one): None.
    """
    from rasa.core.policies.memoization import AugmentedMemoizationPolicy, MemoizationPolicy
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

    if policy in _needed_states:
        return _needed_states[policy]
    needed: Optional[int] = None
    if isinstance(policy, RulePolicy):
        keys = [*policy.lookup.get(RULES, {}), *policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
        needed = max((len(json.loads(key)) for key in keys), default=0) + 2
    elif type(policy) is MemoizationPolicy or (
            isinstance(policy, MemoizationPolicy) and not isinstance(policy, AugmentedMemoizationPolicy)):
        if getattr(policy.featurizer, "max_history", 0) is None:
            compressed = bool(policy.config.get("enable_feature_string_compression"))
            lengths = [_states_in_memoization_key(key, compressed) for key in policy.lookup]
            if None not in lengths:
                needed = max(lengths, default=0) + 3
    _needed_states[policy] = needed
    return needed


def _bounded_tracker(tracker: Any, turns: int) -> Any:
    """A tracker whose history is the last ``turns`` shown actions of ``tracker``'s (or itself).

    The cut is made in Rasa's own applied events (reverted and happy-loop events already
    removed), at an ``action_listen`` followed by a user message; the slots set at the cut
    and the active loop come first (SlotSet, ActiveLoop), and the bounded tracker replays
    exactly these events (``applied_events`` is fixed, not recomputed on the shorter list).
    From the state after that user message on, each state is made from the same slots,
    loop, latest message and latest action as the full tracker's: the same state.
    """
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered

    events_now = tracker.events
    if len(events_now) <= 2 * turns:  # cheap exit: too short to need a cut
        return tracker
    key = (len(events_now), id(events_now[-1]), turns)
    if _last_bounded and _last_bounded[0]() is tracker and _last_bounded[1] == key:
        return _last_bounded[2]
    applied = tracker.applied_events()
    cut, shown = None, 0
    for index in range(len(applied) - 2, 0, -1):
        event = applied[index]
        # Turns of rule-only actions are hidden from MemoizationPolicy's states: count
        # the others, so that the window holds ``turns`` states for every policy.
        if isinstance(event, ActionExecuted) and not event.hide_rule_turn:
            shown += 1
            if (shown >= turns and event.action_name == ACTION_LISTEN_NAME
                    and isinstance(applied[index + 1], UserUttered)):
                cut = index
                break
    if cut is None:
        bounded = tracker
    else:
        at_cut = tracker.init_copy()
        for event in applied[:cut]:
            event.apply_to(at_cut)
        window = [SlotSet(name, slot.value) for name, slot in at_cut.slots.items() if slot.has_been_set]
        if at_cut.active_loop_name:
            window.append(ActiveLoop(at_cut.active_loop_name))
        window.extend(applied[cut:])
        bounded = tracker.init_copy()
        for event in window:
            bounded.events.append(event)  # no apply_to: only its history is read
        bounded.applied_events = lambda: list(window)  # type: ignore[method-assign]
    _last_bounded[:] = [weakref.ref(tracker), key, bounded]
    return bounded


def _bounded_policy_history() -> None:
    """MemoizationPolicy and RulePolicy compute the states of the latest turns only.

    Rasa 3.6's ``Policy._prediction_states`` (rasa/core/policies/policy.py) turns the whole
    tracker into states (``Domain.states_for_tracker_history`` replays every event and
    builds a state per action) for each policy, twice for RulePolicy (text, then intent),
    for each of the 3-4 predictions of a message: 24% of the Rasa server's time at message
    80 of one conversation (py-spy, docs/benchmarks.md), growing with the conversation.
    Here the policies get a tracker bounded to the last turns that can decide their
    prediction (``_states_needed_by``; the bounded tracker: ``_bounded_tracker``). When the
    bounded history turns out shorter than that (rule-only turns hidden from
    memoization), the whole tracker is used, as before. tests/test_bounded_history.py
    checks that every prediction along long real conversations is the same either way.
    """
    from rasa.core.policies.policy import Policy

    original = Policy._prediction_states
    parameters = list(inspect.signature(original).parameters)
    assert parameters == ["self", "tracker", "domain", "use_text_for_last_user_input", "rule_only_data"], (
        "rasa.core.policies.policy.Policy._prediction_states changed: review server/patches.py"
    )
    source = inspect.getsource(original)
    assert "self.featurizer.prediction_states(" in source and "[tracker]" in source, (
        "rasa.core.policies.policy.Policy._prediction_states changed: review server/patches.py"
    )

    def prediction_states(self: Any, tracker: Any, domain: Any, use_text_for_last_user_input: bool = False,
                          rule_only_data: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        needed = _states_needed_by(self) if BOUNDED_HISTORY else None
        if needed is not None:
            # One bound for every policy, so that they share one bounded tracker.
            turns = max(n for n in _needed_states.values() if n is not None) + 2
            bounded = _bounded_tracker(tracker, turns)
            if bounded is not tracker:
                states = original(self, bounded, domain, use_text_for_last_user_input, rule_only_data)
                if len(states) >= needed:
                    return states
        return original(self, tracker, domain, use_text_for_last_user_input, rule_only_data)

    Policy._prediction_states = prediction_states  # type: ignore[method-assign]


# Off only in tests/test_bounded_history.py, which compares the predictions both ways.
BOUNDED_HISTORY = True


# sha256 of Rasa 3.6.21's DialogueStateTracker.applied_events source, which _fold mirrors.
_APPLIED_EVENTS_SOURCE = "764d5065ea9997d613c1984d9357370f9ae32d31ca21346086f16c54f0487aae"


def _incremental_applied_events() -> None:
    """``DialogueStateTracker.applied_events`` continues from its last answer.

    Rasa 3.6 recomputes it over every event of the session on each call (rasa/shared/core/
    trackers.py), and a message calls it 5-6 times (session check, each prediction, slot
    extraction, forms): after the bounded policy history it was the largest cost growing
    with the conversation (cProfile, docs/benchmarks.md). Events are only ever appended to
    a tracker, so the answer for the first n events stays valid; the fold goes on over the
    new ones. Everything else recomputes as Rasa does: another event list, a bounded
    (``max_event_history``) one, or a new event naming a loop not seen before (the fold
    treats a loop's executions by the loop names of the whole list).
    tests/test_bounded_history.py checks every answer against Rasa's own.
    """
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        ActiveLoop,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.applied_events
    digest = hashlib.sha256(inspect.getsource(original).encode()).hexdigest()
    assert digest == _APPLIED_EVENTS_SOURCE, (
        "rasa.shared.core.trackers.DialogueStateTracker.applied_events changed: review server/patches.py"
    )

    def fold(tracker: Any, applied: List[Any], loop_names: set, new_events: Any) -> None:
        # The loop body of Rasa's applied_events, unchanged.
        for event in new_events:
            if isinstance(event, (Restarted, SessionStarted)):
                applied.clear()
            elif isinstance(event, ActionReverted):
                tracker._undo_till_previous(ActionExecuted, applied)
            elif isinstance(event, UserUtteranceReverted):
                tracker._undo_till_previous(UserUttered, applied)
                tracker._undo_till_previous(ActionExecuted, applied)
            elif (
                isinstance(event, ActionExecuted)
                and event.action_name in loop_names
                and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
            ):
                tracker._undo_till_previous_loop_execution(event.action_name, applied)
            else:
                applied.append(event)

    def loop_names_of(events_: Any) -> set:
        return {event.name for event in events_ if isinstance(event, ActiveLoop) and event.name}

    def applied_events(self: Any) -> List[Any]:
        if not INCREMENTAL_APPLIED_EVENTS:
            return original(self)
        events_ = self.events
        count = len(events_)
        cache = self.__dict__.get("_applied_events_cache")
        if (cache is not None and cache[0] is events_ and events_.maxlen is None
                and 0 < cache[1] <= count and events_[cache[1] - 1] is cache[2]):
            _, done, _, loop_names, applied = cache
            new_events = list(itertools.islice(events_, done, count))
            if loop_names_of(new_events) <= loop_names:
                fold(self, applied, loop_names, new_events)
                self.__dict__["_applied_events_cache"] = (events_, count, events_[-1], loop_names, applied)
                return list(applied)
        loop_names = loop_names_of(events_)
        applied = []
        fold(self, applied, loop_names, events_)
        if count and events_.maxlen is None:
            self.__dict__["_applied_events_cache"] = (events_, count, events_[-1], loop_names, applied)
        return list(applied)

    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]


# Off only in tests/test_bounded_history.py, which compares the answers both ways.
INCREMENTAL_APPLIED_EVENTS = True


def _diet_loads_without_a_training_step() -> None:
    """DIET's weights get their shapes from one prediction, not from one training step.

    Rasa 3.6's ``RasaModel.load`` (rasa/utils/tensorflow/models.py) compiles the model and
    runs ``model.fit`` on one example only so that its variables exist before
    ``load_weights``; that traces and autograph-converts the whole training function: 23
    of the 30 s of ``Agent.load`` under cProfile, most of the start-up (docs/benchmarks.md).
    Here one prediction on the example Rasa keeps for warming up creates every variable the
    predictions use, the trained weights are then restored into them (the optimizer's and
    training-only values in the checkpoint are left unread), and the label embeddings that
    the first prediction cached from the initial weights (and the traced prediction function
    holding them) are made again. Fine-tuning (and a
    model without a prediction example) still loads Rasa's way.
    tests/test_diet_load.py checks that every held-out message gets the same intent
    ranking, to the last bit of each confidence, both ways.
    """
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel.load.__func__  # type: ignore[attr-defined]
    source = inspect.getsource(original)
    assert "model.fit(data_generator, verbose=False)" in source, (
        "rasa.utils.tensorflow.models.RasaModel.load changed: review server/patches.py"
    )
    assert "model.load_weights(model_file_name)" in source, (
        "rasa.utils.tensorflow.models.RasaModel.load changed: review server/patches.py"
    )
    assert "self.prepared_for_prediction = True" in inspect.getsource(RasaModel._rasa_predict), (
        "rasa.utils.tensorflow.models.RasaModel._rasa_predict changed: review server/patches.py"
    )

    def load(cls: Any, model_file_name: str, model_data_example: Any, predict_data_example: Any = None,
             finetune_mode: bool = False, *args: Any, **kwargs: Any) -> Any:
        if finetune_mode or not predict_data_example or not DIET_LOAD_BY_PREDICTION:
            return original(cls, model_file_name, model_data_example, predict_data_example,
                            finetune_mode, *args, **kwargs)
        model = cls(*args, **kwargs)
        model.run_inference(predict_data_example)  # creates the variables the predictions use
        model.load_weights(model_file_name).expect_partial()
        # The first prediction cached the label embeddings of the initial weights, and its
        # traced function holds them as a constant: both are made again from the loaded ones.
        model.prepared_for_prediction = False
        model._tf_predict_step = None
        model.run_inference(predict_data_example)
        return model

    RasaModel.load = classmethod(load)  # type: ignore[method-assign, assignment]


# Off only in tests/test_diet_load.py, which compares the predictions both ways.
DIET_LOAD_BY_PREDICTION = True


def install() -> None:
    """Install every patch once."""
    global _installed
    if not _installed:
        _cached_event_types()
        _action_reply_schema_built_once()
        _in_process_actions()
        _bounded_policy_history()
        _incremental_applied_events()
        _diet_loads_without_a_training_step()
        _installed = True
