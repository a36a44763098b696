"""Retries and delivery guarantees: a flaky proxy, a server killed and restarted mid-run, many clients.

Every metric point logged must be stored exactly once: retried log-batch requests that the server
had already applied are absorbed by the store's dedupe of identical (key, value, timestamp, step).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time

import pytest
import weir
from weir.entities import Metric
from weir.exceptions import WeirException
from weir.store.tracking.rest import RestStore, RetryPolicy
from weir_live_server import subprocess_server

RETRY = RetryPolicy(
    max_retries=12, backoff_factor=0.02, backoff_max=0.5, jitter=0.5, total_timeout=60, request_timeout=10
)


class FlakyProxy:
    """A TCP proxy on 127.0.0.1 that, per connection, forwards, answers 500, drops the request
    before forwarding, or drops the response after forwarding (the request was applied)."""

    def __init__(self, target_port: int, seed: int = 7, failure_rate: float = 0.3) -> None:
        self.target_port = target_port
        self.random = random.Random(seed)
        self.failure_rate = failure_rate
        self.counts = {"ok": 0, "500": 0, "drop_request": 0, "drop_response": 0}
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> FlakyProxy:
        self.thread.start()
        assert self._ready.wait(10)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    async def _read_request(self, reader: asyncio.StreamReader) -> bytes | None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        # one request per upstream connection keeps the proxy simple
        return head.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1) + body

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    request = await self._read_request(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                fate = (
                    "ok"
                    if self.random.random() >= self.failure_rate
                    else self.random.choice(["500", "drop_request", "drop_response"])
                )
                self.counts[fate] += 1
                if fate == "drop_request":
                    return
                if fate == "500":
                    body = b'{"error_code": "INTERNAL_ERROR", "message": "flaky"}'
                    writer.write(
                        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                    )
                    await writer.drain()
                    continue
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
                up_writer.write(request)
                await up_writer.drain()
                response = await up_reader.read()  # the upstream closes after one response
                up_writer.close()
                if fate == "drop_response":
                    return
                writer.write(response)
                await writer.drain()
                return  # the forwarded response said Connection: close
        finally:
            writer.close()


@pytest.fixture
def flaky(live_server, server_app):
    proxy = FlakyProxy(live_server.port).start()
    yield proxy
    proxy.stop()


def test_requests_through_a_flaky_proxy_deliver_every_point_exactly_once(flaky, server_app):
    store = RestStore(f"http://127.0.0.1:{flaky.port}", RETRY)
    run_id = store.create_run(store.create_experiment("flaky"), "u", 0, [], "r").info.run_id
    expected = []
    for batch in range(40):
        points = [
            Metric("loss", float(batch * 50 + i), 1_000 + batch * 50 + i, batch * 50 + i) for i in range(50)
        ]
        store.log_batch(run_id, metrics=points)
        expected.extend(points)
    history = server_app.store.get_metric_history(run_id, "loss")
    assert [(m.value, m.timestamp, m.step) for m in history] == [
        (m.value, m.timestamp, m.step) for m in expected
    ]
    assert flaky.counts["500"] and flaky.counts["drop_request"] and flaky.counts["drop_response"]
    store.close()


def test_retries_are_bounded_and_report_the_server(monkeypatch):
    from weir_live_server import free_port

    port = free_port()  # nothing listens there
    store = RestStore(
        f"http://127.0.0.1:{port}", RetryPolicy(max_retries=2, backoff_factor=0.01, total_timeout=5)
    )
    started = time.monotonic()
    with pytest.raises(WeirException) as error:
        store.get_experiment("0")
    assert time.monotonic() - started < 5
    assert error.value.error_code == "TEMPORARILY_UNAVAILABLE"
    assert f"127.0.0.1:{port}" in error.value.message and "3 attempt(s)" in error.value.message


def test_server_errors_come_back_with_the_servers_code_and_message(store):
    with pytest.raises(WeirException) as error:
        store.create_experiment("dup") and store.create_experiment("dup")
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS" and "dup" in error.value.message


@pytest.mark.slow
def test_server_killed_and_restarted_mid_run_loses_and_duplicates_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIR_HTTP_REQUEST_BACKOFF_FACTOR", "0.05")
    monkeypatch.setenv("WEIR_HTTP_REQUEST_BACKOFF_MAX", "0.5")
    monkeypatch.setenv("WEIR_HTTP_REQUEST_RETRY_TIMEOUT", "60")
    monkeypatch.setenv("WEIR_HTTP_REQUEST_MAX_RETRIES", "100")
    backend = str(tmp_path / "backend")
    with subprocess_server(backend, log_path=str(tmp_path / "server.log")) as server:
        weir.set_tracking_uri(server.url)
        try:
            with weir.start_run() as run:
                for step in range(3000):
                    weir.log_metric("x", float(step), step=step)
                    if step == 1000:
                        server.kill()  # points keep being buffered and retried
                        time.sleep(0.5)  # the writer hits the dead server meanwhile
                    if step == 2000:
                        server.start()
                run_id = run.info.run_id
            history = weir.WeirClient().get_metric_history(run_id, "x")
        finally:
            weir.set_tracking_uri(None)
    assert [m.step for m in history] == list(range(3000))
    assert [m.value for m in history] == [float(s) for s in range(3000)]


def test_32_concurrent_clients_store_every_point(server_url, server_app):
    duration = 5.0
    stop = time.monotonic() + duration
    store = RestStore(server_url, RETRY)  # one store shared by all threads, as the fluent API does
    run_ids = [store.create_run("0", f"user{i}", 0, [], f"client-{i}").info.run_id for i in range(32)]
    sent = [0] * 32
    errors: list[BaseException] = []

    def client(index: int) -> None:
        try:
            step = 0
            while time.monotonic() < stop:
                points = [Metric("m", float(step + i), step + i, step + i) for i in range(100)]
                store.log_batch(run_ids[index], metrics=points)
                step += 100
            sent[index] = step
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 60)
    assert not errors
    for index, run_id in enumerate(run_ids):
        history = server_app.store.get_metric_history(run_id, "m")
        assert len(history) == sent[index] > 0
        assert [m.step for m in history] == list(range(sent[index]))
    store.close()
