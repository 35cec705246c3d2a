"""The patches of Rasa and rasa-sdk internals that stay outside server/patches.py (its
docstring says why): each does what it is there for, and refuses to start when the code
it leans on has changed, instead of silently doing nothing."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import rasa.core.channels.socketio
import rasa_sdk.endpoint
import sqlalchemy as sa
import yaml
from socketio import AsyncServer

from channels.socketio import SocketIOChannel
from rasa_sdk_plugins import shared_secret
from stores.guarded_sql import GuardedSQLTrackerStore, _check_rasa_store
from tests.helpers import ROOT

SOCKETIO = yaml.safe_load((ROOT / "credentials.yml").read_text())["channels.socketio.SocketIOChannel"]


async def _ignore(_: Any) -> None:
    return None


def test_the_socketio_channel_replaces_rasas_two_handlers_and_sets_engineio() -> None:
    channel = SocketIOChannel.from_credentials(SOCKETIO)
    channel.blueprint(_ignore)
    handlers = channel.sio.handlers["/"]
    assert handlers["session_request"].__module__ == "channels.socketio"  # RasaHQ/rasa#13027
    assert handlers[SOCKETIO["user_message_evt"]].__module__ == "channels.socketio"
    assert handlers["connect"].__module__ == "rasa.core.channels.socketio"  # Rasa's own, kept
    assert channel.sio.eio.cors_allowed_origins == SOCKETIO["cors_allowed_origins"]
    assert channel.sio.eio.max_http_buffer_size == SOCKETIO["max_packet_bytes"]


def test_the_socketio_channel_refuses_to_start_without_rasas_handlers(monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    def bare_blueprint(self: Any, on_new_message: Any) -> None:
        self.sio = AsyncServer(async_mode="sanic")  # no handlers of Rasa's to replace

    monkeypatch.setattr(rasa.core.channels.socketio.SocketIOInput, "blueprint", bare_blueprint)
    with pytest.raises(AssertionError, match="SocketIOInput.blueprint changed"):
        SocketIOChannel.from_credentials(SOCKETIO).blueprint(_ignore)


def test_the_sqlite_store_replaces_rasas_engine_with_a_pooled_write_ahead_one(tmp_path: Path) -> None:
    store = GuardedSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "conversations.db"))
    try:
        assert isinstance(store.engine.pool, sa.pool.QueuePool)  # SQLAlchemy 1.4: NullPool
        assert store.sessionmaker.kw["bind"] is store.engine
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.engine.dispose()


def test_the_store_check_fails_when_sessions_do_not_come_from_rasas_engine(tmp_path: Path) -> None:
    store = GuardedSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "conversations.db"))
    try:
        store.sessionmaker = sa.orm.session.sessionmaker()  # bound to no engine
        with pytest.raises(AssertionError, match="SQLTrackerStore.__init__ changed"):
            _check_rasa_store(store)
    finally:
        store.engine.dispose()


class _App:
    """What the hook uses of the action server's Sanic app."""

    def on_request(self, handler: Any) -> Any:
        return handler


def test_the_action_server_plugin_keeps_the_server_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANIC_HOST", raising=False)
    monkeypatch.setenv(shared_secret.TOKEN_VARIABLE, "a-test-secret")
    shared_secret.attach_sanic_app_extensions(_App())
    assert os.environ["SANIC_HOST"] == "127.0.0.1"


def test_the_action_server_plugin_refuses_to_start_if_rasa_sdk_binds_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rasa_sdk.endpoint, "run", _ignore)  # reads no SANIC_HOST after the hook
    with pytest.raises(AssertionError, match="rasa_sdk.endpoint.run changed"):
        shared_secret.attach_sanic_app_extensions(_App())
