"""PostgreSQL connections: one per thread, re-opened after fork, transactions retried on conflicts.

Writes run in SERIALIZABLE transactions, so the store's read-check-then-write steps (a name is
free, a param is new, the next version number) hold under concurrency; PostgreSQL reports a
conflict as a serialization failure (or a deadlock, or a unique violation that a retry turns
into the proper error) and the whole transaction is run again with backoff. Reads run in
REPEATABLE READ READ ONLY transactions (one snapshot). A connection that broke before COMMIT
was sent is replaced and the transaction retried; one that broke during COMMIT is reported,
since the outcome is unknown.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors

from weir.exceptions import InvalidParameterValue, WeirException
from weir.store.tracking.postgres.sql import SqlTranslator

T = TypeVar("T")

_RETRY_ALWAYS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)
_UNIQUE_RETRIES = 3
CONNECT_RETRY_SECONDS = 5.0  # rides out a server restart; a wrong host fails after this
# Connections inherited through fork must never be closed (or garbage-collected) in the child:
# closing sends a Terminate message on the socket the parent still uses.
_inherited_connections: list[psycopg.Connection] = []

_PRIMARY_KEY_SQL = (
    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
    "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum"
)
_IDENTITY_SQL = (
    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> '' AND attnum > 0"
)


class Result:
    """What ``PgConnection.execute`` returns: the sqlite3 cursor surface the store uses."""

    __slots__ = ("_cursor", "lastrowid")

    def __init__(self, cursor: psycopg.Cursor, lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> tuple | None:
        return None if self.lastrowid is not None else self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return [] if self.lastrowid is not None else self._cursor.fetchall()

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class PgConnection:
    """A psycopg connection that takes the shared store's SQLite-flavoured SQL (see ``sql``)."""

    def __init__(self, raw: psycopg.Connection, translator: SqlTranslator) -> None:
        self.raw = raw
        self._translator = translator

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        translated = self._translator.translate(sql)
        cursor = self.raw.execute(translated.sql, tuple(params))
        if translated.returning:
            return Result(cursor, cursor.fetchone()[0])
        return Result(cursor)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(self._translator.translate(sql, single=False).sql, rows)


class PostgresDatabase:
    """Owns the connections to one PostgreSQL database.

    ``write(fn)`` runs ``fn(connection)`` in a SERIALIZABLE transaction, ``read(fn)`` in a
    read-only snapshot; both retry the whole function on conflicts, so ``fn`` must not have side
    effects outside the database.

    :param conninfo: a libpq connection string or ``postgresql://`` URI.
    :param display: how the database is named in errors (the URI without its password).
    :param timeout: seconds a call keeps retrying conflicts and lost connections.
    :param connect_timeout: seconds one connection attempt may take.
    """

    def __init__(
        self, conninfo: str, *, display: str, timeout: float = 60.0, connect_timeout: float = 10.0
    ) -> None:
        self.conninfo = conninfo
        self.display = display
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._local = threading.local()
        self._connections: list[tuple[threading.Thread, psycopg.Connection]] = []
        self._pid = os.getpid()
        self._primary_keys: dict[str, tuple[str, ...]] = {}
        self._identities: dict[str, str | None] = {}
        self._translator = SqlTranslator(self._primary_key, self._identity)

    # --- catalog (for the SQL translator) ----------------------------------------------------
    def _catalog_connection(self) -> psycopg.Connection:
        return self.connection().raw

    def _primary_key(self, table: str) -> tuple[str, ...]:
        if table not in self._primary_keys:
            rows = self._catalog_connection().execute(_PRIMARY_KEY_SQL, (table,)).fetchall()
            self._primary_keys[table] = tuple(row[0] for row in rows)
        return self._primary_keys[table]

    def _identity(self, table: str) -> str | None:
        if table not in self._identities:
            row = self._catalog_connection().execute(_IDENTITY_SQL, (table,)).fetchone()
            self._identities[table] = row[0] if row else None
        return self._identities[table]

    # --- connections -------------------------------------------------------------------------
    def connection(self) -> PgConnection:
        if self._pid != os.getpid():
            self._after_fork()
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.raw.closed:
            raw = psycopg.connect(
                self.conninfo,
                autocommit=True,  # transactions are explicit: BEGIN ... COMMIT
                connect_timeout=max(1, round(self.connect_timeout)),
                application_name="weir",
            )
            conn = PgConnection(raw, self._translator)
            self._local.conn = conn
            with self._lock:
                self._prune_dead_threads()
                self._connections.append((threading.current_thread(), raw))
        return conn

    def _prune_dead_threads(self) -> None:
        alive = []
        for thread, raw in self._connections:
            if thread.is_alive() and not raw.closed:
                alive.append((thread, raw))
            else:
                _close_quietly(raw)
        self._connections = alive

    def _discard(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            _close_quietly(conn.raw)

    def _after_fork(self) -> None:
        with self._lock:
            _inherited_connections.extend(raw for _, raw in self._connections)
            self._connections = []
            self._local = threading.local()
            self._pid = os.getpid()

    def close(self) -> None:
        """Close every connection this process opened. Safe to call twice."""
        if self._pid != os.getpid():
            self._after_fork()
            return
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for _, raw in connections:
            _close_quietly(raw)

    # --- transactions ------------------------------------------------------------------------
    def write(self, fn: Callable[[PgConnection], T], *, isolation: str = "SERIALIZABLE") -> T:
        return self._transaction(fn, f"BEGIN ISOLATION LEVEL {isolation}")

    def read(self, fn: Callable[[PgConnection], T]) -> T:
        return self._transaction(fn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _transaction(self, fn: Callable[[PgConnection], T], begin: str) -> T:
        start = time.monotonic()
        deadline = start + self.timeout
        delay = 0.005
        unique_violations = 0
        while True:
            committing = connected = False
            try:
                conn = self.connection()
                connected = True
                conn.raw.execute(begin)
                try:
                    result = fn(conn)
                    committing = True
                    conn.raw.execute("COMMIT")
                    return result
                except BaseException:
                    if not committing:
                        _rollback_quietly(conn.raw)
                    raise
            except psycopg.Error as error:
                if not connected:
                    if not isinstance(error, psycopg.OperationalError):  # a malformed connection string
                        raise self._translate_error(error) from error
                    if time.monotonic() - start >= CONNECT_RETRY_SECONDS:
                        raise WeirException(
                            f"Cannot connect to {self.display}: {error}".strip(), "TEMPORARILY_UNAVAILABLE"
                        ) from error
                elif isinstance(error, psycopg.OperationalError) and _connection_lost(self._local):
                    self._discard()
                    if committing:
                        raise WeirException(
                            f"The connection to {self.display} was lost while committing; the change may "
                            f"or may not have been saved: {error}",
                            "TEMPORARILY_UNAVAILABLE",
                        ) from error
                elif isinstance(error, pg_errors.UniqueViolation) and unique_violations < _UNIQUE_RETRIES:
                    unique_violations += 1
                elif not isinstance(error, _RETRY_ALWAYS):
                    raise self._translate_error(error) from error
                if time.monotonic() >= deadline:
                    raise WeirException(
                        f"{self.display} kept failing for {self.timeout:.0f} s: {error}",
                        "TEMPORARILY_UNAVAILABLE",
                    ) from error
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 0.5)

    def _translate_error(self, error: psycopg.Error) -> WeirException:
        if isinstance(error, pg_errors.DataError):  # a value PostgreSQL cannot store (NUL, out of range)
            return InvalidParameterValue(f"PostgreSQL refused a value: {error}".strip())
        return WeirException(f"PostgreSQL error on {self.display}: {error}".strip(), "INTERNAL_ERROR")


def _connection_lost(local: threading.local) -> bool:
    conn = getattr(local, "conn", None)
    return conn is None or conn.raw.closed or conn.raw.broken


def _rollback_quietly(raw: psycopg.Connection) -> None:
    if raw.closed or raw.broken:
        return
    try:
        raw.execute("ROLLBACK")
    except psycopg.Error:
        pass


def _close_quietly(raw: psycopg.Connection) -> None:
    try:
        raw.close()
    except psycopg.Error:
        pass
