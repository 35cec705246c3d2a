"""Rasa's REST channel, made loud and safe about the tracker store.

Before a message is handed to Rasa the store is pinged; when it is unreachable, or when
saving the conversation failed while the message was processed, the customer gets an
honest apology with the customer-service contact procedure instead of an answer Rasa
could not store (and would otherwise silently keep in memory or forget). Nothing is
acknowledged that is not stored. ``GET /webhooks/rest/health`` reports the tracker
store's state and, in the production profile, the Redis lock store's (200 or 503) for
load balancers and monitoring. Every message goes through
channels/guard.py (personal data masked, empty and over-long messages answered, never
a silent reply).
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import MAX_SENDER_LENGTH, GuardSettings, MessageGuard, valid_sender
from stores import guarded_redis_lock, guarded_sql


def malformed(reason: str) -> HTTPResponse:
    """Stock Rasa answers 500 to some malformed bodies (a JSON array, for one)."""
    return response.json(
        {"error": "リクエストの形式が正しくありません。", "reason": reason}, status=400
    )


def parse_body(request: Request) -> Union[Tuple[str, str, Dict[str, Any]], HTTPResponse]:
    try:
        body = request.json
    except Exception:
        return malformed("the body is not JSON")
    if not isinstance(body, dict):
        return malformed("the body must be a JSON object")
    sender, message = body.get("sender"), body.get("message", "")
    if not valid_sender(sender):
        return malformed(f"'sender' must be a non-empty printable string of at most "
                         f"{MAX_SENDER_LENGTH} characters")
    if not isinstance(message, str):
        return malformed("'message' must be a string")
    metadata = body.get("metadata")
    return sender, message, metadata if isinstance(metadata, dict) else {}


class GuardedRestInput(RestInput):
    def __init__(self, settings: GuardSettings) -> None:
        self.settings = settings

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedRestInput":
        return cls(GuardSettings.from_credentials(credentials or {}))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        guard = MessageGuard(on_new_message, self.settings)

        @webhook.route("/", methods=["GET"])
        async def root(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            tracker_ok, lock_ok = await asyncio.gather(guarded_sql.check(), guarded_redis_lock.check())
            body: Dict[str, Any] = {"tracker_store": "ok" if tracker_ok else "unavailable"}
            if lock_ok is not None:
                body["lock_store"] = "ok" if lock_ok else "unavailable"
            if not tracker_ok:
                body["error"] = guarded_sql.HEALTH.last_error
            healthy = tracker_ok and lock_ok is not False
            return response.json(body, status=200 if healthy else 503)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = parse_body(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender_id, text, metadata = parsed
            collector = CollectingOutputChannel()
            await guard(UserMessage(
                text, collector, sender_id, input_channel=self.name(), metadata=metadata,
            ))
            return response.json(collector.messages)

        return webhook
