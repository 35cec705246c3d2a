"""Only the Rasa server may call the action server: a shared secret, and loopback.

Rasa sends ``Authorization: Bearer <secret>`` on every action call (the
``action_endpoint`` headers of endpoints.yml). The secret is the environment variable
``ACTION_SERVER_TOKEN``; without it, the development default written in endpoints.yml
is used, so that ``rasa run`` and ``rasa run actions`` started by hand from the
repository root work together. Production sets its own (endpoints.production.yml
reads the same variable). A call without the header gets 401, one with a wrong secret
403; ``GET /health`` stays open for probes.

The server binds to 127.0.0.1 unless ``SANIC_HOST`` says otherwise (containers set
0.0.0.0 and rely on the secret and their network policy). That leans on rasa-sdk 3.6.2's
``endpoint.run``, which calls this hook and only then reads ``SANIC_HOST`` (default
0.0.0.0); ``_check_rasa_sdk_run`` stops the start if that changed, rather than listen on
every interface (tests/unit/test_patch_guards.py). endpoints.yml is read from the working
directory, as ``rasa run`` reads it by default: started by hand from one folder, both
servers agree on the secret; started elsewhere, there is none and the server refuses to
start (tests/e2e/test_action_server.py).

Why here and not in server/patches.py: this runs in the action server, which ships
without server/ (the Rasa server's package), and rasa-sdk finds its plugins by this
package's name only. Nothing of rasa-sdk is replaced: the hook is rasa-sdk's own.
"""
from __future__ import annotations

import hmac
import inspect
import logging
import os
from pathlib import Path
from typing import Optional

import pluggy
import yaml
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
DEVELOPMENT_ENDPOINTS = Path("endpoints.yml")
OPEN_PATHS = {"/health"}
PREFIX = "Bearer "


def development_secret(endpoints: Path = DEVELOPMENT_ENDPOINTS) -> Optional[str]:
    """The secret endpoints.yml sends, read from the one place it is written."""
    if not endpoints.is_file():
        return None
    config = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    header = ((config.get("action_endpoint") or {}).get("headers") or {}).get("Authorization", "")
    return header[len(PREFIX):] if header.startswith(PREFIX) else None


def configured_secret() -> str:
    secret = os.environ.get(TOKEN_VARIABLE) or development_secret()
    if not secret:
        raise SystemExit(f"error: set {TOKEN_VARIABLE}: the action server needs the secret "
                         "the Rasa server sends (see endpoints.production.yml)")
    if not os.environ.get(TOKEN_VARIABLE):
        logger.warning("action server uses the development secret of endpoints.yml; "
                       "set %s in production", TOKEN_VARIABLE)
    return secret


def refusal(request: Request, secret: str) -> Optional[HTTPResponse]:
    if request.path in OPEN_PATHS and request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    header = request.headers.get("Authorization", "")
    if not header.startswith(PREFIX):
        return response.json({"error": "authentication required"}, status=401)
    if not hmac.compare_digest(header[len(PREFIX):].encode(), secret.encode()):
        return response.json({"error": "forbidden"}, status=403)
    return None


def _check_rasa_sdk_run() -> None:
    """rasa-sdk 3.6.2's ``endpoint.run`` reads ``SANIC_HOST`` after calling this hook."""
    from rasa_sdk import endpoint

    source = inspect.getsource(endpoint.run)
    hook, host = source.find("hook.attach_sanic_app_extensions("), source.find('os.environ.get("SANIC_HOST"')
    assert 0 <= hook < host, "rasa_sdk.endpoint.run changed: review rasa_sdk_plugins/shared_secret.py"


@hookimpl  # type: ignore[misc]
def attach_sanic_app_extensions(app: Sanic) -> None:
    _check_rasa_sdk_run()
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    secret = configured_secret()

    @app.on_request
    async def require_secret(request: Request) -> Optional[HTTPResponse]:
        return refusal(request, secret)
