"""Rasa's socket.io channel, fixed for python-socketio 5 and locked to the page's origin.

Two things in Rasa 3.6's ``SocketIOInput`` break a real widget:
- it calls ``AsyncServer.enter_room`` without awaiting it; with python-socketio 5 that
  coroutine never runs, the browser never joins its session's room, and with
  ``session_persistence`` every bot reply is sent to an empty room (silence):
  RasaHQ/rasa#13027, open, not fixed in 3.6.21 (the last open-source release);
- it turns off python-engineio's origin check (``cors_allowed_origins=[]``, Rasa's
  workaround for python-socketio#205), so any web page could open a socket to the bot.

This subclass keeps everything else of Rasa's channel (events, session persistence,
JWT option, output channel) and fixes both. The allowed origins come from
credentials.yml (``cors_allowed_origins``). It also replaces Rasa's message handler,
which crashes or silently drops what a page (or an attacker) sends in the wrong shape
(not an object, a non-string message, metadata that is not JSON, no session id); those
get a clear reply in Japanese. Every message goes through channels/guard.py, like the
REST channel's.

Why here and not in server/patches.py: nothing of Rasa is replaced for anyone else. This
is the channel class credentials.yml names; it replaces two handlers on its own server
object, the one ``SocketIOInput.blueprint`` makes for it. What it relies on (that
blueprint keeps the server on ``self.sio`` with Rasa's handlers registered under these
event names, and engine.io's two settings) is checked by ``_check_rasa_blueprint`` when
the server starts (tests/unit/test_patch_guards.py).
"""
from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from channels.guard import GuardSettings, MessageGuard, valid_sender

logger = logging.getLogger(__name__)
MALFORMED_REPLY = (
    "メッセージの形式が正しくないため、受け付けられませんでした。ページを再読み込みして、もう一度お試しください。"
)


class SocketIOChannel(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SocketIOChannel":
        credentials = dict(credentials or {})
        origins = credentials.pop("cors_allowed_origins", None)
        max_packet_bytes = int(credentials.pop("max_packet_bytes", 1_000_000))
        settings = GuardSettings.from_credentials(credentials)
        credentials.pop("guard")
        channel = super().from_credentials(credentials)
        channel.allowed_origins = list(origins or [])
        channel.settings = settings
        channel.max_packet_bytes = max_packet_bytes
        return channel

    allowed_origins: List[Text] = []
    max_packet_bytes: int = 1_000_000
    settings: GuardSettings

    def parse(self, sid: Text, data: Any) -> Union[UserMessage, Text]:
        """The user message, or why it cannot be one (for the log)."""
        if not isinstance(data, dict):
            return "the event data is not an object"
        text = data.get("message", "")
        if not isinstance(text, str):
            return "'message' is not a string"
        metadata = data.get(self.metadata_key) or {}
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                return "the metadata is not JSON"
        if not isinstance(metadata, dict):
            return "the metadata is not an object"
        sender_id = sid
        if self.session_persistence:
            sender_id = data.get("session_id")
            if not valid_sender(sender_id):
                return "no valid session_id"
        output = SocketIOOutput(self.sio, self.bot_message_evt)
        return UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        _check_rasa_blueprint(sio, self.namespace, self.user_message_evt)
        # python-engineio checks the Origin header of every connection (polling and
        # websocket) and answers CORS for polling; an empty list would disable both.
        sio.eio.cors_allowed_origins = self.allowed_origins or None
        # Past this size engine.io drops the connection before the guard can ask for a
        # shorter message; the default (1 MB) is a megabyte of letters, a third of one of
        # Japanese (credentials.yml).
        sio.eio.max_http_buffer_size = self.max_packet_bytes
        guard = MessageGuard(on_new_message, self.settings, late_replies_reach_customer=True)

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        sio.on("session_request", handler=session_request, namespace=self.namespace)

        async def handle_message(sid: Text, data: Any) -> None:
            message = self.parse(sid, data)
            if isinstance(message, str):
                logger.warning("socket.io message from %s refused: %s", sid, message)
                await SocketIOOutput(sio, self.bot_message_evt).send_text_message(sid, MALFORMED_REPLY)
                return
            await guard(message)

        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return blueprint


def _check_rasa_blueprint(sio: Any, namespace: Optional[Text], user_message_evt: Text) -> None:
    """Rasa 3.6.21's ``SocketIOInput.blueprint`` leaves its AsyncServer on ``self.sio``,
    with its handlers of both events that ours replace (else a message would be handled
    twice, or not at all), and python-engineio keeps the two settings we set."""
    assert isinstance(sio, AsyncServer), (
        "rasa.core.channels.socketio.SocketIOInput.blueprint changed: review channels/socketio.py"
    )
    rasas = sio.handlers.get(namespace or "/", {})
    assert {"session_request", user_message_evt} <= set(rasas), (
        "rasa.core.channels.socketio.SocketIOInput.blueprint changed: review channels/socketio.py"
    )
    assert all(hasattr(sio.eio, name) for name in ("cors_allowed_origins", "max_http_buffer_size")), (
        "engineio.AsyncServer changed: review channels/socketio.py"
    )
