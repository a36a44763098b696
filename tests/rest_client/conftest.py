"""A live weir tracking server (in-process, one per session, a fresh store per test) and REST stores."""

from __future__ import annotations

import pytest
from weir.store.tracking.rest import RestStore, RetryPolicy
from weir_live_server import InProcessServer, SwitchableApp

FAST_RETRIES = RetryPolicy(
    max_retries=3, backoff_factor=0.01, backoff_max=0.05, total_timeout=5, request_timeout=10
)


@pytest.fixture(scope="session")
def live_server():
    host = SwitchableApp()
    server = InProcessServer(host).start()
    server.host_app = host
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_app(live_server, tmp_path):
    """A fresh server app (and backend store) behind the live server for this test."""
    from weir.server.app import build_app
    from weir.server.config import ServerConfig

    app = build_app(ServerConfig(backend_store_uri=str(tmp_path / "server")))
    live_server.host_app.app = app
    yield app
    app.store.close()


@pytest.fixture
def server_url(live_server, server_app) -> str:
    return live_server.url


@pytest.fixture
def store(server_url):
    instance = RestStore(server_url, FAST_RETRIES)
    yield instance
    instance.close()


@pytest.fixture
def experiment_id(store) -> str:
    return store.create_experiment("exp")


@pytest.fixture
def run_id(store, experiment_id) -> str:
    return store.create_run(experiment_id, "alice", 1_000, [], "run-1").info.run_id
