"""Users, bearer tokens and per-experiment / per-registered-model permissions, in the backend DB.

For a SQLite backend store the tables live in the same database file as the tracking data,
with their own small schema (``weir_auth_*`` tables, created when missing), so the tracking
store's migrations are untouched.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from weir.exceptions import InvalidParameterValue, ResourceAlreadyExists, ResourceDoesNotExist
from weir.server.auth import passwords
from weir.server.auth import permissions as perms

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS weir_auth_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS weir_auth_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS weir_auth_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES weir_auth_users (id) ON DELETE CASCADE,
    name TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS weir_auth_experiment_permissions (
    experiment_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES weir_auth_users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (experiment_id, user_id)
);
CREATE TABLE IF NOT EXISTS weir_auth_registered_model_permissions (
    name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES weir_auth_users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (name, user_id)
);
"""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    is_admin: bool
    password_hash: str


def auth_db_path(store_uri: str) -> Path:
    """The SQLite file of a backend store URI (folder, ``file:`` or ``sqlite:`` URI)."""
    from weir.store.tracking import local

    scheme = urlparse(store_uri).scheme.lower()
    if len(scheme) == 1:
        scheme = ""
    if scheme == "sqlite":
        return local._sqlite_path(store_uri).expanduser().resolve()
    if scheme in ("", "file"):
        folder = local._file_uri_path(store_uri) if scheme == "file" else Path(store_uri).expanduser()
        return (folder / local.DB_FILE_NAME).resolve()
    raise InvalidParameterValue(
        f"weir's access control keeps users in a SQLite backend store; {store_uri!r} is not one "
        "(use a folder path or sqlite:///path.db as --backend-store-uri)."
    )


def _now() -> int:
    return int(time.time() * 1000)


def _check_username(username: str) -> str:
    if not isinstance(username, str) or not username.strip() or ":" in username:
        raise InvalidParameterValue(f"Invalid username {username!r}: it must be non-empty and contain no ':'")
    return username.strip()


class AuthStore:
    """Thread-safe access to the auth tables of one backend store."""

    def __init__(self, store_uri: str) -> None:
        from weir.store.tracking.sqlite.connection import SqliteDatabase

        self.store_uri = store_uri
        path = auth_db_path(store_uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = SqliteDatabase(str(path))
        self._db.write(self._create_schema)

    @staticmethod
    def _create_schema(conn: sqlite3.Connection) -> None:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT OR IGNORE INTO weir_auth_meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )

    def close(self) -> None:
        self._db.close()

    # --- users ---------------------------------------------------------------------------------
    def create_user(self, username: str, password: str, is_admin: bool = False) -> User:
        username = _check_username(username)
        passwords.check_password_strength(password)
        hashed = passwords.hash_password(password)

        def create(conn: sqlite3.Connection) -> User:
            try:
                cursor = conn.execute(
                    "INSERT INTO weir_auth_users (username, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?)",
                    (username, hashed, int(is_admin), _now()),
                )
            except sqlite3.IntegrityError:
                raise ResourceAlreadyExists(f"User {username!r} already exists") from None
            return User(cursor.lastrowid, username, is_admin, hashed)

        return self._db.write(create)

    def get_user(self, username: str) -> User:
        user = self.find_user(username)
        if user is None:
            raise ResourceDoesNotExist(f"User {username!r} does not exist")
        return user

    def find_user(self, username: str) -> User | None:
        row = self._db.read(
            lambda conn: conn.execute(
                "SELECT id, username, is_admin, password_hash FROM weir_auth_users WHERE username = ?",
                (username,),
            ).fetchone()
        )
        return User(row[0], row[1], bool(row[2]), row[3]) if row else None

    def list_users(self) -> list[User]:
        rows = self._db.read(
            lambda conn: conn.execute(
                "SELECT id, username, is_admin, password_hash FROM weir_auth_users ORDER BY username"
            ).fetchall()
        )
        return [User(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    def has_admin(self) -> bool:
        return bool(
            self._db.read(
                lambda conn: conn.execute("SELECT 1 FROM weir_auth_users WHERE is_admin = 1").fetchone()
            )
        )

    def update_password(self, username: str, password: str) -> None:
        passwords.check_password_strength(password)
        hashed = passwords.hash_password(password)
        self._update_user(username, "password_hash = ?", (hashed,))

    def set_admin(self, username: str, is_admin: bool) -> None:
        self._update_user(username, "is_admin = ?", (int(is_admin),))

    def _update_user(self, username: str, assignment: str, values: tuple) -> None:
        def update(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                f"UPDATE weir_auth_users SET {assignment} WHERE username = ?", (*values, username)
            )
            if cursor.rowcount == 0:
                raise ResourceDoesNotExist(f"User {username!r} does not exist")

        self._db.write(update)

    def delete_user(self, username: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            row = conn.execute("SELECT id FROM weir_auth_users WHERE username = ?", (username,)).fetchone()
            if row is None:
                raise ResourceDoesNotExist(f"User {username!r} does not exist")
            for table in (
                "weir_auth_tokens",
                "weir_auth_experiment_permissions",
                "weir_auth_registered_model_permissions",
            ):
                conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (row[0],))
            conn.execute("DELETE FROM weir_auth_users WHERE id = ?", (row[0],))

        self._db.write(delete)

    def authenticate_password(self, username: str, password: str) -> User | None:
        user = self.find_user(username)
        if user is None:
            # spend the same time as a real check, so response times do not reveal usernames
            passwords.verify_password(password, _DUMMY_HASH)
            return None
        return user if passwords.verify_password(password, user.password_hash) else None

    # --- tokens --------------------------------------------------------------------------------
    def create_token(
        self, username: str, name: str | None = None, expires_in_days: float | None = None
    ) -> str:
        """A new bearer token for ``username``; only its hash is stored, so show it once."""
        user = self.get_user(username)
        token = passwords.new_token()
        expires = None if expires_in_days is None else _now() + int(expires_in_days * 86_400_000)
        self._db.write(
            lambda conn: conn.execute(
                "INSERT INTO weir_auth_tokens (token_hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                (passwords.hash_token(token), user.id, name, _now(), expires),
            )
        )
        return token

    def authenticate_token(self, token: str) -> User | None:
        row = self._db.read(
            lambda conn: conn.execute(
                "SELECT u.id, u.username, u.is_admin, u.password_hash, t.expires_at FROM weir_auth_tokens t "
                "JOIN weir_auth_users u ON u.id = t.user_id WHERE t.token_hash = ?",
                (passwords.hash_token(token),),
            ).fetchone()
        )
        if row is None or (row[4] is not None and row[4] < _now()):
            return None
        return User(row[0], row[1], bool(row[2]), row[3])

    def revoke_tokens(self, username: str) -> int:
        user = self.get_user(username)
        return self._db.write(
            lambda conn: conn.execute("DELETE FROM weir_auth_tokens WHERE user_id = ?", (user.id,)).rowcount
        )

    # --- permissions ---------------------------------------------------------------------------
    def set_experiment_permission(self, experiment_id: str, username: str, permission: str) -> None:
        self._set_permission(
            "weir_auth_experiment_permissions", "experiment_id", str(experiment_id), username, permission
        )

    def set_registered_model_permission(self, name: str, username: str, permission: str) -> None:
        self._set_permission("weir_auth_registered_model_permissions", "name", name, username, permission)

    def _set_permission(self, table: str, column: str, target: str, username: str, permission: str) -> None:
        permission = perms.validate(permission)
        user = self.get_user(username)
        self._db.write(
            lambda conn: conn.execute(
                f"INSERT INTO {table} ({column}, user_id, permission) VALUES (?, ?, ?) "
                f"ON CONFLICT ({column}, user_id) DO UPDATE SET permission = excluded.permission",
                (target, user.id, permission),
            )
        )

    def delete_experiment_permission(self, experiment_id: str, username: str) -> None:
        self._delete_permission(
            "weir_auth_experiment_permissions", "experiment_id", str(experiment_id), username
        )

    def delete_registered_model_permission(self, name: str, username: str) -> None:
        self._delete_permission("weir_auth_registered_model_permissions", "name", name, username)

    def _delete_permission(self, table: str, column: str, target: str, username: str) -> None:
        user = self.get_user(username)

        def delete(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                f"DELETE FROM {table} WHERE {column} = ? AND user_id = ?", (target, user.id)
            )
            if cursor.rowcount == 0:
                raise ResourceDoesNotExist(f"User {username!r} has no permission on {target!r}")

        self._db.write(delete)

    def experiment_permission(self, experiment_id: str, user_id: int) -> str | None:
        return self._permission(
            "weir_auth_experiment_permissions", "experiment_id", str(experiment_id), user_id
        )

    def registered_model_permission(self, name: str, user_id: int) -> str | None:
        return self._permission("weir_auth_registered_model_permissions", "name", name, user_id)

    def _permission(self, table: str, column: str, target: str, user_id: int) -> str | None:
        row = self._db.read(
            lambda conn: conn.execute(
                f"SELECT permission FROM {table} WHERE {column} = ? AND user_id = ?", (target, user_id)
            ).fetchone()
        )
        return row[0] if row else None

    def rename_registered_model(self, name: str, new_name: str) -> None:
        """Permissions follow a registered model when it is renamed."""
        self._db.write(
            lambda conn: conn.execute(
                "UPDATE OR REPLACE weir_auth_registered_model_permissions SET name = ? WHERE name = ?",
                (new_name, name),
            )
        )


_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
