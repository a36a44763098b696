"""Live tracking servers for the REST-client and auth tests: in-process (uvicorn in a thread) or
a ``weir server`` subprocess, always on a free 127.0.0.1 port, with bounded waits."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 20.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"no server answered on port {port} within {timeout} s")


class SwitchableApp:
    """An ASGI app forwarding to ``self.app``, so one server can host a fresh app per test."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        app = self.app
        if app is None:  # no test app yet: healthy, but nothing to serve
            status, body = (200, b"OK") if scope["path"] == "/health" else (503, b"no app")
            await send({"type": "http.response.start", "status": status, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)


class InProcessServer:
    """uvicorn serving an ASGI app from a background thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> InProcessServer:
        self.thread.start()
        wait_until_up(self.port)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def server_command(backend_uri: str, port: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "weir",
        "server",
        "--backend-store-uri",
        backend_uri,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]


class SubprocessServer:
    """``weir server`` in a subprocess; ``restart()`` kills it and starts it again on the same port."""

    def __init__(
        self, backend_uri: str, *extra: str, env: dict[str, str] | None = None, log_path: str | None = None
    ):
        self.backend_uri = backend_uri
        self.extra = extra
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> SubprocessServer:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            server_command(self.backend_uri, self.port, *self.extra),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(self.port, timeout, self.process)
        except BaseException:
            self.kill()
            raise
        return self

    def kill(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait(timeout=10)

    def restart(self) -> None:
        self.kill()
        self.start()


@contextlib.contextmanager
def subprocess_server(backend_uri: str, *extra: str, **options: Any) -> Iterator[SubprocessServer]:
    server = SubprocessServer(backend_uri, *extra, **options)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def adopt_store_tests(
    namespace: dict[str, Any], module_name: str, skip: dict[str, str] | None = None
) -> None:
    """Copy the tests (and module fixtures) of ``tests/store/<module_name>.py`` into ``namespace``.

    Those tests are functions of a ``store`` fixture; in tests/rest_client that fixture is a
    ``RestStore`` talking to a live weir server, so the same behaviour is checked over the wire.
    ``skip`` maps test names to the reason they do not apply over REST.
    """
    import importlib.util
    import pathlib

    import pytest

    path = pathlib.Path(__file__).resolve().parent.parent / "store" / f"{module_name}.py"
    spec = importlib.util.spec_from_file_location(f"_rest_suite_{module_name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, value in vars(module).items():
        if name.startswith("__"):
            continue
        if skip and name in skip:
            value = pytest.mark.skip(reason=skip[name])(value)
        namespace[name] = value
