"""Custom actions run inside the Rasa server: rasa-sdk's own ActionExecutor, called directly.

With ``action_endpoint: {actions_module: actions}`` in endpoints.yml (the setting Rasa Pro
3.10 gives this), Rasa's ``RemoteAction`` still builds the action call and reads the
reply exactly as for an action server, but the call goes to the executor in this process:
no HTTP session, no JSON of the whole tracker, no second process. The action server
(``rasa run actions``) stays the mode for scaling out (endpoints.production.yml, Helm).

The executor answers as the action server's webhook does (rasa_sdk/endpoint.py): a form's
``ActionExecutionRejection`` becomes the 400 reply Rasa turns back into its own rejection,
an unknown action a 404, and any other error a 500 — so Rasa handles each as it would
from a remote server.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional

from rasa.utils.endpoints import ClientResponseError
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

logger = logging.getLogger(__name__)

_executors: Dict[str, ActionExecutor] = {}
_loading = asyncio.Lock()


def _load(package: str) -> ActionExecutor:
    """Imports the package (file reads: run in a worker thread, never on the event loop)."""
    executor = ActionExecutor()
    executor.register_package(package)
    warm_up = getattr(__import__(package), "warm_up", None)
    if callable(warm_up):
        warm_up()
    return executor


async def executor_for(package: str) -> ActionExecutor:
    if package not in _executors:
        async with _loading:
            if package not in _executors:
                _executors[package] = await asyncio.to_thread(_load, package)
    return _executors[package]


def _error(status: int, reason: str, body: Dict[str, Any]) -> ClientResponseError:
    return ClientResponseError(status, reason, json.dumps(body, ensure_ascii=False))


async def run(package: str, action_call: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The reply the action server's webhook would give to ``action_call``."""
    executor = await executor_for(package)
    try:
        return await executor.run(action_call)  # type: ignore[arg-type]
    except ActionExecutionRejection as e:
        raise _error(400, "Bad Request", {"error": e.message, "action_name": e.action_name})
    except ActionNotFoundException as e:
        raise _error(404, "Not Found", {"error": e.message, "action_name": e.action_name})
    except Exception as e:  # what the action server's exception handler does
        logger.exception("custom action %s failed", action_call.get("next_action"))
        raise _error(500, "Internal Server Error", {"error": str(e)}) from e
