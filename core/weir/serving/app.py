"""The scoring server as a plain ASGI callable (no framework routing: the overhead per request matters).

Routes: ``GET /ping`` and ``GET /health`` (200, body ``\\n``), ``GET /version`` (weir's version) and
``POST /invocations``. Parsing, prediction and encoding of an invocation run in a worker thread so the
event loop keeps answering health checks while a model computes.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from weir.exceptions import WeirException
from weir.serving.encoding import encode_error, encode_predictions
from weir.serving.errors import PayloadTooLarge, ScoringInputError
from weir.serving.parsing import (
    CSV,
    JSON,
    parse_content_type,
    parse_csv_input,
    parse_json_input,
    parse_parquet_input,
)
from weir.version import __version__

_logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_SIZE = 100 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0
DEFAULT_INLINE_BELOW = 0.002
_INLINE_MAX_BODY = 64 * 1024
MAX_BODY_SIZE_ENV = "WEIR_SCORING_SERVER_MAX_BODY_SIZE"
TIMEOUT_ENV = "WEIR_SCORING_SERVER_REQUEST_TIMEOUT"
_MLFLOW_TIMEOUT_ENV = "MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT"

_JSON = b"application/json"
_TEXT = b"text/plain; charset=utf-8"


def default_max_body_size() -> int:
    value = os.environ.get(MAX_BODY_SIZE_ENV)
    return int(value) if value else DEFAULT_MAX_BODY_SIZE


def default_timeout() -> float:
    value = os.environ.get(TIMEOUT_ENV) or os.environ.get(_MLFLOW_TIMEOUT_ENV)
    return float(value) if value else DEFAULT_TIMEOUT


def _input_schema(model: Any) -> Any:
    metadata = getattr(model, "metadata", None)
    getter = getattr(metadata, "get_input_schema", None)
    return getter() if callable(getter) else None


def _accepts_params(predict: Any) -> bool:
    try:
        return "params" in inspect.signature(predict).parameters
    except (TypeError, ValueError):
        return False


class ScoringApp:
    """ASGI app serving one loaded pyfunc model (anything with ``predict(data, params=None)``).

    Invocations run in a thread pool, so the event loop keeps answering while a model computes and
    ``timeout`` can be enforced. Handing a request to a thread costs about a fifth of the time a
    fast model takes to score one row, so once small requests (bodies up to 64 KiB) are seen to
    take less than ``inline_below`` seconds of CPU on average (and less than five times that of wall
    time, which keeps models waiting on I/O in the pool), they are scored on the event loop directly;
    if they get slower the averages rise and they go back to the pool. ``inline_below=0`` disables it.
    """

    def __init__(
        self,
        model: Any,
        *,
        max_body_size: int | None = None,
        timeout: float | None = None,
        max_threads: int = 4,
        inline_below: float = DEFAULT_INLINE_BELOW,
    ) -> None:
        self.model = model
        self.input_schema = _input_schema(model)
        self.max_body_size = default_max_body_size() if max_body_size is None else int(max_body_size)
        self.timeout = default_timeout() if timeout is None else float(timeout)
        self._accepts_params = _accepts_params(model.predict)
        self._executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="weir-scoring")
        self._version_body = __version__.encode()
        self.inline_below = inline_below
        # moving averages of the CPU and wall time small requests take; unknown at first (pool)
        self._small_cpu = self._small_wall = float("inf")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self._executor.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict, receive: Any, send: Any) -> None:
        path, method = scope["path"], scope["method"]
        if path == "/invocations":
            if method != "POST":
                await _error(send, 405, "BAD_REQUEST", f"{method} is not allowed on /invocations; use POST.")
                return
            await self._invocations(scope, receive, send)
        elif path in ("/ping", "/health", "/version"):
            if method not in ("GET", "HEAD"):
                await _error(send, 405, "BAD_REQUEST", f"{method} is not allowed on {path}; use GET.")
            elif path == "/version":
                await _respond(send, 200, self._version_body, _TEXT)
            else:
                await _respond(send, 200, b"\n", _JSON)
        else:
            await _error(send, 404, "ENDPOINT_NOT_FOUND", f"No endpoint at {path}.")

    async def _invocations(self, scope: dict, receive: Any, send: Any) -> None:
        content_type = content_length = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"content-length":
                content_length = value
        try:
            kind = parse_content_type(content_type)
            if content_length is not None and int(content_length) > self.max_body_size:
                raise PayloadTooLarge(self.max_body_size)
            body = await self._read_body(receive)
        except WeirException as exc:
            await _error(send, exc.http_status, exc.error_code, exc.message)
            return
        except ValueError:
            await _error(send, 400, "BAD_REQUEST", "The Content-Length header is not a number.")
            return
        if body is None:  # the client went away
            return
        small = len(body) <= _INLINE_MAX_BODY
        if small and self._small_cpu < self.inline_below and self._small_wall < 5 * self.inline_below:
            status, payload = self._timed_score(body, kind, small)
            await _respond(send, status, payload, _JSON)
            return
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, self._timed_score, body, kind, small)
        try:
            status, payload = await asyncio.wait_for(future, self.timeout)
        except asyncio.TimeoutError:
            message = f"Request processing time exceeded limit ({self.timeout:g} s)."
            await _error(send, 504, "DEADLINE_EXCEEDED", message)
            return
        await _respond(send, status, payload, _JSON)

    async def _read_body(self, receive: Any) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_size:
                raise PayloadTooLarge(self.max_body_size)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _timed_score(self, body: bytes, kind: str, small: bool) -> tuple[int, bytes]:
        if not small:
            return self.score(body, kind)
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return self.score(body, kind)
        finally:
            # CPU time is what inlining would block the loop for (a thread's wall time also counts
            # waiting for the GIL); wall time keeps models that wait on I/O in the pool.
            self._small_cpu = _average(self._small_cpu, time.thread_time() - cpu)
            self._small_wall = _average(self._small_wall, time.perf_counter() - wall)

    def score(self, body: bytes, kind: str = JSON) -> tuple[int, bytes]:
        """Parse, predict and encode one request body; returns (HTTP status, JSON body). Never raises."""
        try:
            if kind == JSON:
                data, params = parse_json_input(body, self.input_schema)
            elif kind == CSV:
                data, params = parse_csv_input(body, self.input_schema), None
            else:
                data, params = parse_parquet_input(body), None
        except WeirException as exc:
            return exc.http_status, encode_error(exc.error_code, exc.message)
        try:
            predictions = self._predict(data, params)
        except ScoringInputError as exc:
            return exc.http_status, encode_error(exc.error_code, exc.message)
        except WeirException as exc:
            return exc.http_status, encode_error(exc.error_code, f"Failed to predict: {exc.message}")
        except Exception as exc:
            _logger.exception("The model raised while predicting")
            message = f"The model raised an error while predicting: {type(exc).__name__}: {exc}"
            return 500, encode_error("INTERNAL_ERROR", message)
        try:
            return 200, encode_predictions(predictions)
        except (TypeError, ValueError) as exc:
            return 500, encode_error("INTERNAL_ERROR", f"The predictions cannot be encoded as JSON: {exc}")

    def _predict(self, data: Any, params: dict | None) -> Any:
        if self._accepts_params:
            return self.model.predict(data, params=params)
        if params:
            _logger.warning("The model's predict() takes no params; ignoring %s", sorted(params))
        return self.model.predict(data)


def _average(previous: float, sample: float) -> float:
    return sample if previous == float("inf") else 0.8 * previous + 0.2 * sample


async def _respond(send: Any, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _error(send: Any, status: int, error_code: str, message: str) -> None:
    await _respond(send, status, encode_error(error_code, message), _JSON)


def load_scoring_model(model_uri: str) -> Any:
    """Load a model for serving through ``weir.pyfunc.load_model``."""
    from weir.pyfunc import load_model

    return load_model(model_uri)


def build_app(
    model: Any,
    *,
    max_body_size: int | None = None,
    timeout: float | None = None,
) -> ScoringApp:
    """The ASGI scoring app for a model URI/path or an already loaded pyfunc model."""
    if isinstance(model, (str, os.PathLike)):
        model = load_scoring_model(os.fspath(model))
    return ScoringApp(model, max_body_size=max_body_size, timeout=timeout)
