"""A dict-based router: exact paths first, then path prefixes whose tail the handler reads.

Every MLflow RPC is mounted twice, under ``/api/2.0/`` and ``/ajax-api/2.0/`` (the UI's prefix).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

API_PREFIXES = ("/api/2.0/", "/ajax-api/2.0/")
DEFAULT_MAX_BODY = 16 * 1024 * 1024


class Route:
    """``inline`` handlers run on the event loop (tiny, fast store calls); others in a thread.
    ``stream`` handlers are coroutines that read the body themselves: ``await fn(ctx, req, receive)``."""

    __slots__ = ("handler", "inline", "stream", "max_body")

    def __init__(self, handler: Callable[..., Any], inline: bool, stream: bool, max_body: int) -> None:
        self.handler = handler
        self.inline = inline
        self.stream = stream
        self.max_body = max_body


class Router:
    def __init__(self) -> None:
        self.exact: dict[str, dict[str, Route]] = {}
        self.prefixes: list[tuple[str, dict[str, Route]]] = []

    def add(
        self,
        methods: str | Iterable[str],
        path: str,
        handler: Callable[..., Any],
        *,
        prefix: bool = False,
        inline: bool = False,
        stream: bool = False,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        route = Route(handler, inline, stream, max_body)
        if isinstance(methods, str):
            methods = [methods]
        if prefix:
            table = next((t for existing, t in self.prefixes if existing == path), None)
            if table is None:
                table = {}
                self.prefixes.append((path, table))
                self.prefixes.sort(key=lambda item: -len(item[0]))
        else:
            table = self.exact.setdefault(path, {})
        for method in methods:
            table[method] = route

    def api(
        self, methods: str | Iterable[str], path: str, handler: Callable[..., Any], **options: Any
    ) -> None:
        """Mount ``path`` (for example ``mlflow/runs/get``) under both API prefixes."""
        for base in API_PREFIXES:
            self.add(methods, base + path, handler, **options)

    def match(self, path: str) -> tuple[dict[str, Route], str] | None:
        """The routes (by method) for ``path`` and the path tail after a prefix route ("" if exact)."""
        table = self.exact.get(path)
        if table is not None:
            return table, ""
        for prefix, table in self.prefixes:
            if path.startswith(prefix):
                return table, path[len(prefix) :]
        return None
