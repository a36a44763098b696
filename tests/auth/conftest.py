"""A weir server app wrapped in the auth middleware, served in-process, with an admin and a user."""

from __future__ import annotations

import pytest
from weir.server.auth.store import AuthStore
from weir_live_server import InProcessServer

ADMIN, ADMIN_PASSWORD = "root", "root-password"
ALICE, ALICE_PASSWORD = "alice", "alice-password"
BOB, BOB_PASSWORD = "bob", "bob-password"


@pytest.fixture
def backend(tmp_path) -> str:
    uri = str(tmp_path / "backend")
    auth = AuthStore(uri)
    auth.create_user(ADMIN, ADMIN_PASSWORD, is_admin=True)
    auth.create_user(ALICE, ALICE_PASSWORD)
    auth.create_user(BOB, BOB_PASSWORD)
    auth.close()
    return uri


@pytest.fixture
def auth_server(backend, monkeypatch):
    from weir.server.app import build_app
    from weir.server.config import ServerConfig

    app = build_app(ServerConfig(backend_store_uri=backend, auth=True))
    server = InProcessServer(app).start()
    try:
        yield server
    finally:
        server.stop()
