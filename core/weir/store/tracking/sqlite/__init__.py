"""The SQLite tracking (and model-registry) store.

``SqliteTrackingStore`` is resolved lazily so that the helper submodules (``validation``,
``connection``, ``schema``) can be imported by the registry code without an import cycle.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SqliteTrackingStore"]


def __getattr__(name: str) -> Any:
    if name == "SqliteTrackingStore":
        from weir.store.tracking.sqlite.store import SqliteTrackingStore

        return SqliteTrackingStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
