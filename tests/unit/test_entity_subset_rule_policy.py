"""A rule's entities need only be among the message's (policies/entity_subset_rule_policy.py)."""
from __future__ import annotations

from rasa.core.policies.rule_policy import RulePolicy

from policies.entity_subset_rule_policy import EntitySubsetRulePolicy

RULE = {"user": {"intent": "contact_support", "entities": ("uncovered_detail",)},
        "prev_action": {"action_name": "action_listen"}}


def said(*entities: str, intent: str = "contact_support") -> dict:
    return {"user": {"intent": intent, "entities": tuple(sorted(entities))},
            "prev_action": {"action_name": "action_listen"}}


def test_stock_rasa_needs_the_exact_set_which_is_why_the_policy_exists() -> None:
    assert not RulePolicy._does_rule_match_state(RULE, said("contact_channel", "uncovered_detail"))


def test_a_rule_matches_a_message_with_more_entities() -> None:
    assert EntitySubsetRulePolicy._does_rule_match_state(RULE, said("contact_channel", "uncovered_detail"))


def test_a_rule_still_needs_every_entity_it_names_and_its_intent() -> None:
    assert EntitySubsetRulePolicy._does_rule_match_state(RULE, said("uncovered_detail"))
    assert not EntitySubsetRulePolicy._does_rule_match_state(RULE, said("contact_channel"))
    assert not EntitySubsetRulePolicy._does_rule_match_state(RULE, said())
    assert not EntitySubsetRulePolicy._does_rule_match_state(RULE, said("uncovered_detail", intent="refund"))
