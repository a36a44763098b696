"""The model registry on the tracking store's SQLite database (schema version 2).

``SqliteRegistryMixin`` needs ``self._db`` (a ``SqliteDatabase``); ``SqliteTrackingStore`` mixes
it in, so one store object serves tracking and registry URIs alike.
"""

from __future__ import annotations

import posixpath
import re
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from weir.entities import (
    ModelVersion,
    ModelVersionStages,
    ModelVersionStageTransition,
    PagedList,
    RegisteredModel,
    RunTag,
)
from weir.exceptions import InvalidParameterValue, ResourceAlreadyExists, ResourceDoesNotExist
from weir.store.registry.base import (
    SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
    SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD,
    SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
    SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD,
    AbstractRegistryStore,
)
from weir.store.tracking import search
from weir.store.tracking.search.ast import ATTRIBUTE, TAG, OrderBy
from weir.store.tracking.search.compiler import SelectQuery, compare, key_value_filter
from weir.store.tracking.search.parser import SearchSpec
from weir.store.tracking.sqlite import validation as v

MAX_REGISTRY_TAG_VALUE_LENGTH = 100_000
MAX_ALIAS_LENGTH = 255
_ALIAS_RE = re.compile(r"^[\w\-]*$")
_DIALECT = search.SqliteDialect()

REGISTERED_MODELS = SearchSpec(
    what="registered models",
    string_attributes={"name": "name"},
    numeric_attributes={
        "creation_timestamp": "creation_timestamp",
        "last_updated_timestamp": "last_updated_timestamp",
        "timestamp": "last_updated_timestamp",
    },
    kinds=frozenset({TAG}),
    order_attributes=frozenset({"name", "creation_timestamp", "last_updated_timestamp"}),
    in_attributes=frozenset({"name"}),
    null_kinds=frozenset({TAG}),
)

MODEL_VERSIONS = SearchSpec(
    what="model versions",
    string_attributes={
        "name": "name",
        "run_id": "run_id",
        "source_path": "source",
        "current_stage": "current_stage",
    },
    numeric_attributes={
        "version_number": "version",
        "version": "version",
        "creation_timestamp": "creation_timestamp",
        "last_updated_timestamp": "last_updated_timestamp",
        "timestamp": "last_updated_timestamp",
    },
    kinds=frozenset({TAG}),
    order_attributes=frozenset({"name", "version", "creation_timestamp", "last_updated_timestamp"}),
    null_kinds=frozenset({TAG}),
)

_VERSION_COLUMNS = (
    "v.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.description, v.user_id, "
    "v.current_stage, v.source, v.run_id, v.run_link, v.status, v.status_message"
)


def _now() -> int:
    return int(time.time() * 1000)


def validate_model_name(name: Any, what: str = "registered model name") -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameterValue(f"Invalid {what} {name!r}: it must be a non-empty string.")
    if name.startswith("/") or ".." in name.split("/") or posixpath.normpath(name) != name:
        raise InvalidParameterValue(
            f"Invalid {what} {name!r}: it must not look like a path that leaves its folder."
        )
    return name


def _version_number(version: Any) -> int:
    if isinstance(version, bool):
        raise InvalidParameterValue(f"Invalid model version {version!r}: expected a positive integer.")
    if isinstance(version, int) and version > 0:
        return version
    if isinstance(version, str) and re.fullmatch(r"\s*\d{1,18}\s*", version) and int(version) > 0:
        return int(version)
    raise InvalidParameterValue(f"Invalid model version {version!r}: expected a positive integer.")


def _registry_tag(tag: RunTag) -> tuple[str, str]:
    v.validate_key("tag", tag.key)
    if tag.value is None:
        raise InvalidParameterValue(f"Tag {tag.key!r} has no value.")
    return tag.key, v.tag_value(tag.key, tag.value, MAX_REGISTRY_TAG_VALUE_LENGTH)


def _validate_alias(alias: Any) -> str:
    if not isinstance(alias, str) or not alias or len(alias) > MAX_ALIAS_LENGTH or not _ALIAS_RE.match(alias):
        raise InvalidParameterValue(
            f"Invalid alias {alias!r}: aliases are 1 to {MAX_ALIAS_LENGTH} letters, digits, '_' or '-'."
        )
    if alias.lower() == "latest" or re.fullmatch(r"[vV]\d+", alias):
        raise InvalidParameterValue(f"Invalid alias {alias!r}: 'latest' and 'v<number>' are reserved.")
    return alias


def _check_max_results(max_results: Any, limit: int) -> int:
    if isinstance(max_results, bool) or not isinstance(max_results, int) or not 1 <= max_results <= limit:
        raise InvalidParameterValue(f"Invalid max_results {max_results!r}: it must be between 1 and {limit}.")
    return max_results


class SqliteRegistryMixin(AbstractRegistryStore):
    _db: Any  # SqliteDatabase, set by the store
    _dialect: search.SqlDialect = _DIALECT  # the PostgreSQL store sets its own

    # --- loading -----------------------------------------------------------------------------
    def _model_row(self, conn: sqlite3.Connection, name: Any) -> tuple:
        row = None
        if isinstance(name, str):
            row = conn.execute(
                "SELECT name, creation_timestamp, last_updated_timestamp, description, user_id "
                "FROM registered_models WHERE name = ?",
                (name,),
            ).fetchone()
        if row is None:
            raise ResourceDoesNotExist(f"Registered Model with name={name} not found")
        return row

    def _version_row(self, conn: sqlite3.Connection, name: Any, version: Any) -> tuple:
        number = _version_number(version)
        self._model_row(conn, name)
        row = conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM model_versions v WHERE v.name = ? AND v.version = ?",
            (name, number),
        ).fetchone()
        if row is None:
            raise ResourceDoesNotExist(f"Model Version (name={name}, version={number}) not found")
        return row

    def _versions_from_rows(self, conn: sqlite3.Connection, rows: Sequence[tuple]) -> list[ModelVersion]:
        keys = {(row[0], row[1]) for row in rows}
        tags: dict[tuple, dict[str, str]] = {key: {} for key in keys}
        aliases: dict[tuple, list[str]] = {key: [] for key in keys}
        for name in {row[0] for row in rows}:
            for version, key, value in conn.execute(
                "SELECT version, key, value FROM model_version_tags WHERE name = ?", (name,)
            ):
                if (name, version) in tags:
                    tags[(name, version)][key] = value
            for version, alias in conn.execute(
                "SELECT version, alias FROM registered_model_aliases WHERE name = ? ORDER BY alias", (name,)
            ):
                if (name, version) in aliases:
                    aliases[(name, version)].append(alias)
        return [
            ModelVersion(*row, tags=tags[(row[0], row[1])], aliases=aliases[(row[0], row[1])]) for row in rows
        ]

    def _latest_version_rows(
        self, conn: sqlite3.Connection, name: str, stages: Sequence[str] | None
    ) -> list[tuple]:
        rows = conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM model_versions v WHERE v.name = ? AND v.version = "
            "(SELECT max(w.version) FROM model_versions w WHERE w.name = v.name AND w.current_stage = v.current_stage) "
            "ORDER BY v.version",
            (name,),
        ).fetchall()
        if stages:
            wanted = {ModelVersionStages.canonical(stage) for stage in stages}
            rows = [row for row in rows if row[6] in wanted]
        return rows

    def _models_from_rows(self, conn: sqlite3.Connection, rows: Sequence[tuple]) -> list[RegisteredModel]:
        models = []
        for name, created, updated, description, user_id in rows:
            tags = dict(conn.execute("SELECT key, value FROM registered_model_tags WHERE name = ?", (name,)))
            aliases = dict(
                conn.execute(
                    "SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias",
                    (name,),
                )
            )
            latest = self._versions_from_rows(conn, self._latest_version_rows(conn, name, None))
            models.append(
                RegisteredModel(name, created, updated, description, latest, tags, aliases, user_id)
            )
        return models

    # --- registered models -------------------------------------------------------------------
    def create_registered_model(
        self,
        name: str,
        tags: Sequence[RunTag] | None = None,
        description: str | None = None,
        user_id: str | None = None,
    ) -> RegisteredModel:
        validate_model_name(name)
        tag_rows = [_registry_tag(tag) for tag in tags or ()]

        def create(conn: sqlite3.Connection) -> RegisteredModel:
            if conn.execute("SELECT 1 FROM registered_models WHERE name = ?", (name,)).fetchone():
                raise ResourceAlreadyExists(f"Registered Model (name={name}) already exists.")
            now = _now()
            conn.execute(
                "INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description, "
                "user_id) VALUES (?, ?, ?, ?, ?)",
                (name, now, now, description, user_id),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)",
                [(name, key, value) for key, value in tag_rows],
            )
            return self._models_from_rows(conn, [self._model_row(conn, name)])[0]

        return self._db.write(create)

    def get_registered_model(self, name: str) -> RegisteredModel:
        return self._db.read(lambda conn: self._models_from_rows(conn, [self._model_row(conn, name)])[0])

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        validate_model_name(new_name, "new registered model name")

        def rename(conn: sqlite3.Connection) -> RegisteredModel:
            self._model_row(conn, name)
            if new_name != name:
                if conn.execute("SELECT 1 FROM registered_models WHERE name = ?", (new_name,)).fetchone():
                    raise ResourceAlreadyExists(f"Registered Model (name={new_name}) already exists.")
                # versions, tags and aliases follow through ON UPDATE CASCADE
                conn.execute(
                    "UPDATE registered_models SET name = ?, last_updated_timestamp = ? WHERE name = ?",
                    (new_name, _now(), name),
                )
                conn.execute(
                    "UPDATE model_version_stage_history SET name = ? WHERE name = ?", (new_name, name)
                )
            return self._models_from_rows(conn, [self._model_row(conn, new_name)])[0]

        return self._db.write(rename)

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        def update(conn: sqlite3.Connection) -> RegisteredModel:
            self._model_row(conn, name)
            conn.execute(
                "UPDATE registered_models SET description = ?, last_updated_timestamp = ? WHERE name = ?",
                (description, _now(), name),
            )
            return self._models_from_rows(conn, [self._model_row(conn, name)])[0]

        return self._db.write(update)

    def delete_registered_model(self, name: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            self._model_row(conn, name)
            conn.execute("DELETE FROM registered_models WHERE name = ?", (name,))
            conn.execute("DELETE FROM model_version_stage_history WHERE name = ?", (name,))

        self._db.write(delete)

    def set_registered_model_tag(self, name: str, tag: RunTag) -> None:
        key, value = _registry_tag(tag)

        def set_tag(conn: sqlite3.Connection) -> None:
            self._model_row(conn, name)
            conn.execute(
                "INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (name, key) DO UPDATE SET value = excluded.value",
                (name, key, value),
            )

        self._db.write(set_tag)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            self._model_row(conn, name)
            if (
                conn.execute(
                    "DELETE FROM registered_model_tags WHERE name = ? AND key = ?", (name, key)
                ).rowcount
                == 0
            ):
                raise ResourceDoesNotExist(f"No tag with key {key!r} on registered model {name!r}")

        self._db.write(delete)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        _check_max_results(max_results, SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD)
        filters = search.parse_filter(filter_string, REGISTERED_MODELS)
        orders = search.parse_order_bys(order_by, REGISTERED_MODELS) or [OrderBy(ATTRIBUTE, "name", True)]
        offset = search.decode_page_token(page_token)
        query = SelectQuery()
        for clause in filters:
            if clause.kind == ATTRIBUTE:
                query.add_where(*compare(self._dialect, "m." + clause.key, clause.op, clause.value))
            else:
                key_value_filter(self._dialect, query, "registered_model_tags", "{a}.name = m.name", clause)
        for order in orders:
            query.order.append(f"m.{order.key} {'ASC' if order.ascending else 'DESC'}")
        query.order.append("m.name ASC")
        sql, params = query.build(
            "SELECT m.name, m.creation_timestamp, m.last_updated_timestamp, m.description, m.user_id "
            "FROM registered_models m",
            max_results + 1,
            offset,
            self._dialect.placeholder,
        )

        def run(conn: sqlite3.Connection) -> PagedList[RegisteredModel]:
            rows = conn.execute(sql, params).fetchall()
            token = search.encode_page_token(offset + max_results) if len(rows) > max_results else None
            return PagedList(self._models_from_rows(conn, rows[:max_results]), token)

        return self._db.read(run)

    # --- model versions ----------------------------------------------------------------------
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: Sequence[RunTag] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        user_id: str | None = None,
    ) -> ModelVersion:
        if not isinstance(source, str) or not source:
            raise InvalidParameterValue(f"Invalid model version source {source!r}: expected a non-empty URI.")
        tag_rows = [_registry_tag(tag) for tag in tags or ()]

        def create(conn: sqlite3.Connection) -> ModelVersion:
            self._model_row(conn, name)
            number = conn.execute(
                "SELECT next_version FROM registered_models WHERE name = ?", (name,)
            ).fetchone()[0]
            now = _now()
            conn.execute(
                "UPDATE registered_models SET next_version = ?, last_updated_timestamp = ? WHERE name = ?",
                (number + 1, now, name),
            )
            conn.execute(
                "INSERT INTO model_versions (name, version, creation_timestamp, last_updated_timestamp, description, "
                "user_id, current_stage, source, run_id, run_link, status) VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, "
                "'READY')",
                (name, number, now, now, description, user_id, source, run_id, run_link),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)",
                [(name, number, key, value) for key, value in tag_rows],
            )
            return self._versions_from_rows(conn, [self._version_row(conn, name, number)])[0]

        return self._db.write(create)

    def get_model_version(self, name: str, version: str | int) -> ModelVersion:
        return self._db.read(
            lambda conn: self._versions_from_rows(conn, [self._version_row(conn, name, version)])[0]
        )

    def get_model_version_download_uri(self, name: str, version: str | int) -> str:
        return self._db.read(lambda conn: self._version_row(conn, name, version)[7])

    def update_model_version(self, name: str, version: str | int, description: str | None) -> ModelVersion:
        def update(conn: sqlite3.Connection) -> ModelVersion:
            row = self._version_row(conn, name, version)
            conn.execute(
                "UPDATE model_versions SET description = ?, last_updated_timestamp = ? WHERE name = ? AND version = ?",
                (description, _now(), name, row[1]),
            )
            return self._versions_from_rows(conn, [self._version_row(conn, name, row[1])])[0]

        return self._db.write(update)

    def delete_model_version(self, name: str, version: str | int) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            row = self._version_row(conn, name, version)
            # tags and aliases go through ON DELETE CASCADE; the stage history stays
            conn.execute("DELETE FROM model_versions WHERE name = ? AND version = ?", (name, row[1]))
            conn.execute(
                "UPDATE registered_models SET last_updated_timestamp = ? WHERE name = ?", (_now(), name)
            )

        self._db.write(delete)

    def set_model_version_tag(self, name: str, version: str | int, tag: RunTag) -> None:
        key, value = _registry_tag(tag)

        def set_tag(conn: sqlite3.Connection) -> None:
            row = self._version_row(conn, name, version)
            conn.execute(
                "INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value",
                (name, row[1], key, value),
            )

        self._db.write(set_tag)

    def delete_model_version_tag(self, name: str, version: str | int, key: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            row = self._version_row(conn, name, version)
            cursor = conn.execute(
                "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?",
                (name, row[1], key),
            )
            if cursor.rowcount == 0:
                raise ResourceDoesNotExist(f"No tag with key {key!r} on model {name!r} version {row[1]}")

        self._db.write(delete)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        _check_max_results(max_results, SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD)
        filters = search.parse_filter(filter_string, MODEL_VERSIONS)
        orders = search.parse_order_bys(order_by, MODEL_VERSIONS)
        offset = search.decode_page_token(page_token)
        query = SelectQuery()
        for clause in filters:
            if clause.kind == ATTRIBUTE:
                query.add_where(*compare(self._dialect, "v." + clause.key, clause.op, clause.value))
            else:
                key_value_filter(
                    self._dialect,
                    query,
                    "model_version_tags",
                    "{a}.name = v.name AND {a}.version = v.version",
                    clause,
                )
        for order in orders:
            query.order.append(f"v.{order.key} {'ASC' if order.ascending else 'DESC'}")
        query.order += ["v.name ASC", "v.version DESC"]
        sql, params = query.build(
            f"SELECT {_VERSION_COLUMNS} FROM model_versions v",
            max_results + 1,
            offset,
            self._dialect.placeholder,
        )

        def run(conn: sqlite3.Connection) -> PagedList[ModelVersion]:
            rows = conn.execute(sql, params).fetchall()
            token = search.encode_page_token(offset + max_results) if len(rows) > max_results else None
            return PagedList(self._versions_from_rows(conn, rows[:max_results]), token)

        return self._db.read(run)

    # --- stages ------------------------------------------------------------------------------
    def get_latest_versions(self, name: str, stages: Sequence[str] | None = None) -> list[ModelVersion]:
        def latest(conn: sqlite3.Connection) -> list[ModelVersion]:
            self._model_row(conn, name)
            return self._versions_from_rows(conn, self._latest_version_rows(conn, name, stages))

        return self._db.read(latest)

    def transition_model_version_stage(
        self,
        name: str,
        version: str | int,
        stage: str,
        archive_existing_versions: bool = False,
        user_id: str | None = None,
    ) -> ModelVersion:
        target = ModelVersionStages.canonical(stage)
        if archive_existing_versions and target not in (
            ModelVersionStages.STAGING,
            ModelVersionStages.PRODUCTION,
        ):
            raise InvalidParameterValue(
                f"archive_existing_versions can only be used when moving to Staging or Production, not {target}."
            )

        def transition(conn: sqlite3.Connection) -> ModelVersion:
            row = self._version_row(conn, name, version)
            number, now = row[1], _now()
            moves = [(number, row[6], target)]
            if archive_existing_versions:
                others = conn.execute(
                    "SELECT version FROM model_versions WHERE name = ? AND current_stage = ? AND version != ?",
                    (name, target, number),
                ).fetchall()
                moves += [(other, target, ModelVersionStages.ARCHIVED) for (other,) in others]
            for moved, from_stage, to_stage in moves:
                conn.execute(
                    "UPDATE model_versions SET current_stage = ?, last_updated_timestamp = ? "
                    "WHERE name = ? AND version = ?",
                    (to_stage, now, name, moved),
                )
                conn.execute(
                    "INSERT INTO model_version_stage_history (name, version, from_stage, to_stage, user_id, timestamp) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (name, moved, from_stage, to_stage, user_id, now),
                )
            conn.execute(
                "UPDATE registered_models SET last_updated_timestamp = ? WHERE name = ?", (now, name)
            )
            return self._versions_from_rows(conn, [self._version_row(conn, name, number)])[0]

        return self._db.write(transition)

    def get_model_version_stage_history(
        self, name: str, version: str | int | None = None
    ) -> list[ModelVersionStageTransition]:
        def history(conn: sqlite3.Connection) -> list[ModelVersionStageTransition]:
            self._model_row(conn, name)
            sql = (
                "SELECT name, version, from_stage, to_stage, user_id, timestamp FROM model_version_stage_history "
                "WHERE name = ?"
            )
            params: list[Any] = [name]
            if version is not None:
                sql += " AND version = ?"
                params.append(_version_number(version))
            return [ModelVersionStageTransition(*row) for row in conn.execute(sql + " ORDER BY id", params)]

        return self._db.read(history)

    def get_model_version_in_stage_at(self, name: str, stage: str, timestamp: int) -> str | None:
        target = ModelVersionStages.canonical(stage)
        if isinstance(timestamp, bool) or not isinstance(timestamp, int):
            raise InvalidParameterValue(
                f"Invalid timestamp {timestamp!r}: expected milliseconds since the epoch."
            )

        def find(conn: sqlite3.Connection) -> str | None:
            self._model_row(conn, name)
            # Each version's stage at `timestamp`: its last transition up to then.
            stage_at = dict(
                conn.execute(
                    "SELECT h.version, h.to_stage FROM model_version_stage_history h WHERE h.name = ? AND h.id = "
                    "(SELECT max(g.id) FROM model_version_stage_history g "
                    " WHERE g.name = h.name AND g.version = h.version AND g.timestamp <= ?)",
                    (name, timestamp),
                ).fetchall()
            )
            if target == ModelVersionStages.NONE:
                # versions that existed then and had not moved yet were in None
                for (number,) in conn.execute(
                    "SELECT version FROM model_versions WHERE name = ? AND creation_timestamp <= ?",
                    (name, timestamp),
                ):
                    stage_at.setdefault(number, ModelVersionStages.NONE)
            matches = [number for number, in_stage in stage_at.items() if in_stage == target]
            return str(max(matches)) if matches else None

        return self._db.read(find)

    # --- aliases -----------------------------------------------------------------------------
    def set_registered_model_alias(self, name: str, alias: str, version: str | int) -> None:
        _validate_alias(alias)

        def set_alias(conn: sqlite3.Connection) -> None:
            row = self._version_row(conn, name, version)
            conn.execute(
                "INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?) "
                "ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
                (name, alias, row[1]),
            )
            conn.execute(
                "UPDATE registered_models SET last_updated_timestamp = ? WHERE name = ?", (_now(), name)
            )

        self._db.write(set_alias)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            self._model_row(conn, name)
            cursor = conn.execute(
                "DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?", (name, alias)
            )
            if cursor.rowcount == 0:
                raise ResourceDoesNotExist(f"Registered model alias {alias} not found for model {name!r}.")

        self._db.write(delete)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        def get(conn: sqlite3.Connection) -> ModelVersion:
            self._model_row(conn, name)
            found = conn.execute(
                "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?", (name, alias)
            ).fetchone()
            if found is None:
                raise ResourceDoesNotExist(f"Registered model alias {alias} not found for model {name!r}.")
            return self._versions_from_rows(conn, [self._version_row(conn, name, found[0])])[0]

        return self._db.read(get)


def __getattr__(name: str) -> Any:
    # One class serves both interfaces; this name is for code that asks for "the registry store".
    if name == "SqliteRegistryStore":
        from weir.store.tracking.sqlite.store import SqliteTrackingStore

        return SqliteTrackingStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
