"""Fixtures: the server app in-process (starlette's TestClient) and ``weir server`` as a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from weir.server.app import TrackingServerApp
from weir.server.config import ServerConfig

WEIR = [sys.executable, "-m", "weir"]


@pytest.fixture
def server_config(tmp_path: Path) -> ServerConfig:
    return ServerConfig(backend_store_uri=str(tmp_path / "store")).resolved()


@pytest.fixture
def app(server_config: ServerConfig):
    application = TrackingServerApp(server_config)
    yield application
    application.ctx.close()
    application.store.close()


def asgi_client(app, **options):
    """starlette's TestClient for an ASGI app (use it as a context manager)."""
    import warnings

    with warnings.catch_warnings():  # starlette asks for httpx2; httpx is what the dev venv has
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    return TestClient(app, **options)


@pytest.fixture
def client(app):
    with asgi_client(app, base_url="http://127.0.0.1:5000") as test_client:
        yield test_client


@pytest.fixture
def api(client):
    """``api("POST", "runs/create", json=...)`` calls /api/2.0/mlflow/<path> and returns the response."""

    def call(method: str, path: str, **kwargs):
        return client.request(method, f"/api/2.0/mlflow/{path}", **kwargs)

    return call


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 20.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server at {url} did not become healthy within {timeout} s")


class LiveServer:
    def __init__(self, url: str, process: subprocess.Popen, root: Path, log: Path) -> None:
        self.url = url
        self.process = process
        self.root = root
        self.log = log


def start_server(root: Path, *extra: str, command: str = "server") -> LiveServer:
    port = free_port()
    log = root / f"server-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*WEIR, command, "--backend-store-uri", str(root / "store"), "--port", str(port), *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=root,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, root, log)
    try:
        wait_for_health(server.url, process)
    except Exception:
        stop_server(server)
        raise RuntimeError(log.read_text()) from None
    return server


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture
def live_server(tmp_path: Path):
    server = start_server(tmp_path)
    try:
        yield server
    finally:
        stop_server(server)
