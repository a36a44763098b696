"""The PostgreSQL tracking and model-registry store (``postgresql://`` tracking URIs).

Needs psycopg 3 (``pip install 'weir[postgres]'``); nothing here imports it until a store is made.
"""

from __future__ import annotations

from typing import Any

from weir.store.tracking.postgres.uri import is_postgres_uri

__all__ = ["PostgresTrackingStore", "is_postgres_uri", "postgres_tracking_store"]


def postgres_tracking_store(store_uri: str, default_artifact_root: str | None = None):
    """The PostgreSQL store for a ``postgresql://`` URI, or None for any other URI."""
    if not is_postgres_uri(store_uri):
        return None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        from weir.exceptions import WeirException

        raise WeirException(
            "PostgreSQL tracking URIs need psycopg 3: pip install 'weir[postgres]'", "INVALID_PARAMETER_VALUE"
        ) from None
    from weir.store.tracking.postgres.store import PostgresTrackingStore

    return PostgresTrackingStore(store_uri, default_artifact_root)


def __getattr__(name: str) -> Any:
    if name == "PostgresTrackingStore":
        from weir.store.tracking.postgres.store import PostgresTrackingStore

        return PostgresTrackingStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
