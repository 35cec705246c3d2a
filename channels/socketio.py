"""Rasa's socket.io channel, fixed for python-socketio 5 and locked to the page's origin.

Two things in Rasa 3.6's ``SocketIOInput`` break a real widget:
- it calls ``AsyncServer.enter_room`` without awaiting it; with python-socketio 5 that
  coroutine never runs, the browser never joins its session's room, and with
  ``session_persistence`` every bot reply is sent to an empty room (silence);
- it turns off python-engineio's origin check (``cors_allowed_origins=[]``), so any
  web page could open a socket to the bot.

This subclass keeps everything else of Rasa's channel (events, session persistence,
JWT option, output channel) and fixes both. The allowed origins come from
credentials.yml (``cors_allowed_origins``). Like the REST channel, it checks the tracker
store before each message and answers with the apology and the customer-service
procedure when the store is unreachable (stores/guarded_sql.py).
"""
from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.store_guard import store_reachable, unavailable_message


class SocketIOChannel(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SocketIOChannel":
        credentials = dict(credentials or {})
        origins = credentials.pop("cors_allowed_origins", None)
        channel = super().from_credentials(credentials)
        channel.allowed_origins = list(origins or [])
        return channel

    allowed_origins: List[Text] = []

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        # python-engineio checks the Origin header of every connection (polling and
        # websocket) and answers CORS for polling; an empty list would disable both.
        sio.eio.cors_allowed_origins = self.allowed_origins or None

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        sio.on("session_request", handler=session_request, namespace=self.namespace)

        rasa_handle_message = sio.handlers[self.namespace or "/"][self.user_message_evt]

        async def handle_message(sid: Text, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not store_reachable(session_id or sid):
                room = session_id if self.session_persistence and session_id else sid
                await SocketIOOutput(sio, self.bot_message_evt).send_response(
                    room, unavailable_message()
                )
                return
            await rasa_handle_message(sid, data)

        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return blueprint
