"""The tracking server as one raw ASGI callable: routing is a dict lookup, handlers are plain functions.

A request is matched, its JSON body read (within the route's size limit), and the handler runs on
the event loop (``inline`` routes: small store writes such as log-metric, where handing work to a
thread would cost more than the work) or in the thread pool (searches, registry, artifacts).
Errors become MLflow's ``{"error_code", "message"}`` body with the matching HTTP status.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import os
from typing import Any

from weir.exceptions import WeirException
from weir.server import jsoncodec
from weir.server.config import ServerConfig, ServerContext
from weir.server.request import BodyTooLarge, Request
from weir.server.responses import JSON, TEXT, FileResponse, Response, error_body, send_body, send_file
from weir.server.routing import Router
from weir.version import __version__

_logger = logging.getLogger("weir.server")

STATIC_DIR = os.path.join(os.path.dirname(__file__), "ui", "static")
_EMPTY = b"{}"


class _Disconnected(Exception):
    pass


def build_router() -> Router:
    from weir.server.handlers import (
        artifacts,
        experiments,
        logged_models,
        metrics,
        registry,
        runs,
        ui,
        ui_extras,
    )

    router = Router()
    for module in (experiments, runs, metrics, artifacts, logged_models, registry, ui, ui_extras):
        module.register(router)
    return router


class TrackingServerApp:
    """ASGI app for MLflow's tracking, registry and artifact-proxy REST API, plus the web UI."""

    def __init__(self, config: ServerConfig, store: Any = None, static_dir: str | None = STATIC_DIR) -> None:
        self.config = config
        self.ctx = ServerContext(config, store)
        self.router = build_router()
        self.static_dir = static_dir if static_dir and os.path.isdir(static_dir) else None
        self._version = __version__.encode()

    @property
    def store(self) -> Any:
        return self.ctx.store

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.ctx.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict, receive: Any, send: Any) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        found = self.router.match(path)
        if found is None:
            await self._fallback(path, method, scope, send)
            return
        routes, tail = found
        route = routes.get(method) or (routes.get("GET") if method == "HEAD" else None)
        if route is None:
            allowed = ", ".join(sorted(routes))
            await send_body(
                send,
                405,
                error_body("BAD_REQUEST", f"{method} is not allowed on {path}; use {allowed}."),
                JSON,
            )
            return
        request = Request(
            method, path, scope.get("query_string", b""), None, scope.get("headers"), {"tail": tail}
        )
        try:
            if route.stream:
                request.path_params["scheme"] = scope.get("scheme", "http")
                result = await route.handler(self.ctx, request, receive)
            else:
                if method not in ("GET", "HEAD"):
                    body = await _read_body(receive, route.max_body)
                    if body is None:
                        return
                    if body:
                        request.body = _parse_json(body)
                if route.inline:
                    result = route.handler(self.ctx, request)
                else:
                    loop = asyncio.get_running_loop()
                    result = await loop.run_in_executor(self.ctx.executor, route.handler, self.ctx, request)
        except _Disconnected:
            return
        except WeirException as exc:
            await send_body(send, exc.http_status, error_body(exc.error_code, exc.message), JSON)
            return
        except Exception as exc:  # a bug or an unexpected store failure: report it, keep serving
            _logger.exception("Error while handling %s %s", method, path)
            await send_body(send, 500, error_body("INTERNAL_ERROR", f"{type(exc).__name__}: {exc}"), JSON)
            return
        await _send_result(send, result, method == "HEAD")

    async def _fallback(self, path: str, method: str, scope: dict, send: Any) -> None:
        if path == "/health" and method in ("GET", "HEAD"):
            await send_body(send, 200, b"OK", TEXT)
        elif path == "/version" and method in ("GET", "HEAD"):
            await send_body(send, 200, self._version, TEXT)
        elif (
            self.static_dir is not None
            and method in ("GET", "HEAD")
            and not path.startswith(("/api/", "/ajax-api/"))
        ):
            await self._static(path, send, method == "HEAD")
        else:
            await send_body(send, 404, error_body("ENDPOINT_NOT_FOUND", f"No API endpoint at {path}."), JSON)

    async def _static(self, path: str, send: Any, head_only: bool) -> None:
        from weir.store.artifacts.paths import resolve_local_path

        assert self.static_dir is not None
        if path in ("/", "/index.html"):
            relative, cache = "index.html", b"no-cache"
        elif path.startswith("/static/"):
            relative, cache = path[len("/static/") :], b"public, max-age=3600"
        else:
            await send_body(send, 404, error_body("ENDPOINT_NOT_FOUND", f"No page at {path}."), JSON)
            return
        try:
            local = resolve_local_path(self.static_dir, relative)
        except WeirException:
            local = ""
        if not local or not os.path.isfile(local):
            await send_body(send, 404, error_body("RESOURCE_DOES_NOT_EXIST", f"No file at {path}."), JSON)
            return
        content_type = (mimetypes.guess_type(local)[0] or "application/octet-stream").encode()
        if content_type.startswith(b"text/") or content_type == b"application/javascript":
            content_type += b"; charset=utf-8"
        await send_file(send, FileResponse(local, content_type, [(b"cache-control", cache)]), head_only)


def _parse_json(body: bytes) -> dict[str, Any]:
    try:
        value = jsoncodec.loads(body)
    except ValueError as exc:
        raise WeirException(f"Malformed JSON in the request body: {exc}", "BAD_REQUEST") from None
    if not isinstance(value, dict):
        raise WeirException("The request body must be a JSON object.", "BAD_REQUEST")
    return value


async def _read_body(receive: Any, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _send_result(send: Any, result: Any, head_only: bool) -> None:
    if isinstance(result, dict):
        body = jsoncodec.dumps(result) if result else _EMPTY
        await send_body(send, 200, b"" if head_only else body, JSON)
    elif isinstance(result, Response):
        await send_body(send, result.status, result.body, result.content_type, result.headers)
    elif isinstance(result, FileResponse):
        await send_file(send, result, head_only)
    else:  # pragma: no cover - a handler bug
        raise TypeError(f"Handler returned {type(result).__name__}")


def build_app(config: ServerConfig | None = None, store: Any = None) -> Any:
    """The ASGI app for ``config`` (defaults resolved); wrapped in the auth middleware with ``auth``."""
    config = (config or ServerConfig()).resolved()
    app = TrackingServerApp(config, store)
    if config.auth:
        return wrap_with_auth(app, config)
    return app


def wrap_with_auth(app: TrackingServerApp, config: ServerConfig) -> Any:
    """Mount ``weir.server.auth``'s middleware (imported only when --auth is given)."""
    try:
        from weir.server import auth
    except ImportError as exc:
        raise WeirException(
            f"--auth needs the weir.server.auth module, which cannot be imported: {exc}", "INVALID_STATE"
        ) from None
    factory = getattr(auth, "create_auth_middleware", None) or getattr(auth, "AuthMiddleware", None)
    if factory is None:
        raise WeirException(
            "weir.server.auth has no create_auth_middleware or AuthMiddleware; cannot enable --auth.",
            "INVALID_STATE",
        )
    return factory(app, config.backend_store_uri)
