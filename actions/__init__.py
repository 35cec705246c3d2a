"""Custom actions of the support bot (served by ``rasa run actions``).

Procedure texts come from ``knowledge/procedures.yml`` through one renderer
(``actions.renderer``); the actions only decide *which* answer fits the tracker.
"""
