"""RulePolicy whose rules name the entities a message must have, not all it has.

Rasa 3.6 matches a rule's ``entities:`` against the message's featurized entities as an
exact set. A message that also names an option the rule does not mention then misses
the rule: 「電話で聞きます。電話番号を教えて」 carries ``contact_channel`` with
``uncovered_detail`` and fell through to the contact form instead of the honest "not in
the guide" answer; 「マーケットプレイスで買ったのにキャンセルボタンがない」 carries
``seller`` with ``cancel_button`` and got "not understood". Here a rule matches when the
message has at least the rule's entities; of several matching rules Rasa already keeps
the longest, i.e. the one naming the most of them.
"""
from __future__ import annotations

from typing import Any, Dict

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import USER
from rasa.shared.nlu.constants import ENTITIES

State = Dict[str, Dict[str, Any]]

# Fails loudly at import if the method this class relies on is gone or renamed.
if not callable(getattr(RulePolicy, "_does_rule_match_state", None)):  # pragma: no cover
    raise ImportError("RulePolicy._does_rule_match_state is gone: review this module")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class EntitySubsetRulePolicy(RulePolicy):
    @staticmethod
    def _does_rule_match_state(rule_state: State, conversation_state: State) -> bool:
        rule_entities = rule_state.get(USER, {}).get(ENTITIES)
        said = conversation_state.get(USER, {}).get(ENTITIES)
        if rule_entities and said and set(rule_entities) < set(said):
            rule_state = {**rule_state, USER: {**rule_state[USER], ENTITIES: said}}
        return RulePolicy._does_rule_match_state(rule_state, conversation_state)
