"""The PostgreSQL tracking (and model-registry) store: the shared SQL store on a PostgreSQL database."""

from __future__ import annotations

from weir.store.tracking import search
from weir.store.tracking.postgres import schema
from weir.store.tracking.postgres.connection import PgConnection, PostgresDatabase
from weir.store.tracking.postgres.uri import mask_password, to_conninfo
from weir.store.tracking.sqlite.store import SqlTrackingStore, to_artifact_uri

DEFAULT_ARTIFACT_ROOT = "./weirartifacts"


class PostgresTrackingStore(SqlTrackingStore):
    """Experiments, runs, metrics and the model registry in a PostgreSQL database, shared by a team.

    The schema is created or migrated forward when the store opens (one process at a time).
    Semantics, validation and search are those of the SQLite store: both run the same code.

    :param store_uri: ``postgresql://user:password@host:port/database`` (also
        ``postgresql+psycopg://``); libpq parameters may follow as a query string.
    :param default_artifact_root: URI (or local path) under which new experiments keep their
        artifacts, e.g. ``s3://bucket/weir``; defaults to ``./weirartifacts``.
    :param timeout: seconds a call keeps retrying conflicts and lost connections.
    """

    _dialect = search.PostgresDialect()

    def __init__(
        self, store_uri: str, default_artifact_root: str | None = None, *, timeout: float = 60.0
    ) -> None:
        conninfo = to_conninfo(store_uri)
        self.store_uri = mask_password(store_uri)
        self.artifact_root = to_artifact_uri(default_artifact_root or DEFAULT_ARTIFACT_ROOT)
        self._db = PostgresDatabase(conninfo, display=self.store_uri, timeout=timeout)
        # READ COMMITTED: after waiting for the migration lock, see what another process migrated.
        self._open(isolation="READ COMMITTED")

    def _migrate(self, conn: PgConnection) -> None:
        schema.migrate(conn, self.store_uri)

    def __repr__(self) -> str:
        return f"PostgresTrackingStore({self.store_uri!r}, artifact_root={self.artifact_root!r})"
