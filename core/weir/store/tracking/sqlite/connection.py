"""SQLite connections: one per thread, re-opened after fork, writes retried while the DB is busy.

Several processes may write the same database. SQLite serialises writers; ``busy_timeout`` makes
a writer wait for the lock, and on top of that every transaction is retried with exponential
backoff and jitter when SQLite still reports SQLITE_BUSY / SQLITE_LOCKED, so callers never see
"database is locked" unless the database stays locked for ``timeout`` seconds.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from weir.exceptions import WeirException

T = TypeVar("T")

_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
# Connections inherited through fork must never be closed (or finalised) in the child: SQLite
# would run its last-connection cleanup against files the parent is still using.
_inherited_connections: list[sqlite3.Connection] = []


def is_busy_error(error: BaseException) -> bool:
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return True
    message = str(error).lower()
    return "locked" in message or "busy" in message


class SqliteDatabase:
    """Owns the connections to one SQLite file.

    ``write(fn)`` runs ``fn(connection)`` inside ``BEGIN IMMEDIATE`` ... ``COMMIT``; ``read(fn)``
    inside a deferred transaction (one consistent snapshot). Both retry the whole function while
    the database is busy, so ``fn`` must not have side effects outside the database.
    """

    def __init__(self, path: str, *, timeout: float = 60.0, busy_timeout_ms: int = 1000) -> None:
        self.path = path
        self.timeout = timeout
        self._busy_timeout_ms = busy_timeout_ms
        self._lock = threading.Lock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._closed = False

    # --- connections -----------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            self._after_fork()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = self._retry(
            lambda: sqlite3.connect(
                self.path, timeout=self._busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
            )
        )
        self._retry(lambda: self._configure(conn))
        return conn

    def _configure(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32000")

    def _after_fork(self) -> None:
        with self._lock:
            _inherited_connections.extend(self._connections)
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
        for conn in connections:
            try:
                conn.close()
            except sqlite3.Error:
                pass

    # --- transactions ----------------------------------------------------------------------
    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return self._transaction(fn, "BEGIN IMMEDIATE")

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return self._transaction(fn, "BEGIN")

    def _transaction(self, fn: Callable[[sqlite3.Connection], T], begin: str) -> T:
        def attempt() -> T:
            conn = self.connection()
            if conn.in_transaction:  # left open by an interrupted call (KeyboardInterrupt...)
                conn.rollback()
            conn.execute(begin)
            try:
                result = fn(conn)
                conn.execute("COMMIT")
                return result
            except BaseException:
                if conn.in_transaction:
                    try:
                        conn.rollback()
                    except sqlite3.Error:
                        pass
                raise

        return self._retry(attempt)

    def _retry(self, fn: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as error:
                if not is_busy_error(error):
                    raise WeirException(f"SQLite error on {self.path}: {error}", "INTERNAL_ERROR") from error
                if time.monotonic() >= deadline:
                    raise WeirException(
                        f"The database {self.path} stayed locked for {self.timeout:.0f} s: {error}",
                        "TEMPORARILY_UNAVAILABLE",
                    ) from error
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 0.5)
