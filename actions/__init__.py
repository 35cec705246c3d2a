"""Custom actions of the support bot (served by ``rasa run actions``).

Procedure texts come from ``knowledge/procedures.yml`` through one renderer
(``common.renderer``); the actions only decide *which* answer fits the tracker.
"""


def warm_up() -> None:
    """Reads the knowledge file before the first action, where a file read cannot stall
    anyone: in a worker thread when the actions run inside the Rasa server
    (server/in_process_actions.py)."""
    from common.knowledge import load

    load()
